/**
 * Model issues in the reader's language. The core reports every issue in English with its stable
 * `code`, the `params` its message is made of and a `hintKey`; the `model` catalog (keys = issue
 * codes, `hint.*` for hints) says the same in each language. The English catalog renders exactly
 * the core's message and hint (`model.test.ts` checks it for every code).
 * @module
 */
import type { Issue, IssueParams } from '../core/model/index.js'
import en from './catalogs/en/model.json' with { type: 'json' }
import es from './catalogs/es/model.json' with { type: 'json' }
import nl from './catalogs/nl/model.json' with { type: 'json' }
import { DEFAULT_LOCALE, type Locale } from './locale.js'
import { type Catalogs, createTranslator, type MessageValues, type Translator } from './translator.js'

export type ModelKey = keyof typeof en
export const modelCatalogs: Catalogs<ModelKey> = { en, es, nl }

/** What the user wrote (`gotKind`), as the messages say it. */
const VALUE_KEYS: Readonly<Record<string, ModelKey>> = {
  nothing: 'value.nothing',
  null: 'value.null',
  text: 'value.text',
  nan: 'value.nan',
  infinity: 'value.infinity',
  minusInfinity: 'value.minusInfinity',
  number: 'value.number',
  boolean: 'value.boolean',
  emptyList: 'value.emptyList',
  list: 'value.list',
  map: 'value.map',
}

/** Expected types (`expectedType`, zod's names). */
const TYPE_KEYS: Readonly<Record<string, ModelKey>> = {
  string: 'type.string',
  number: 'type.number',
  int: 'type.int',
  boolean: 'type.boolean',
  object: 'type.object',
  array: 'type.array',
  null: 'type.null',
}

/** Expected forms of values with several forms (`expectedForm`). */
const FORM_KEYS: Readonly<Record<string, ModelKey>> = {
  scalar: 'form.scalar',
  orderValue: 'form.orderValue',
  names: 'form.names',
  fieldTest: 'form.fieldTest',
  ruleIds: 'form.ruleIds',
  decay: 'form.decay',
  occurrences: 'form.occurrences',
  label: 'form.label',
  version: 'form.version',
  other: 'form.other',
}

/** What each key of the format holds (`hint.key`, by `params.key`). */
const KEY_HINT_KEYS: Readonly<Record<string, ModelKey>> = {
  $schema: 'keyHint.$schema',
  format: 'keyHint.format',
  id: 'keyHint.id',
  name: 'keyHint.name',
  description: 'keyHint.description',
  version: 'keyHint.version',
  label: 'keyHint.label',
  caseSensitive: 'keyHint.caseSensitive',
  fit: 'keyHint.fit',
  engagement: 'keyHint.engagement',
  points: 'keyHint.points',
  when: 'keyHint.when',
  max: 'keyHint.max',
  min: 'keyHint.min',
  groups: 'keyHint.groups',
  rules: 'keyHint.rules',
  mode: 'keyHint.mode',
  decay: 'keyHint.decay',
  occurrences: 'keyHint.occurrences',
  window: 'keyHint.window',
  count: 'keyHint.count',
  distinct: 'keyHint.distinct',
  event: 'keyHint.event',
  rule: 'keyHint.rule',
  withinDays: 'keyHint.withinDays',
  halfLifeDays: 'keyHint.halfLifeDays',
  linearDays: 'keyHint.linearDays',
  perDays: 'keyHint.perDays',
  none: 'keyHint.none',
  days: 'keyHint.days',
  afterDays: 'keyHint.afterDays',
  atLeast: 'keyHint.atLeast',
  all: 'keyHint.all',
  any: 'keyHint.any',
  not: 'keyHint.not',
  did: 'keyHint.did',
  didNot: 'keyHint.didNot',
  eq: 'keyHint.eq',
  ne: 'keyHint.ne',
  in: 'keyHint.in',
  notIn: 'keyHint.notIn',
  gt: 'keyHint.gt',
  gte: 'keyHint.gte',
  lt: 'keyHint.lt',
  lte: 'keyHint.lte',
  matches: 'keyHint.matches',
  contains: 'keyHint.contains',
  startsWith: 'keyHint.startsWith',
  endsWith: 'keyHint.endsWith',
  exists: 'keyHint.exists',
  grades: 'keyHint.grades',
  levels: 'keyHint.levels',
  inactivity: 'keyHint.inactivity',
  activity: 'keyHint.activity',
  bands: 'keyHint.bands',
  stages: 'keyHint.stages',
  journey: 'keyHint.journey',
  segments: 'keyHint.segments',
  recycle: 'keyHint.recycle',
  to: 'keyHint.to',
  accounts: 'keyHint.accounts',
  key: 'keyHint.key',
  rollup: 'keyHint.rollup',
  perContactMax: 'keyHint.perContactMax',
  committee: 'keyHint.committee',
  engagedWhen: 'keyHint.engagedWhen',
  roles: 'keyHint.roles',
  predictive: 'keyHint.predictive',
  model: 'keyHint.model',
  weight: 'keyHint.weight',
}

