/**
 * Random models and data for the SQL equality tests: every construct the compiler writes
 * (all operators on text that may be numbers, trimmed, cased; groups sum/first; decay,
 * window, occurrences, distinct, count; caps; inactivity; grades, levels, bands, stages,
 * journey, segments with did/didNot; accounts with rollups and a committee).
 * @module
 */
import fc from 'fast-check'
import { DAY_MS } from '../../core/input.js'
import type { Condition, EngagementRule, FitGroup, ModelDocument, Operators } from '../../core/model/types.js'

export const AS_OF = Date.parse('2026-11-01T00:00:00Z')

/** One contact, its account id and properties as CSV text (undefined: an empty cell). */
export interface ContactRow {
  readonly id: string
  readonly props: Readonly<Record<string, string | undefined>>
}
export interface EventRow {
  readonly id: string
  readonly contactId: string
  readonly name: string
  /** The time cell: epoch ms digits or ISO-8601. */
  readonly time: string
  readonly ts: number
  readonly props: Readonly<Record<string, string | undefined>>
}
export interface Dataset {
  readonly contacts: readonly ContactRow[]
  readonly accounts: readonly ContactRow[]
  readonly events: readonly EventRow[]
}

export const CONTACT_COLUMNS = ['account_id', 'title', 'country', 'employees', 'email'] as const
export const ACCOUNT_COLUMNS = ['industry', 'employees'] as const
export const EVENT_COLUMNS = ['path', 'email_id', 'percent'] as const

const TITLES = [
  'VP Sales',
  ' vp of growth ',
  'Head of Data',
  'engineer',
  'ENGINEER',
  'Chief Executive',
  'intern',
  'true',
]
const COUNTRIES = ['US', ' us', 'Us ', 'DE', 'fr', '\u00a0de\u3000']
const NUMBERS = ['200', '5000', '12', '007', '1e3', ' 50 ', 'many', '-3.5', '0']
const EMAILS = ['a@gmail.com', 'B@Acme.io', 'c@acme.io']
const NAMES = ['page', 'PAGE', ' page', 'Email Opened', 'Demo Requested', 'Webinar Attended', 'Unsubscribed']
const PATHS = ['/pricing', '/Pricing/x', '/blog', ' /docs']
const MAILS = ['m1', 'M1 ', ' m2', 'm3']
const PERCENTS = ['10', '75', '100', '75.0', 'x']
const REGEXES = ['\\bvp\\b', '^head', 'chief|founder', 'eng.neer$', '\\d{3}', '@(gmail|yahoo)\\.', '^\\s*vp']

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 })

const scalar = fc.oneof(
  fc.constantFrom(...TITLES, ...COUNTRIES.map((c) => c.trim()), 'software', 'us'),
  fc.constantFrom(200, 12, 7, 1000, 0, 50),
  fc.boolean(),
  fc.constant(null),
)

const stringOps: fc.Arbitrary<Operators> = fc.oneof(
  scalar.map((eq) => ({ eq })),
  scalar.map((ne) => ({ ne })),
  fc.array(scalar, { minLength: 1, maxLength: 3 }).map((list) => ({ in: list })),
  fc.array(scalar, { minLength: 1, maxLength: 3 }).map((notIn) => ({ notIn })),
  fc
    .constantFrom('gt', 'gte', 'lt', 'lte')
    .chain((op) => fc.constantFrom(0, 12, 50, 200, 1000, '100').map((n) => ({ [op]: n }) as Operators)),
  fc.constantFrom(...REGEXES).map((matches) => ({ matches })),
  fc
    .constantFrom('contains', 'startsWith', 'endsWith')
    .chain((op) => fc.constantFrom('vp', 'ACME', 'er', ' u', '0').map((n) => ({ [op]: n }) as Operators)),
  fc.boolean().map((exists) => ({ exists })),
  fc.record({ gte: fc.constantFrom(0, 12), lt: fc.constantFrom(500, 5000) }),
)

