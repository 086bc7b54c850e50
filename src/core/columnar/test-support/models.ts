/**
 * Random models and contacts for the bulk scorer's property tests: the engagement rules of
 * `modelArb`, with random conditions on contact and account properties (every operator,
 * messy values) in fit rules, and on `score.*` fields, classes, segments and history in
 * bands, stages, journey, segments and committee roles.
 * @module
 */
import fc from 'fast-check'
import type { Properties } from '../../input.js'
import type { Classifier, Condition, EngagementRule, ModelDocument } from '../../model/types.js'
import { modelArb } from '../../test-support/arbitraries.js'

const TEXTS = [
  'VP Growth',
  ' vp growth ',
  'Intern',
  'head of data',
  '',
  'true',
  'NA',
  '250',
  ' 12 ',
  '1e3',
  '2026-01-05',
]

/** A property value as files and the API give them (absent when undefined). */
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...TEXTS),
  fc.constantFrom(undefined, null, 0, 12, 250, 5000.5, -3, true, false),
  fc.constant({ x: 'VP' }),
)

/** Every operator of model-format.md, with bounds that the values above sometimes meet. */
const operatorsArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...TEXTS, 12, 250, true, null),
  fc.constant(['vp growth', 'Intern', 12, null]),
  fc.record({ eq: fc.constantFrom('VP Growth', 12, true, null, '2026-01-05') }),
  fc.record({ ne: fc.constantFrom('intern', 250, null) }),
  fc.record({ in: fc.constant(['head of data', 250, false]) }),
  fc.record({ notIn: fc.constantFrom(['intern', 12], ['VP Growth', null]) }),
  fc.record({ gt: fc.constantFrom(10, 0, '2025-12-31') }),
  fc.record({ gte: fc.constantFrom(12, 250, -3) }),
  fc.record({ lt: fc.constantFrom(100, 0, '2026-06-01') }),
  fc.record({ lte: fc.constantFrom(12, 1000) }),
  fc.record({ gte: fc.constant(10), lt: fc.constant(1000) }),
  fc.record({ matches: fc.constantFrom('\\bvp\\b', '^in', '\\d+') }),
  fc.record({ contains: fc.constantFrom('of', 'VP') }),
  fc.record({ startsWith: fc.constantFrom('vp', 'h') }),
  fc.record({ endsWith: fc.constantFrom('growth', '0') }),
  fc.record({ exists: fc.boolean() }),
)

const contactFields = ['title', 'employees', 'flag', 'nested.x', 'account.industry', 'account.employees']
const scoreFields = [
  'score.total',
  'score.fit',
  'score.engagement',
  'score.likelihood',
  'score.grade',
  'score.level',
  'score.label',
  'score.band',
  'score.stage',
  'score.journey',
  'score.segments',
  'score.group.g0',
  'score.group.f',
  'score.rule.r1',
  'score.rule.vp',
  'score.rule.unknown',
]
const scoreTests = fc.oneof(
  fc.record({ gte: fc.integer({ min: -10, max: 60 }) }),
  fc.record({ lt: fc.integer({ min: -10, max: 60 }) }),
  fc.constantFrom('A', 'B', 'F', '1', '2', 'B2', 'hot', 'cold', 'mql', 'lead', 'quiet', null),
  fc.record({ exists: fc.boolean() }),
  fc.record({ contains: fc.constantFrom('quiet', 'b') }),
)

const historyArb: fc.Arbitrary<Condition> = fc
  .record({
    kind: fc.constantFrom('did', 'didNot'),
    event: fc.constantFrom(undefined, 'page', 'any', ['Email Opened', 'Demo Requested']),
    rule: fc.constantFrom(undefined, 'r0', 'r2'),
    withinDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    atLeast: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  })
  .map(({ kind, event, rule, withinDays, atLeast }) => {
    const test: Record<string, unknown> = {}
    if (event !== undefined || rule === undefined) test.event = event ?? 'any'
    if (rule !== undefined) test.rule = rule
    if (withinDays !== undefined) test.withinDays = withinDays
    if (atLeast !== undefined) test.atLeast = atLeast
    return { [kind]: test } as Condition
  })

/** A condition over contact fields (and `score.*` fields when `scores`). */
function conditionArb(scores: boolean): fc.Arbitrary<Condition> {
  const fields = scores ? [...contactFields, ...scoreFields] : contactFields
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...fields)
        .chain((field) =>
          (field.startsWith('score.') ? scoreTests : operatorsArb).map(
            (spec) => ({ [field]: spec }) as Condition,
          ),
        ),
    },
    { weight: 1, arbitrary: historyArb },
    { weight: 1, arbitrary: fc.constantFrom<Condition>({ event: 'page' }, { event: 'any' }) },
  )
  return fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('c'), { maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('c'), { maxLength: 3 }).map((any) => ({ any })),
      tie('c').map((not) => ({ not })),
      fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
    ),
  })).c
}

