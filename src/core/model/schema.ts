/**
 * The structure of a scoring model document (`format: leadscore/v1`) as a zod schema: types,
 * required keys, allowed keys (unknown keys are errors), number ranges and id syntax. Semantic
 * checks that need the whole model (references, duplicates, ranges that can never hold) are in
 * `validate.ts`. {@link schemaIssues} turns zod's issues into issues a user can act on.
 * @module
 */
import { z } from 'zod'
import {
  closest,
  compareIssues,
  describeValue,
  formatPath,
  type Issue,
  type IssueParams,
  type Locate,
  makeIssue,
  type PathSegment,
  valueParams,
} from './issue.js'
import { LABEL_LANGUAGES, type LabelLanguage } from './label.js'
import type { Condition, Decay, ModelDocument } from './types.js'

const LANGUAGE_NAMES: Readonly<Record<LabelLanguage, string>> = { en: 'English', es: 'Spanish', nl: 'Dutch' }
const CLASSIFIER_LISTS: ReadonlySet<string> = new Set(['bands', 'stages', 'journey', 'segments'])
const LABEL_EXAMPLES: Readonly<Record<LabelLanguage, string>> = { en: 'Hot', es: 'Caliente', nl: 'Heet' }

/** JSON Schema annotations attached to schema nodes (descriptions, `$defs` names, extra keywords). */
export interface SchemaAnnotation {
  id?: string
  description?: string
  [keyword: string]: unknown
}

/** Annotations of {@link modelSchema}'s nodes, read by `modelJsonSchema()`. Kept out of zod's global registry. */
export const schemaAnnotations = z.registry<SchemaAnnotation>()

function doc<T extends z.ZodType>(schema: T, annotation: SchemaAnnotation | string): T {
  schemaAnnotations.add(schema, typeof annotation === 'string' ? { description: annotation } : annotation)
  return schema
}

/**
 * Describes one use of a schema used in several places: the description goes on a transparent
 * wrapper, so the schema itself keeps its own (and its `$defs` entry stays shared).
 */
function annotate<T extends z.ZodType>(schema: T, description: string): z.ZodLazy<T> {
  return doc(
    z.lazy(() => schema),
    description,
  )
}

/** A value made on first use: recursive schemas refer to themselves through getters. */
function once<T>(make: () => T): () => T {
  let value: T | undefined
  return () => {
    value ??= make()
    return value
  }
}

/** Ids of rules, groups, bands, stages, ...: letters, digits, `-` and `_` (they appear in `score.rule.<id>`). */
export const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/

/** Level names: whole numbers from 1. */
export const LEVEL_PATTERN = /^[1-9][0-9]*$/

/** The keys of a condition that are not field names. */
export const CONDITION_KEYWORDS = ['all', 'any', 'not', 'did', 'didNot', 'event'] as const

/** Letters a grade threshold may name; a contact below every threshold gets `F`. */
export const GRADE_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const

/**
 * What a value with several accepted forms may be, by the name its issue params use
 * (`expectedForm`): the union schemas' errors say `expected <phrase>`.
 */
const EXPECTED_FORMS = {
  scalar: 'a single value: text, a number, true, false or null',
  orderValue: 'a number or an ISO date',
  names: 'a name or a list of names',
  fieldTest: 'a value (`manager`), a list of values (`[US, CA]`) or operators (`{ gte: 200 }`)',
  ruleIds: 'a rule id or a list of rule ids',
  decay: '`none`, `{ halfLifeDays: n }` or `{ linearDays: n }`',
  occurrences: '`all`, `first` or `{ perDays: n }`',
  label: 'a label: text, or a map of languages to text (`{ en: Hot, es: Caliente }`)',
  version: 'a version: text or a number',
} as const
type ExpectedForm = keyof typeof EXPECTED_FORMS
const expected = (form: ExpectedForm) => `expected ${EXPECTED_FORMS[form]}`

const id = (description: string) => doc(z.string().regex(ID_PATTERN), description)
const text = (description: string) => doc(z.string().min(1), description)
const days = (description: string) => doc(z.number().positive(), description)
const number = (description: string) => doc(z.number(), description)

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: expected('scalar'),
})
const scalarList = z.array(scalar)
const orderValue = z.union([z.number(), z.string()], { error: expected('orderValue') })

const nameOrList = (description: string) =>
  doc(
    z.union([z.string().min(1), z.array(z.string().min(1))], {
      error: expected('names'),
    }),
    description,
  )

const operatorsSchema = doc(
  z.strictObject({
    eq: annotate(
      scalar,
      'Equal to this value (text is compared case-insensitively unless `caseSensitive`).',
    ).exactOptional(),
    ne: annotate(scalar, 'Not equal to this value; a missing field matches.').exactOptional(),
    in: annotate(scalarList, 'Equal to one of these values.').exactOptional(),
    notIn: annotate(scalarList, 'Equal to none of these values; a missing field matches.').exactOptional(),
    gt: annotate(orderValue, 'Greater than this number or ISO date.').exactOptional(),
    gte: annotate(orderValue, 'Greater than or equal to this number or ISO date.').exactOptional(),
    lt: annotate(orderValue, 'Less than this number or ISO date.').exactOptional(),
    lte: annotate(orderValue, 'Less than or equal to this number or ISO date.').exactOptional(),
    matches: doc(
      z.string(),
      'A regular expression the value must match (case-insensitive unless `caseSensitive`).',
    ).exactOptional(),
    contains: doc(z.string(), 'Text the value must contain.').exactOptional(),
    startsWith: doc(z.string(), 'Text the value must start with.').exactOptional(),
    endsWith: doc(z.string(), 'Text the value must end with.').exactOptional(),
    exists: doc(
      z.boolean(),
      '`true`: the field must be present; `false`: it must be missing.',
    ).exactOptional(),
  }),
  { id: 'Operators', description: 'Operators on one field; all of them must hold.' },
)