const propertyCondition = (fields: readonly string[]): fc.Arbitrary<Condition> =>
  fc.tuple(fc.constantFrom(...fields), stringOps).map(([field, ops]) => ({ [field]: ops }) as Condition)

const CONTACT_FIELDS = [
  'title',
  'country',
  'employees',
  'email',
  'account.industry',
  'account.employees',
  'nothing',
]

const historyCondition: fc.Arbitrary<Condition> = fc
  .record({
    key: fc.constantFrom('did', 'didNot'),
    by: fc.oneof(
      fc.constantFrom('page', 'Demo Requested', 'any').map((event) => ({ event })),
      fc.constantFrom('r0', 'r1', 'r2').map((rule) => ({ rule })),
    ),
    withinDays: maybe(fc.integer({ min: 1, max: 90 })),
    atLeast: maybe(fc.integer({ min: 1, max: 3 })),
  })
  .map(({ key, by, withinDays, atLeast }) => ({
    [key]: {
      ...by,
      ...(withinDays === undefined ? {} : { withinDays }),
      ...(atLeast === undefined ? {} : { atLeast }),
    },
  }))

const contactCondition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 4, arbitrary: propertyCondition(CONTACT_FIELDS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('all', 'any'), fc.array(propertyCondition(CONTACT_FIELDS), { maxLength: 2 }))
      .map(([k, list]) => ({ [k]: list })),
  },
  { weight: 1, arbitrary: propertyCondition(CONTACT_FIELDS).map((c) => ({ not: c })) },
)

const scoreCondition: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom(0, 10, 30, 50).map((n) => ({ 'score.total': { gte: n } })),
  fc.constantFrom(0, 10, 20).map((n) => ({ 'score.fit': { gte: n } })),
  fc.constantFrom(0, 5, 15).map((n) => ({ 'score.engagement': { gt: n } })),
  fc.constantFrom('A', 'b', 'F').map((g) => ({ 'score.grade': g })),
  fc.constant({ 'score.level': ['1', '2'] }),
  fc.constant({ 'score.label': { startsWith: 'a' } }),
  fc.constant({ 'score.group.e0': { gt: 0 } }),
  fc.constant({ 'score.rule.r0': { gt: 1 } }),
  fc.constant({ 'score.rule.f0': { exists: true } }),
  fc.constant({ 'score.likelihood': { exists: false } }),
  fc.constant({ 'score.band': 'hot' }),
  fc.constant({ 'score.stage': 'mql' }),
  fc.constant({ 'score.journey': { exists: true } }),
  historyCondition,
  contactCondition,
)

const eventCondition: fc.Arbitrary<Condition> = fc
  .record({
    event: fc.oneof(
      fc.constantFrom('page', 'Email Opened', 'demo requested', 'any', 'Webinar Attended'),
      fc.constant(['page', 'Unsubscribed']),
    ),
    extra: maybe(propertyCondition(['path', 'email_id', 'percent'])),
  })
  .map(({ event, extra }) => ({ event, ...extra }) as Condition)

const decay = fc.oneof(
  fc.constant(undefined),
  fc.constant('none' as const),
  fc.integer({ min: 1, max: 90 }).map((halfLifeDays) => ({ halfLifeDays })),
  fc.integer({ min: 1, max: 90 }).map((linearDays) => ({ linearDays })),
)