/** Engagement conditions beyond `modelArb`'s: several names, no `event` key, `not`, property operators. */
const eventConditionArb: fc.Arbitrary<Condition> = fc.constantFrom<Condition>(
  { event: 'page', path: { startsWith: '/d' } },
  { event: ['page', 'Email Opened'], email_id: { in: ['m1', ' M2 '] } },
  { any: [{ event: 'Demo Requested' }, { percent: { gt: 50 } }] },
  { event: 'page', not: { path: { exists: true } } },
  { event: 'PAGE ', path: { matches: '^/(pricing|docs)' } },
  { event: 'any' },
)

const classifiers = (prefix: string, size: number, last: boolean): fc.Arbitrary<Classifier[]> =>
  fc
    .array(conditionArb(true), { minLength: size, maxLength: size })
    .map((conditions) =>
      conditions.map((when, i) =>
        last && i === size - 1 ? { id: `${prefix}${i}` } : { id: `${prefix}${i}`, when },
      ),
    )

/** A random model: `modelArb`'s engagement part, random fit rules and classifiers, maybe an account part. */
export const richModelArb: fc.Arbitrary<ModelDocument> = fc
  .record({
    base: modelArb,
    fit: fc.array(
      fc.record({
        mode: fc.constantFrom('sum' as const, 'first' as const),
        max: fc.option(fc.integer({ min: 5, max: 30 }), { nil: undefined }),
        min: fc.option(fc.integer({ min: -20, max: 0 }), { nil: undefined }),
        rules: fc.array(fc.record({ when: conditionArb(false), points: fc.integer({ min: -15, max: 25 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    extraRules: fc.array(fc.record({ when: eventConditionArb, points: fc.integer({ min: -10, max: 20 }) }), {
      maxLength: 3,
    }),
    bands: classifiers('b', 3, true),
    stages: classifiers('s', 3, false),
    journey: classifiers('j', 2, false),
    segments: classifiers('seg', 3, false),
    roles: classifiers('role', 2, false),
    activity: fc.option(fc.constantFrom(['page'], ['Email Opened', 'demo requested']), { nil: undefined }),
    weight: fc.constantFrom(0, 20),
    accounts: fc.boolean(),
  })
  .map(({ base, fit, extraRules, bands, stages, journey, segments, roles, activity, weight, accounts }) => {
    const engagement = base.engagement!
    const groups = engagement.groups.map((g, i) =>
      i === 0
        ? {
            ...g,
            min: -15,
            rules: [...g.rules, ...extraRules.map((r, k) => ({ ...r, id: `x${k}` }) as EngagementRule)],
          }
        : g,
    )
    const doc: ModelDocument = {
      ...base,
      fit: {
        max: 40,
        min: -5,
        grades: { A: 20, B: 5 },
        groups: fit.map((g, i) => ({
          id: i === 0 ? 'f' : `f${i}`,
          mode: g.mode,
          ...(g.max === undefined ? {} : { max: g.max }),
          ...(g.min === undefined ? {} : { min: g.min }),
          rules: g.rules.map((r, k) => ({ ...r, id: i === 0 && k === 0 ? 'vp' : `f${i}-${k}` })),
        })),
      },
      engagement: {
        ...engagement,
        groups,
        ...(engagement.inactivity && activity ? { inactivity: { ...engagement.inactivity, activity } } : {}),
      },
      bands,
      stages: [{ id: 'lead' }, ...stages, { id: 'customer' }],
      journey,
      segments,
      ...(weight > 0 ? { predictive: { model: 'm', weight } } : {}),
      ...(accounts
        ? {
            accounts: {
              committee: { roles: roles.map((r) => ({ id: r.id, when: r.when ?? {}, points: 5 })) },
            },
          }
        : {}),
    }
    return doc
  })

/** Contacts with random properties and accounts (some without), and likelihoods (some unknown). */
export const contactsArb = (n: number) =>
  fc
    .array(
      fc.record({
        title: valueArb,
        employees: valueArb,
        flag: valueArb,
        nested: fc.option(fc.record({ x: valueArb }), { nil: undefined }),
        account: fc.option(fc.record({ industry: valueArb, employees: valueArb }), { nil: undefined }),
        likelihood: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      }),
      { minLength: n, maxLength: n },
    )
    .map((rows) =>
      rows.map((r) => {
        const properties: Record<string, unknown> = {}
        for (const key of ['title', 'employees', 'flag', 'nested'] as const)
          if (r[key] !== undefined) properties[key] = r[key]
        const account: Properties | undefined =
          r.account && Object.fromEntries(Object.entries(r.account).filter(([, v]) => v !== undefined))
        return { properties: properties as Properties, account, likelihood: r.likelihood }
      }),
    )