const fieldTestSchema = doc(
  z.union([operatorsSchema, scalar, scalarList], {
    error: expected('fieldTest'),
  }),
  {
    id: 'FieldTest',
    description:
      'A test on one field: operators, a single value (shorthand for `{ eq: value }`) or a list (shorthand for `{ in: [...] }`).',
  },
)

const historyTestSchema = doc(
  z
    .strictObject({
      event: nameOrList('Event names (case-insensitive); `any` matches every event.').exactOptional(),
      rule: doc(
        z.union([z.string().regex(ID_PATTERN), z.array(z.string().regex(ID_PATTERN))], {
          error: expected('ruleIds'),
        }),
        'Engagement rule ids: events matched by those rules.',
      ).exactOptional(),
      withinDays: days('Only events of the last n days count.').exactOptional(),
      atLeast: doc(z.int().min(1), 'How many such events are needed (default 1).').exactOptional(),
    })
    .refine((test) => (test.event === undefined) !== (test.rule === undefined), {
      when: (payload) => payload.issues.length === 0,
      message: 'a history test needs exactly one of `event` and `rule`',
      params: {
        code: 'history-target',
        hintKey: 'hint.history-target',
        hint: 'write `did: { event: Demo Requested, withinDays: 30 }` or `did: { rule: demo }`; to test both, combine two tests with `any:`',
      },
    }),
  {
    id: 'HistoryTest',
    description: 'A test on the event history: `{ event | rule: name or list, withinDays, atLeast }`.',
    oneOf: [{ required: ['event'] }, { required: ['rule'] }],
  },
)

const allSchema = once(() =>
  annotate(z.array(conditionSchema), 'Every condition of the list must hold.').exactOptional(),
)
const anySchema = once(() =>
  annotate(z.array(conditionSchema), 'At least one condition of the list must hold.').exactOptional(),
)
const notSchema = once(() => annotate(conditionSchema, 'The condition must not hold.').exactOptional())

/**
 * A condition. `all`, `any`, `not`, `did`, `didNot` and (in an engagement rule) `event` are keywords;
 * every other key is a field (`job_title`, `account.industry`, `score.total`) with its test.
 */
export const conditionSchema: z.ZodType<Condition> = doc(
  z
    .object({
      get all() {
        return allSchema()
      },
      get any() {
        return anySchema()
      },
      get not() {
        return notSchema()
      },
      did: annotate(historyTestSchema, 'The contact did this (event history).').exactOptional(),
      didNot: annotate(historyTestSchema, 'The contact did not do this (event history).').exactOptional(),
      event: nameOrList(
        'In an engagement rule: the event names it scores (case-insensitive); `any` matches every event.',
      ).exactOptional(),
    })
    .catchall(fieldTestSchema),
  {
    id: 'Condition',
    description:
      'A condition: `{ field: test }` pairs that must all hold, combined with `all`, `any`, `not`; `did`/`didNot` test the event history.',
  },
)

// one object with three optional keys, rather than a union of three objects, so that a typo gets
// `did you mean` among all three keys
const decayObject = doc(
  z
    .strictObject({
      halfLifeDays: days('Points halve every n days: factor 0.5^(age/n).').exactOptional(),
      linearDays: days('Points fall linearly to 0 over n days: factor max(0, 1 - age/n).').exactOptional(),
      none: doc(z.literal(true), 'No decay (same as `decay: none`).').exactOptional(),
    })
    .refine((decay) => Object.keys(decay).length === 1, {
      when: (payload) => payload.issues.length === 0,
      message: 'a decay needs exactly one of `halfLifeDays`, `linearDays` and `none`',
      params: {
        code: 'decay-kind',
        hintKey: 'hint.decay-kind',
        hint: 'write `decay: { halfLifeDays: 30 }`, `decay: { linearDays: 90 }` or `decay: none`',
      },
    }),
  { minProperties: 1, maxProperties: 1 },
) as unknown as z.ZodType<Exclude<Decay, 'none'>> // the refinement makes it one of those forms

const decaySchema = doc(
  z.union([z.literal('none'), decayObject], {
    error: expected('decay'),
  }),
  {
    id: 'Decay',
    description:
      'How points fade with the age of the event: `none`, `{ halfLifeDays: n }` or `{ linearDays: n }`.',
  },
)

const occurrencesSchema = doc(
  z.union(
    [
      z.enum(['all', 'first']),
      z.strictObject({ perDays: days('At most one counted event per n-day bucket (UTC).') }),
    ],
    {
      error: expected('occurrences'),
    },
  ),
  'Which matching events count: `all` (default), `first`, or `{ perDays: n }`.',
)

const countSchema = doc(
  z
    .strictObject({
      gte: number('The condition holds with at least this many matching events.').exactOptional(),
      gt: number('... with more than this many matching events.').exactOptional(),
      lte: number('... with at most this many matching events.').exactOptional(),
      lt: number('... with fewer than this many matching events.').exactOptional(),
      eq: number('... with exactly this many matching events.').exactOptional(),
      withinDays: days('Count only the events of the last n days.').exactOptional(),
    })
    .refine((count) => ['gte', 'gt', 'lte', 'lt', 'eq'].some((key) => key in count), {
      when: (payload) => payload.issues.length === 0,
      message: 'a `count` needs a comparison: `gte`, `gt`, `lte`, `lt` or `eq`',
      params: {
        code: 'count-without-comparison',
        hintKey: 'hint.count-without-comparison',
        hint: 'write e.g. `count: { gte: 5, withinDays: 30 }`',
      },
    }),
  {
    description: 'Awards the points once while the number of matching events satisfies the comparison.',
    anyOf: ['gte', 'gt', 'lte', 'lt', 'eq'].map((key) => ({ required: [key] })),
  },
)