/** Where a misplaced key belongs (`hint.key-home`, by `params.key`). */
const HOME_KEYS: Readonly<Record<string, ModelKey>> = {
  grades: 'home.grades',
  levels: 'home.levels',
  inactivity: 'home.inactivity',
  decay: 'home.decay',
  window: 'home.window',
  occurrences: 'home.occurrences',
  distinct: 'home.distinct',
  count: 'home.count',
  recycle: 'home.recycle',
  caseSensitive: 'home.caseSensitive',
  stages: 'home.stages',
  journey: 'home.journey',
  segments: 'home.segments',
}

const translators = new Map<Locale, Translator<ModelKey>>()
function translator(locale: Locale): Translator<ModelKey> {
  let t = translators.get(locale)
  if (t === undefined) {
    t = createTranslator(modelCatalogs, locale)
    translators.set(locale, t)
  }
  return t
}

function isKey(key: string | undefined): key is ModelKey {
  return key !== undefined && Object.hasOwn(en, key)
}

/** The values of an issue's messages: its params, with the words made of kinds said in `locale`. */
function valuesOf(params: IssueParams, t: Translator<ModelKey>): Record<string, string> {
  const values: Record<string, string> = {}
  // an empty param (no line, no max) selects the `none` branch of the messages
  for (const [name, value] of Object.entries(params)) values[name] = value === '' ? 'none' : value
  const gotKey = params['gotKind'] === undefined ? undefined : VALUE_KEYS[params['gotKind']]
  if (gotKey !== undefined) values['got'] = t.t(gotKey, { got: params['got'] ?? '' })
  const expectedType = params['expectedType']
  if (expectedType !== undefined) {
    const key = TYPE_KEYS[expectedType]
    values['expected'] = key === undefined ? expectedType : t.t(key)
  }
  const form = params['expectedForm'] === undefined ? undefined : FORM_KEYS[params['expectedForm']]
  if (form !== undefined) values['expected'] = t.t(form)
  if (params['allowed'] !== undefined) {
    // `a, b or c` as the core writes it in English (en-GB lists have no serial comma)
    const tag = t.locale === 'en' ? 'en-GB' : t.locale
    values['allowed'] = new Intl.ListFormat(tag, { type: 'disjunction' }).format(
      params['allowed'].split('\n'),
    )
  }
  for (const [name, total] of Object.entries(params)) {
    if (!name.endsWith('Total') || total === '') continue
    const base = name.slice(0, -'Total'.length)
    values[base] = `${params[base] ?? ''}${t.t('list.more', { total })}`
  }
  const home = params['key'] === undefined ? undefined : HOME_KEYS[params['key']]
  if (home !== undefined) values['home'] = t.t(home)
  return values
}

function render(t: Translator<ModelKey>, key: ModelKey, values: MessageValues): string | undefined {
  try {
    return t.t(key, values)
  } catch {
    return undefined // a value the message needs is missing: keep the core's English
  }
}

/**
 * The message and hint of `issue` in `locale`, from the `model` catalog. English, an unknown
 * code or an issue without params (made by an older version) gives the core's own text.
 */
export function issueText(issue: Issue, locale: Locale): { message: string; hint: string | undefined } {
  return renderIssue(issue, locale) ?? { message: issue.message, hint: issue.hint }
}

/** {@link issueText} through the catalog for every language, English included (for the tests). */
export function renderIssue(
  issue: Issue,
  locale: Locale,
): { message: string; hint: string | undefined } | undefined {
  if (issue.params === undefined || !isKey(issue.code)) return undefined
  const t = translator(locale)
  const values = valuesOf(issue.params, t)
  const message = render(t, issue.code, values)
  if (message === undefined) return undefined
  if (issue.hint === undefined) return { message, hint: undefined }
  const hintKey = issue.hintKey === 'hint.key' ? KEY_HINT_KEYS[issue.params['key'] ?? ''] : issue.hintKey
  const hint = isKey(hintKey) ? render(t, hintKey, values) : undefined
  return { message, hint: hint ?? issue.hint }
}

/**
 * The issue with its message and hint in `locale` (code, path and position unchanged). A
 * parser's English words (`params.detail`) go with it only when the message still shows them.
 */
export function localizeIssue<I extends Issue>(issue: I, locale: Locale): I {
  if (locale === DEFAULT_LOCALE) return issue
  const { message, hint } = issueText(issue, locale)
  const said = hint === undefined ? { ...issue, message } : { ...issue, message, hint }
  const detail = issue.params?.['detail']
  if (detail === undefined || detail === '' || message.includes(detail)) return said
  const { detail: _english, ...params } = issue.params ?? {}
  return { ...said, params }
}

/** {@link localizeIssue} for a list. */
export function localizeIssues<I extends Issue>(issues: readonly I[], locale: Locale): I[] {
  return issues.map((issue) => localizeIssue(issue, locale))
}