const engagementRule = fc
  .record({
    when: eventCondition,
    points: fc.integer({ min: -15, max: 25 }),
    decay,
    window: maybe(fc.integer({ min: 1, max: 120 }).map((days) => ({ days }))),
    occurrences: maybe(
      fc.oneof(
        fc.constant('all' as const),
        fc.constant('first' as const),
        fc.integer({ min: 1, max: 30 }).map((perDays) => ({ perDays })),
      ),
    ),
    distinct: maybe(fc.constantFrom('email_id', 'path')),
    // n = 0 never holds: the engine's two evaluators differ there (see the SQL tests)
    count: maybe(
      fc.record({
        gte: fc.integer({ min: 1, max: 3 }),
        lte: maybe(fc.integer({ min: 3, max: 6 })),
        withinDays: maybe(fc.integer({ min: 1, max: 60 })),
      }),
    ),
    max: maybe(fc.integer({ min: 5, max: 40 })),
    min: maybe(fc.integer({ min: -30, max: -1 })),
  })
  .map((r) => {
    const out: Record<string, unknown> = { when: r.when, points: r.points }
    for (const k of ['decay', 'window', 'occurrences', 'distinct', 'max', 'min'] as const) {
      if (r[k] !== undefined) out[k] = r[k]
    }
    if (r.count) {
      const c: Record<string, number> = { gte: r.count.gte }
      if (r.count.lte !== undefined) c.lte = r.count.lte
      if (r.count.withinDays !== undefined) c.withinDays = r.count.withinDays
      out.count = c
    }
    return out as unknown as EngagementRule
  })