const label = () => text('A short human phrase used in explanations, e.g. "senior title".').exactOptional()
const mode = () =>
  doc(
    z.enum(['sum', 'first']),
    '`sum` (default): every matching rule adds its points; `first`: only the first matching rule does.',
  ).exactOptional()

const fitRuleSchema = doc(
  z.strictObject({
    id: id('Optional rule id, for `score.rule.<id>` and explanations.').exactOptional(),
    label: label(),
    when: annotate(conditionSchema, 'Condition on contact properties and `account.` properties.'),
    points: number('Points added when the condition holds (negative to subtract).'),
  }),
  { id: 'FitRule', description: 'A fit rule: points for who the contact is.' },
)

const fitGroupSchema = doc(
  z.strictObject({
    id: id('Group id, unique across fit and engagement (`score.group.<id>`).'),
    label: label(),
    mode: mode(),
    max: number('Cap on the group total.').exactOptional(),
    min: number('Floor on the group total.').exactOptional(),
    rules: doc(z.array(fitRuleSchema), 'The rules of the group, in order.'),
  }),
  { id: 'FitGroup', description: 'A group of fit rules, summed (or first match) and clamped.' },
)

const engagementRuleSchema = doc(
  z.strictObject({
    id: id('Optional rule id, for `score.rule.<id>`, `did: { rule }` and explanations.').exactOptional(),
    label: label(),
    when: annotate(conditionSchema, 'Which events score: `event:` names and conditions on event properties.'),
    points: number('Points per matching event (negative to subtract), before decay.'),
    decay: decaySchema.exactOptional(),
    window: doc(
      z.strictObject({ days: days('Events older than n days do not count.') }),
      'Timeframe of the rule.',
    ).exactOptional(),
    occurrences: occurrencesSchema.exactOptional(),
    distinct: text(
      'Counts one event per distinct value of this event property (the earliest).',
    ).exactOptional(),
    count: countSchema.exactOptional(),
    max: number('Cap on the rule total after decay.').exactOptional(),
    min: number('Floor on the rule total after decay.').exactOptional(),
  }),
  { id: 'EngagementRule', description: 'An engagement rule: points for what the contact does.' },
)

const engagementGroupSchema = doc(
  z.strictObject({
    id: id('Group id, unique across fit and engagement (`score.group.<id>`).'),
    label: label(),
    mode: mode(),
    max: number('Cap on the group total.').exactOptional(),
    min: number('Floor on the group total.').exactOptional(),
    rules: doc(z.array(engagementRuleSchema), 'The rules of the group, in order.'),
  }),
  {
    id: 'EngagementGroup',
    description: 'A group of engagement rules, summed (or first match per event) and clamped.',
  },
)

const gradesSchema = doc(
  z.strictObject(
    Object.fromEntries(
      GRADE_LETTERS.map((letter) => [
        letter,
        number(`Minimum fit points for grade ${letter}.`).exactOptional(),
      ]),
    ) as Record<(typeof GRADE_LETTERS)[number], z.ZodExactOptional<z.ZodNumber>>,
  ),
  'Letter grade thresholds on the fit part, e.g. `{ A: 30, B: 20, C: 10, D: 5 }`: first match from A; else F.',
)

const levelsSchema = doc(
  z.record(z.string().regex(LEVEL_PATTERN), z.number()),
  'Engagement level thresholds, e.g. `{ 1: 35, 2: 20, 3: 10 }`: first match from 1; else the next level.',
)

/** The label of a band, stage, journey entry or segment: one text, or a text per language. */
const classifierLabel = doc(
  z.union(
    [
      z.string().min(1),
      doc(
        z
          .strictObject(
            Object.fromEntries(
              LABEL_LANGUAGES.map((language) => [
                language,
                text(`The label in ${LANGUAGE_NAMES[language]}.`).exactOptional(),
              ]),
            ) as Record<LabelLanguage, z.ZodExactOptional<z.ZodString>>,
          )
          .refine((texts) => Object.keys(texts).length > 0, {
            when: (payload) => payload.issues.length === 0,
            message: 'a label needs a text in at least one language',
            params: {
              code: 'empty-label',
              hintKey: 'hint.empty-label',
              hint: 'write `label: { en: Hot, es: Caliente, nl: Heet }` or `label: Hot`',
            },
          }),
        { minProperties: 1 },
      ),
    ],
    { error: expected('label') },
  ),
  {
    id: 'Label',
    description:
      'The name shown to people: one text (`Hot`), or a text per language (`{ en: Hot, es: Caliente, nl: Heet }`); a language without its own text shows the English one.',
  },
).exactOptional()

const classifierShape = {
  id: id('Id, unique in its list.'),
  label: classifierLabel,
  when: annotate(conditionSchema, 'The condition; an entry without `when` always holds.').exactOptional(),
}

const classifierSchema = doc(z.strictObject(classifierShape), {
  id: 'Classifier',
  description: 'A named class with an optional condition.',
})

const stageSchema = doc(
  z.strictObject({
    ...classifierShape,
    when: annotate(
      conditionSchema,
      'Automatic stage: the contact moves here when this holds. Without `when`, only people or the CRM set it.',
    ).exactOptional(),
    recycle: doc(
      z.strictObject({
        to: id('The earlier stage to move the contact back to.'),
        when: annotate(conditionSchema, 'When to move the contact back.'),
      }),
      'Moves a contact back to an earlier stage.',
    ).exactOptional(),
    handoff: doc(
      z.boolean(),
      'The hand-off stage (MQL): entering it fires `mql.reached` webhooks and owner assignment. Default: the stage with id `mql`.',
    ).exactOptional(),
  }),
  { id: 'Stage', description: 'A lifecycle stage.' },
)

const fitPartSchema = doc(
  z.strictObject({
    max: number('The fit part is clamped to [min, max].'),
    min: number('Floor of the fit part (default 0).').exactOptional(),
    groups: doc(z.array(fitGroupSchema), 'Fit rule groups.'),
    grades: gradesSchema.exactOptional(),
  }),
  'Explicit score: who the contact is (contact and account properties).',
)

const engagementPartSchema = doc(
  z.strictObject({
    max: number('The engagement part is clamped to [min, max].'),
    min: number('Floor of the engagement part (default 0).').exactOptional(),
    decay: annotate(decaySchema, 'Default decay of every engagement rule.').exactOptional(),
    groups: doc(z.array(engagementGroupSchema), 'Engagement rule groups.'),
    inactivity: doc(
      z.strictObject({
        afterDays: days('Applies when the newest activity event is older than n days.'),
        points: number('Points applied while inactive (usually negative).'),
        activity: doc(
          z.array(z.string().min(1)),
          'Event names that count as activity; default: events of rules with positive points.',
        ).exactOptional(),
      }),
      'Points for no activity.',
    ).exactOptional(),
    levels: levelsSchema.exactOptional(),
  }),
  'Implicit score: what the contact does (events), with decay.',
)

const roleSchema = doc(
  z.strictObject({
    id: id('Role id, unique among roles.'),
    label: label(),
    when: annotate(conditionSchema, 'Which contacts hold this role (contact properties).'),
    points: number('Points when at least one engaged contact holds the role.'),
  }),
  'A buying-group role.',
)

const accountsSchema = doc(
  z.strictObject({
    key: text('Contact property that links a contact to its account (default `account_id`).').exactOptional(),
    engagement: z
      .strictObject({
        rollup: doc(
          z.enum(['sum', 'max', 'mean', 'top3']),
          'How contact engagement rolls up (default sum).',
        ).exactOptional(),
        perContactMax: doc(
          z.number().nonnegative(),
          'Cap on each contact engagement before the rollup.',
        ).exactOptional(),
        max: number('Cap on the account engagement.').exactOptional(),
      })
      .exactOptional(),
    committee: doc(
      z.strictObject({
        engagedWhen: annotate(conditionSchema, 'When a contact counts as an engaged member.').exactOptional(),
        roles: doc(z.array(roleSchema).max(32), 'Buying-group roles (at most 32).'),
      }),
      'Buying-group coverage: points per role with an engaged member.',
    ).exactOptional(),
    fit: doc(
      z.strictObject({
        max: number('Cap on the account fit.').exactOptional(),
        min: number('Floor on the account fit.').exactOptional(),
        groups: doc(z.array(fitGroupSchema), 'Fit rule groups on account properties.'),
      }),
      'Account fit from account properties.',
    ).exactOptional(),
    bands: doc(
      z.array(classifierSchema),
      'Account bands: exclusive, first match from the top.',
    ).exactOptional(),
  }),
  'Account (company) scoring from its people.',
)

const predictiveSchema = doc(
  z.strictObject({
    model: text('Trained model id or file.'),
    weight: doc(
      z.number().nonnegative(),
      'Points added: weight * likelihood / 100 (default 0).',
    ).exactOptional(),
  }),
  'Predictive score: adds `score.likelihood`.',
)

const classifierList = (description: string) => doc(z.array(classifierSchema), description).exactOptional()

/** The whole model document. Unknown keys are errors everywhere except field names in conditions. */
export const modelSchema: z.ZodType<ModelDocument> = z.strictObject({
  $schema: text('URL or path of this JSON Schema, for editors.').exactOptional(),
  format: doc(z.literal('leadscore/v1'), 'The format version: `leadscore/v1`.'),
  id: id('Model id.'),
  name: text('Human name of the model.').exactOptional(),
  description: text('What the model is for.').exactOptional(),
  version: doc(
    z.union([z.string().min(1), z.number()], { error: expected('version') }),
    'Free-form version of the model.',
  ).exactOptional(),
  caseSensitive: doc(
    z.boolean(),
    'Compare text case-sensitively and without trimming (default false).',
  ).exactOptional(),
  fit: fitPartSchema.exactOptional(),
  engagement: engagementPartSchema.exactOptional(),
  bands: classifierList('Bands (hot, warm, cold): exclusive, first match from the top.'),
  stages: doc(
    z.array(stageSchema),
    'Lifecycle stages, in order; automatic stages move forward only, except through `recycle`.',
  ).exactOptional(),
  journey: classifierList('Buyer journey stages: exclusive, first match from the top.'),
  segments: classifierList('Named segments, not exclusive.'),
  accounts: accountsSchema.exactOptional(),
  predictive: predictiveSchema.exactOptional(),
})

// ------------------------------------------------------------------------------------------------
// Schema issues in the user's terms