const fitGroup = (id: string, prefix: string, fields: readonly string[]) =>
  fc
    .record({
      mode: fc.constantFrom('sum' as const, 'first' as const),
      max: maybe(fc.integer({ min: 5, max: 30 })),
      min: maybe(fc.integer({ min: -10, max: 0 })),
      rules: fc.array(
        fc.record({ when: propertyCondition(fields), points: fc.integer({ min: -10, max: 20 }) }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    })
    .map(
      (g): FitGroup => ({
        id,
        mode: g.mode,
        ...(g.max === undefined ? {} : { max: g.max }),
        ...(g.min === undefined ? {} : { min: g.min }),
        rules: g.rules.map((r, i) => ({ id: `${prefix}${i}`, ...r })),
      }),
    )

/** A random valid model. */
export const sqlModelArb: fc.Arbitrary<ModelDocument> = fc
  .record({
    caseSensitive: fc.boolean(),
    fit: fc.tuple(fitGroup('fa', 'f', CONTACT_FIELDS), fitGroup('fb', 'fb', CONTACT_FIELDS)),
    groups: fc.array(
      fc.record({
        mode: fc.constantFrom('sum' as const, 'first' as const),
        max: maybe(fc.integer({ min: 5, max: 60 })),
        rules: fc.array(engagementRule, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    partDecay: decay,
    inactivity: maybe(
      fc.record({
        afterDays: fc.integer({ min: 1, max: 90 }),
        points: fc.integer({ min: -20, max: -1 }),
        activity: maybe(fc.constant(['page', 'Demo Requested'])),
      }),
    ),
    bands: fc.array(scoreCondition, { maxLength: 2 }),
    stages: fc.array(scoreCondition, { minLength: 1, maxLength: 2 }),
    journey: fc.array(scoreCondition, { maxLength: 2 }),
    segments: fc.array(scoreCondition, { maxLength: 3 }),
    accounts: maybe(
      fc.record({
        rollup: fc.constantFrom('sum' as const, 'max' as const, 'mean' as const, 'top3' as const),
        perContactMax: maybe(fc.integer({ min: 1, max: 20 })),
        max: maybe(fc.integer({ min: 10, max: 100 })),
        roles: fc.array(fc.record({ when: contactCondition, points: fc.integer({ min: 1, max: 20 }) }), {
          maxLength: 2,
        }),
        engagedWhen: maybe(scoreCondition),
        fit: maybe(fitGroup('af', 'af', ['industry', 'employees', 'account.industry'])),
        bands: fc.array(
          fc.oneof(
            fc.constantFrom(0, 20, 50).map((n) => ({ 'score.total': { gte: n } }) as Condition),
            fc.constant({ 'score.rule.af0': { gt: 0 } } as Condition),
            propertyCondition(['industry', 'account.industry']),
          ),
          { maxLength: 2 },
        ),
      }),
    ),
  })
  .map((m): ModelDocument => {
    let n = 0
    return {
      format: 'leadscore/v1',
      id: 'random',
      caseSensitive: m.caseSensitive,
      fit: { max: 40, groups: m.fit, grades: { A: 20, B: 8, C: 0 } },
      engagement: {
        max: 60,
        min: -10,
        ...(m.partDecay === undefined ? {} : { decay: m.partDecay }),
        groups: m.groups.map((g, gi) => ({
          id: `e${gi}`,
          mode: g.mode,
          ...(g.max === undefined ? {} : { max: g.max }),
          rules: g.rules.map((r) => ({ ...r, id: `r${n++}` })),
        })),
        ...(m.inactivity === undefined
          ? {}
          : {
              inactivity: {
                afterDays: m.inactivity.afterDays,
                points: m.inactivity.points,
                ...(m.inactivity.activity ? { activity: m.inactivity.activity } : {}),
              },
            }),
        levels: { 1: 30, 2: 10, 3: 1 },
      },
      bands: [...m.bands.map((when, i) => ({ id: `band${i}`, when })), { id: 'cold' }],
      stages: [{ id: 'lead' }, ...m.stages.map((when, i) => ({ id: i === 0 ? 'mql' : `stage${i}`, when }))],
      journey: m.journey.map((when, i) => ({ id: `j${i}`, when })),
      segments: m.segments.map((when, i) => ({ id: `s${i}`, when })),
      ...(m.accounts
        ? {
            accounts: {
              key: 'account_id',
              engagement: {
                rollup: m.accounts.rollup,
                ...(m.accounts.perContactMax === undefined
                  ? {}
                  : { perContactMax: m.accounts.perContactMax }),
                ...(m.accounts.max === undefined ? {} : { max: m.accounts.max }),
              },
              committee: {
                roles: m.accounts.roles.map((r, i) => ({ id: `role${i}`, ...r })),
                ...(m.accounts.engagedWhen ? { engagedWhen: m.accounts.engagedWhen } : {}),
              },
              ...(m.accounts.fit ? { fit: { max: 30, groups: [m.accounts.fit] } } : {}),
              bands: m.accounts.bands.map((when, i) => ({ id: `ab${i}`, when })),
            },
          }
        : {}),
    }
  })

const cell = (values: readonly string[]) => maybe(fc.constantFrom(...values))

/** Random contacts (c0..), accounts (a1, a2; a3 is named but absent) and events. */
export const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    contacts: fc.array(
      fc.record({
        account_id: cell(['a1', 'a2', 'a3']),
        title: cell(TITLES),
        country: cell(COUNTRIES),
        employees: cell(NUMBERS),
        email: cell(EMAILS),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    accounts: fc.array(
      fc.record({ industry: cell(['Software', ' software ', 'Retail']), employees: cell(NUMBERS) }),
      {
        minLength: 2,
        maxLength: 2,
      },
    ),
    events: fc.array(
      fc.record({
        contact: fc.nat(9),
        name: fc.constantFrom(...NAMES),
        day: fc.oneof(fc.integer({ min: -3, max: 150 }), fc.double({ min: -3, max: 150, noNaN: true })),
        iso: fc.boolean(),
        path: cell(PATHS),
        email_id: cell(MAILS),
        percent: cell(PERCENTS),
      }),
      { maxLength: 50 },
    ),
  })
  .map(({ contacts, accounts, events }) => ({
    contacts: contacts.map((props, i) => ({ id: `c${i}`, props })),
    accounts: accounts.map((props, i) => ({ id: `a${i + 1}`, props })),
    events: events.map((e, i) => {
      const ts = AS_OF - Math.round(e.day * DAY_MS)
      return {
        id: `e${i}`,
        contactId: `c${e.contact}`,
        name: e.name,
        ts,
        time: e.iso ? new Date(ts).toISOString() : String(ts),
        props: { path: e.path, email_id: e.email_id, percent: e.percent },
      }
    }),
  }))