/** What each key holds, as a noun phrase: the hint says "write …" or "add …" followed by it. */
const KEY_HINTS: Readonly<Record<string, string>> = {
  $schema: 'the URL or path of the leadscore JSON Schema',
  format: '`format: leadscore/v1` as the first key of the model',
  id: 'an id of letters, digits, `-` and `_`, e.g. `id: pricing-page`',
  name: 'a human name, e.g. `name: B2B SaaS`',
  description: 'a sentence saying what the model is for',
  version: 'a version, e.g. `version: 3` or `version: 2024-06`',
  label: 'a short human phrase used in explanations, e.g. `label: senior title`',
  caseSensitive: '`caseSensitive: true` or `caseSensitive: false`',
  fit: 'the fit part: `fit: { max: 40, groups: [...] }`',
  engagement: 'the engagement part: `engagement: { max: 60, groups: [...] }`',
  points: 'a number of points, e.g. `points: 10` (negative to subtract)',
  when: 'a condition, e.g. `when: { job_title: { matches: manager } }` or `when: { event: Demo Requested }`',
  max: 'a number, e.g. `max: 40`',
  min: 'a number, e.g. `min: 0`',
  groups: 'a list of groups, e.g. `groups: [ { id: web, rules: [...] } ]`',
  rules: 'a list of rules, e.g. `rules: [ { when: { event: page }, points: 1 } ]`',
  mode: '`mode: sum` (every matching rule adds its points) or `mode: first` (only the first matching rule does)',
  decay: '`decay: none`, `decay: { halfLifeDays: 30 }` or `decay: { linearDays: 90 }`',
  occurrences: '`occurrences: all`, `occurrences: first` or `occurrences: { perDays: 7 }`',
  window: 'a timeframe, e.g. `window: { days: 90 }`',
  count: 'a count condition, e.g. `count: { gte: 5, withinDays: 30 }`',
  distinct: 'the event property whose distinct values count once, e.g. `distinct: email_id`',
  event: 'an event name or a list of names, e.g. `event: Email Opened` or `event: [page, screen]`',
  rule: 'an engagement rule id or a list of ids, e.g. `rule: demo` or `rule: [demo, pricing-page]`',
  withinDays: 'a number of days above 0, e.g. `withinDays: 30`',
  halfLifeDays: 'a number of days above 0, e.g. `halfLifeDays: 30`',
  linearDays: 'a number of days above 0, e.g. `linearDays: 90`',
  perDays: 'a number of days above 0, e.g. `perDays: 7`',
  none: '`decay: none` (or `decay: { none: true }`)',
  days: 'a number of days above 0, e.g. `days: 90`',
  afterDays: 'a number of days above 0, e.g. `afterDays: 60`',
  atLeast: 'a whole number of events, at least 1, e.g. `atLeast: 3`',
  all: 'a list of conditions that must all hold, e.g. `all: [ { country: US }, { employees: { gte: 50 } } ]`',
  any: 'a list of conditions of which one must hold, e.g. `any: [ { country: US }, { country: CA } ]`',
  not: 'a condition that must not hold, e.g. `not: { country: US }`',
  did: 'a history test, e.g. `did: { event: Demo Requested, withinDays: 30 }`',
  didNot: 'a history test, e.g. `didNot: { event: any, withinDays: 30 }`',
  eq: 'a single value: text, a number, `true`, `false` or `null`',
  ne: 'a single value: text, a number, `true`, `false` or `null`',
  in: 'a list of values, e.g. `in: [US, CA, GB]`',
  notIn: 'a list of values, e.g. `notIn: [student, intern]`',
  gt: 'a number (`gt: 200`) or an ISO date (`gt: 2024-01-01`)',
  gte: 'a number (`gte: 200`) or an ISO date (`gte: 2024-01-01`)',
  lt: 'a number (`lt: 200`) or an ISO date (`lt: 2024-01-01`)',
  lte: 'a number (`lte: 200`) or an ISO date (`lte: 2024-01-01`)',
  matches: "a regular expression in single quotes, e.g. `matches: '\\b(vp|director)\\b'`",
  contains: 'text, e.g. `contains: pricing`',
  startsWith: 'text, e.g. `startsWith: /blog`',
  endsWith: 'text, e.g. `endsWith: .pdf`',
  exists: '`exists: true` or `exists: false`',
  grades: 'fit thresholds by letter, e.g. `grades: { A: 30, B: 20, C: 10, D: 5 }`',
  levels: 'engagement thresholds by level, e.g. `levels: { 1: 35, 2: 20, 3: 10 }`',
  inactivity: 'points for no activity, e.g. `inactivity: { afterDays: 60, points: -10 }`',
  activity: 'a list of event names, e.g. `activity: [page, Email Link Clicked]`',
  bands: 'a list of bands, e.g. `- { id: hot, when: { score.total: { gte: 70 } } }`',
  stages: 'a list of stages, e.g. `- { id: mql, when: { score.total: { gte: 60 } } }`',
  journey: 'a list of journey stages, e.g. `- { id: decision, when: { did: { rule: demo } } }`',
  segments: 'a list of segments, e.g. `- { id: from-paid, when: { source: paid_search } }`',
  recycle: 'a way back, e.g. `recycle: { to: lead, when: { score.total: { lt: 30 } } }`',
  to: 'the id of an earlier stage, e.g. `to: lead`',
  accounts: 'account scoring, e.g. `accounts: { key: account_id, engagement: { rollup: sum } }`',
  key: 'the contact property that holds the account id, e.g. `key: account_id`',
  rollup: '`sum`, `max`, `mean` or `top3`',
  perContactMax: 'a number of at least 0, e.g. `perContactMax: 30`',
  committee: 'buying-group roles, e.g. `committee: { roles: [ { id: champion, when: {...}, points: 5 } ] }`',
  engagedWhen: 'a condition, e.g. `engagedWhen: { score.engagement: { gte: 10 } }`',
  roles: 'a list of roles, e.g. `- { id: champion, when: { job_title: { matches: manager } }, points: 5 }`',
  predictive: 'a predictive score, e.g. `predictive: { model: conversions-2024, weight: 0 }`',
  model: 'a trained model id or file, e.g. `model: conversions-2024`',
  weight: 'a number of at least 0, e.g. `weight: 10`',
}

/** Words people write for a key, and the key they mean. Looked up before edit distance. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  score: 'points',
  value: 'points',
  condition: 'when',
  if: 'when',
  where: 'when',
  filter: 'when',
  title: 'label',
  name: 'label',
  description: 'label',
  cap: 'max',
  limit: 'max',
  ceiling: 'max',
  floor: 'min',
  '=': 'eq',
  '==': 'eq',
  is: 'eq',
  equal: 'eq',
  equals: 'eq',
  '!=': 'ne',
  neq: 'ne',
  isnot: 'ne',
  notequals: 'ne',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  oneof: 'in',
  anyof: 'in',
  nin: 'notIn',
  noneof: 'notIn',
  regex: 'matches',
  regexp: 'matches',
  pattern: 'matches',
  like: 'matches',
  includes: 'contains',
  has: 'contains',
  prefix: 'startsWith',
  suffix: 'endsWith',
  present: 'exists',
  days: 'withinDays',
  within: 'withinDays',
  halflife: 'halfLifeDays',
  events: 'event',
  rules: 'rule',
  weights: 'weight',
}

/** Where keys that are often misplaced belong. */
const KEY_HOMES: Readonly<Record<string, string>> = {
  grades: '`fit` (letter grades come from fit points)',
  levels: '`engagement` (levels come from engagement points)',
  inactivity: '`engagement`',
  decay: '`engagement` (the default of its rules) or an engagement rule',
  window: 'an engagement rule',
  occurrences: 'an engagement rule',
  distinct: 'an engagement rule',
  count: 'an engagement rule',
  recycle: 'a stage',
  caseSensitive: 'the top level of the model',
  stages: 'the top level of the model',
  journey: 'the top level of the model',
  segments: 'the top level of the model',
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: '`true` or `false`',
  object: 'a map (`key: value` pairs)',
  array: 'a list',
  null: 'an empty value',
}

const FIELD_HINT =
  'a field test is a value (`manager`), a list of values (`[US, CA]`) or operators (`{ gte: 200 }`); combine conditions with `all:`, `any:` and `not:`'

interface FlatIssue {
  readonly issue: z.core.$ZodIssue
  readonly path: readonly PathSegment[]
}

/**
 * Turns the issues of `modelSchema.safeParse(input)` into issues a user can act on: one per
 * problem, at the offending node (`locate`), saying what to write instead. Of the alternatives of a
 * union it reports the one the user evidently meant; an unknown key gets the closest known key.
 */
export function schemaIssues(issues: readonly z.core.$ZodIssue[], input: unknown, locate: Locate): Issue[] {
  const flat = issues.flatMap((issue) => flatten(issue, []))
  // a misspelled key makes the right key look missing: report the misspelling only
  const explained = new Set<string>()
  for (const { issue, path } of flat) {
    if (issue.code !== 'unrecognized_keys') continue
    const known = keysAt(path, input)
    for (const key of issue.keys) {
      const match = closest(key, known, KEY_ALIASES)
      if (match !== undefined) explained.add(formatPath([...path, match]))
    }
  }
  const out: Issue[] = []
  const keywordTypos = new Set<string>()
  for (const item of flat) {
    const typo = misspelledKeyword(item.path)
    if (typo !== undefined) {
      const where = formatPath(typo.path)
      if (!keywordTypos.has(where)) {
        keywordTypos.add(where)
        out.push(
          makeIssue(
            {
              code: 'misspelled-keyword',
              path: typo.path,
              target: 'key',
              message: `\`${String(typo.path.at(-1))}\` is read as a field name, and its value is not a field test`,
              params: { field: String(typo.path.at(-1)), keyword: typo.keyword },
              hint: `did you mean the keyword \`${typo.keyword}\`?`,
              hintKey: 'hint.keyword',
            },
            locate,
          ),
        )
      }
      continue
    }
    if (item.issue.code === 'invalid_type' && valueAt(input, item.path) === undefined) {
      if (explained.has(formatPath(item.path))) continue
    }
    out.push(...toIssues(item, input, locate))
  }
  return out.sort(compareIssues)
}

/** Resolves unions to the alternative the user evidently meant and makes every path absolute. */
function flatten(issue: z.core.$ZodIssue, base: readonly PathSegment[]): FlatIssue[] {
  const path = [
    ...base,
    ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
  ]
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path }]
  const candidates = issue.errors.filter((branch) => !rejectsType(branch))
  if (candidates.length === 0) return [{ issue, path }]
  const best = candidates.reduce((a, b) => (b.length < a.length ? b : a))
  return best.flatMap((inner) => flatten(inner, path))
}

/** Whether a union alternative failed because the value has another type (not because of its content). */
function rejectsType(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.some(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        issue.code === 'invalid_value' ||
        (issue.code === 'invalid_union' && issue.errors.every(rejectsType))),
  )
}

function toIssues({ issue, path }: FlatIssue, input: unknown, locate: Locate): Issue[] {
  const value = valueAt(input, path)
  const key = lastKey(path)
  const got = valueParams(value)
  const hint = (verb: 'write' | 'add'): Hint | undefined => {
    if (path.length === 0)
      return {
        key: 'hint.document',
        text: 'a model is a map of keys that starts with `format: leadscore/v1`',
      }
    if (key === 'label' && CLASSIFIER_LISTS.has(String(path.at(-3))))
      return {
        key: 'hint.classifier-label',
        params: { verb },
        text: `${verb} the name shown to people, e.g. \`label: Hot\` or \`label: { en: Hot, es: Caliente, nl: Heet }\``,
      }
    if (path.at(-2) === 'label' && isLabelLanguage(key)) {
      return {
        key: 'hint.label-language',
        params: { verb, language: key },
        text: `${verb} the label in ${LANGUAGE_NAMES[key]}, e.g. \`${key}: ${LABEL_EXAMPLES[key]}\``,
      }
    }
    const phrase = key === undefined ? undefined : KEY_HINTS[key]
    if (phrase !== undefined)
      return { key: 'hint.key', params: { verb, key: key! }, text: `${verb} ${phrase}` }
    return conditionField(path) === undefined ? undefined : { key: 'hint.field', text: FIELD_HINT }
  }
  const make = (
    code: string,
    message: string,
    params: IssueParams,
    hinted: Hint | undefined,
    at = path,
    target?: 'key',
  ) =>
    makeIssue(
      {
        code,
        path: at,
        message,
        params: { ...params, ...hinted?.params },
        hint: hinted?.text,
        hintKey: hinted?.key,
        ...(target ? { target } : {}),
      },
      locate,
    )
  const missing = () =>
    make('missing-key', `missing required key \`${key ?? ''}\``, { key: key ?? '' }, hint('add'))

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((unknown) => {
        const known = keysAt(path, input)
        return make(
          'unknown-key',
          `unknown key \`${unknown}\``,
          { key: unknown },
          unknownKeyHint(unknown, path, known),
          [...path, unknown],
          'key',
        )
      })
    case 'invalid_type': {
      if (value === undefined) return [missing()]
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return [
          make('invalid-number', `expected a finite number, got ${describeValue(value)}`, got, hint('write')),
        ]
      }
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected
      return [
        make(
          'invalid-type',
          `expected ${expected}, got ${describeValue(value)}`,
          { expectedType: issue.expected, ...got },
          hint('write'),
        ),
      ]
    }
    case 'invalid_union': {
      const form = (Object.keys(EXPECTED_FORMS) as ExpectedForm[]).find(
        (f) => issue.message === `expected ${EXPECTED_FORMS[f]}`,
      )
      const expected = form === undefined ? 'a value of another type' : EXPECTED_FORMS[form]
      return [
        make(
          'invalid-type',
          `expected ${expected}, got ${describeValue(value)}`,
          { expectedForm: form ?? 'other', ...got },
          hint('write'),
        ),
      ]
    }
    case 'invalid_value': {
      if (value === undefined) return [missing()]
      const allowed = issue.values.map((v) => `\`${String(v)}\``)
      const expected =
        allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`
      const message = `expected ${expected}, got ${describeValue(value)}`
      // the accepted values, one a line: the message catalog joins them with the language's "or"
      const params = { variant: 'allowed', allowed: allowed.join('\n'), ...got }
      if (key === 'format') {
        return [
          make('unsupported-format', message, params, {
            key: 'hint.unsupported-format',
            text: 'this version of leadscore reads models that start with `format: leadscore/v1`',
          }),
        ]
      }
      const match = typeof value === 'string' ? closest(value, issue.values.map(String)) : undefined
      return [
        make('invalid-value', message, params, match === undefined ? hint('write') : didYouMeanHint(match)),
      ]
    }
    case 'invalid_key': // `levels` is the only map of the format whose keys are checked
      return [
        make(
          'invalid-level',
          `\`${String(key)}\` is not a level: levels are numbered 1, 2, 3, ...`,
          { key: String(key) },
          {
            key: 'hint.invalid-level',
            text: 'write `levels: { 1: 35, 2: 20, 3: 10 }`: level 1 is the most engaged',
          },
          path,
          'key',
        ),
      ]
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'string') return [make('empty-value', 'must not be empty', {}, hint('write'))]
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum
      const [relation, words] =
        issue.code === 'too_small'
          ? issue.inclusive
            ? ['atLeast', 'at least']
            : ['above', 'above']
          : issue.inclusive
            ? ['atMost', 'at most']
            : ['below', 'below']
      return [
        make(
          'out-of-range',
          `expected a number ${words} ${String(bound)}, got ${describeValue(value)}`,
          { relation, bound: String(bound), ...got },
          hint('write'),
        ),
      ]
    }
    case 'invalid_format': {
      if (issue.format === 'regex' && typeof value === 'string') {
        return [
          make(
            'invalid-id',
            `${JSON.stringify(value)} is not a valid id: ids use letters, digits, \`-\` and \`_\``,
            { value: JSON.stringify(value) },
            idHint(value, key),
          ),
        ]
      }
      return [
        make('invalid-value', issue.message, { variant: 'detail', detail: issue.message }, hint('write')),
      ]
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: string; hint?: string; hintKey?: string }
      const hinted = params.hint === undefined ? undefined : { key: params.hintKey ?? '', text: params.hint }
      return [
        make(
          params.code ?? 'invalid-value',
          issue.message,
          { variant: 'detail', detail: issue.message },
          hinted,
        ),
      ]
    }
    default:
      return [
        make('invalid-value', issue.message, { variant: 'detail', detail: issue.message }, hint('write')),
      ]
  }
}

/** A hint: its text, the message catalog's key for it and the values it is made of. */
interface Hint {
  readonly key: string
  readonly text: string
  readonly params?: IssueParams
}

function didYouMeanHint(match: string): Hint {
  return { key: 'hint.did-you-mean', params: { suggestion: match }, text: `did you mean \`${match}\`?` }
}

function isLabelLanguage(key: string | undefined): key is LabelLanguage {
  return (LABEL_LANGUAGES as readonly (string | undefined)[]).includes(key)
}

function unknownKeyHint(
  unknown: string,
  path: readonly PathSegment[],
  known: readonly string[],
): Hint | undefined {
  if (lastKey(path) === 'grades') {
    return unknown.toUpperCase() === 'F'
      ? {
          key: 'hint.grade-f',
          text: 'F needs no threshold: it is the grade of every contact below the last one',
        }
      : {
          key: 'hint.grade-letters',
          params: { letters: GRADE_LETTERS.join(', ') },
          text: `grades are the letters ${GRADE_LETTERS.join(', ')}; a contact below every threshold gets F`,
        }
  }
  if (lastKey(path) === 'label') {
    return {
      key: 'hint.label-languages',
      text: `labels are written in ${LABEL_LANGUAGES.map((l) => `\`${l}\` (${LANGUAGE_NAMES[l]})`).join(', ')}; a language without its own label shows the English one`,
    }
  }
  const match = closest(unknown, known, KEY_ALIASES)
  if (match !== undefined) return didYouMeanHint(match)
  const home = Object.hasOwn(KEY_HOMES, unknown) ? KEY_HOMES[unknown] : undefined
  if (home !== undefined)
    return { key: 'hint.key-home', params: { key: unknown }, text: `\`${unknown}\` belongs in ${home}` }
  const keys = known.map((k) => `\`${k}\``).join(', ')
  return known.length === 0
    ? undefined
    : { key: 'hint.allowed-keys', params: { keys }, text: `the keys allowed here are ${keys}` }
}

function idHint(value: string, key: string | undefined): Hint {
  const slug = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const example = `\`${slug === '' ? 'pricing-page' : slug}\``
  return key === 'id'
    ? {
        key: 'hint.id-and-label',
        params: { example },
        text: `write an id such as ${example}, and put the human wording in \`label:\``,
      }
    : { key: 'hint.id', params: { example }, text: `write an id such as ${example}` }
}

/**
 * When `path` runs through a condition field whose name is a near miss of a condition keyword
 * (`alll`, `didnot`), that field's path and the keyword.
 */
function misspelledKeyword(
  path: readonly PathSegment[],
): { path: PathSegment[]; keyword: string } | undefined {
  const field = conditionField(path)
  if (field === undefined) return undefined
  const name = field.at(-1)
  if (typeof name !== 'string') return undefined
  const keyword = closest(name, CONDITION_KEYWORDS)
  return keyword === undefined ? undefined : { path: field, keyword }
}

/** When `path` runs through a field of a condition (not a keyword), the path of that field. */
function conditionField(path: readonly PathSegment[]): PathSegment[] | undefined {
  let state: 'document' | 'condition' | 'list' = 'document'
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]
    if (state === 'document') {
      if (segment === 'when' || segment === 'engagedWhen') state = 'condition'
    } else if (state === 'list') {
      if (typeof segment !== 'number') return undefined
      state = 'condition'
    } else if (segment === 'all' || segment === 'any') {
      state = 'list'
    } else if (segment === 'not') {
      state = 'condition'
    } else if (typeof segment === 'string' && (CONDITION_KEYWORDS as readonly string[]).includes(segment)) {
      return undefined
    } else {
      return path.slice(0, i + 1)
    }
  }
  return undefined
}

function lastKey(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]
    if (typeof segment === 'string') return segment
  }
  return undefined
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let value = input
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PathSegment, unknown>)[segment]
  }
  return value
}

/** The keys the schema allows in the map at `path` (empty when that is not a strict map). */
function keysAt(path: readonly PathSegment[], input: unknown): string[] {
  let schema: z.core.$ZodType | undefined = modelSchema
  let value = input
  for (const segment of path) {
    const def: z.core.$ZodTypeDef | undefined = unwrap(schema, value)?._zod.def
    value = valueAt(value, [segment])
    if (def?.type === 'object') {
      const objectDef = def as z.core.$ZodObjectDef
      schema =
        typeof segment === 'string' && Object.hasOwn(objectDef.shape, segment)
          ? objectDef.shape[segment]
          : objectDef.catchall
    } else if (def?.type === 'array') schema = (def as z.core.$ZodArrayDef).element
    else if (def?.type === 'record') schema = (def as z.core.$ZodRecordDef).valueType
    else return []
  }
  const def = unwrap(schema, value)?._zod.def
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : []
}

/** The schema under optional wrappers, or the alternative of a union that matches the kind of `value`. */
function unwrap(schema: z.core.$ZodType | undefined, value: unknown): z.core.$ZodType | undefined {
  let current = schema
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    const def = current._zod.def
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      current = (def as z.core.$ZodOptionalDef).innerType
    } else if (def.type === 'lazy') {
      current = (def as z.core.$ZodLazyDef).getter()
    } else if (def.type === 'union') {
      const wanted = Array.isArray(value)
        ? 'array'
        : value !== null && typeof value === 'object'
          ? 'object'
          : undefined
      if (wanted === undefined) return undefined
      current = (def as z.core.$ZodUnionDef).options.find((option) => {
        const type = unwrap(option, value)?._zod.def.type
        return type === wanted || (wanted === 'object' && type === 'record')
      })
    } else {
      return current
    }
  }
  return current
}
