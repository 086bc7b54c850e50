/**
 * The API's error messages in the reader's language: the `api` catalog. The engine and the
 * store raise their errors as texts of this catalog (a key and its values), the server says
 * them in the request's language; request-field problems (zod issues) and rejected messages
 * too. Codes never change with the language; only `message`, `hint` and reasons do.
 * @module
 */
import type { z } from 'zod'
import en from './catalogs/en/api.json' with { type: 'json' }
import es from './catalogs/es/api.json' with { type: 'json' }
import nl from './catalogs/nl/api.json' with { type: 'json' }
import type { Locale } from './locale.js'
import { type Catalogs, createTranslator, type MessageValues, type Translator } from './translator.js'

export type ApiKey = keyof typeof en
export const apiCatalogs: Catalogs<ApiKey> = { en, es, nl }

/** A message of the `api` catalog with its values. */
export interface ApiText {
  readonly key: ApiKey
  readonly values?: MessageValues
  /** Values that are texts of the catalog themselves, said in the same language first. */
  readonly texts?: Readonly<Record<string, ApiText>>
}

const translators = new Map<Locale, Translator<ApiKey>>()

/** The `api` catalog's translator for `locale` (made once). */
export function apiTranslator(locale: Locale): Translator<ApiKey> {
  let t = translators.get(locale)
  if (t === undefined) {
    t = createTranslator(apiCatalogs, locale)
    translators.set(locale, t)
  }
  return t
}

/** `text` said in `locale`. */
export function sayApi(text: ApiText, locale: Locale): string {
  if (text.texts === undefined) return apiTranslator(locale).t(text.key, text.values)
  const values: Record<string, MessageValues[string]> = { ...text.values }
  for (const [name, inner] of Object.entries(text.texts)) values[name] = sayApi(inner, locale)
  return apiTranslator(locale).t(text.key, values)
}

/**
 * Messages the schemas give a field with zod's `error:` (in English, made by {@link fieldMessage}),
 * said in the reader's language when zod reports them.
 */
const FIELD_MESSAGES = [
  'field.idType',
  'field.timeType',
  'field.ownersRepeat',
] as const satisfies readonly ApiKey[]
let fieldMessageKeys: Map<string, ApiKey> | undefined

/** The English text of a field message, for a schema's `error:`. */
export function fieldMessage(key: (typeof FIELD_MESSAGES)[number]): string {
  return sayApi({ key }, 'en')
}

/** True when `message` is one of the schemas' own field messages (see {@link fieldMessage}). */
export function isFieldMessage(message: string): boolean {
  return fieldMessageKey(message) !== undefined
}

function fieldMessageKey(message: string): ApiKey | undefined {
  fieldMessageKeys ??= new Map(FIELD_MESSAGES.map((key) => [sayApi({ key }, 'en'), key]))
  return fieldMessageKeys.get(message)
}

/** What kind of problem a zod issue is, as the `field.issue` message tells them apart. */
function issueKind(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'type'
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'empty' : 'minLength'
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) === 1 ? 'emptyList' : 'minItems'
      return issue.inclusive === false ? 'above' : 'min'
    case 'too_big':
      if (issue.origin === 'string') return 'maxLength'
      if (issue.origin === 'array' || issue.origin === 'set') return 'maxItems'
      return issue.inclusive === false ? 'below' : 'max'
    case 'invalid_value':
      return 'oneOf'
    case 'unrecognized_keys':
      return 'unknownKeys'
    case 'invalid_format':
      return 'format'
    case 'not_multiple_of':
      return 'multipleOf'
    default:
      return 'other'
  }
}

/**
 * A problem zod found in a request field, as a text of the catalog: said by its kind (type,
 * bounds, allowed values...), or by the schema's own message when it is a {@link fieldMessage}.
 * The path (`limit`, `batch.0.userId`) stays as it is in every language.
 */
export function fieldIssueText(issue: z.core.$ZodIssue, withPath = true): ApiText {
  const path = withPath ? issue.path.map(String).join('.') : ''
  const custom = fieldMessageKey(issue.message)
  if (custom !== undefined)
    return { key: 'field.custom', values: { path: path || 'none' }, texts: { message: { key: custom } } }
  const values: Record<string, string | number> = { path: path || 'none', issue: issueKind(issue) }
  if (issue.code === 'invalid_type') values['expected'] = issue.expected
  if (issue.code === 'too_small') values['bound'] = Number(issue.minimum)
  if (issue.code === 'too_big') values['bound'] = Number(issue.maximum)
  if (issue.code === 'not_multiple_of') values['bound'] = Number(issue.divisor)
  if (issue.code === 'invalid_value') values['values'] = issue.values.map(String).join(', ')
  if (issue.code === 'unrecognized_keys') values['keys'] = issue.keys.join(', ')
  if (issue.code === 'invalid_format') values['format'] = issue.format
  return { key: 'field.issue', values }
}

/** Texts of the service (English) that the catalog can say: the pattern, the key, the values. */
type Known = readonly [RegExp, ApiKey, (match: RegExpExecArray) => MessageValues]

const none = () => ({})

const ENGINE_TEXTS: readonly Known[] = [
  [/^no contact (".*")$/s, 'contact.none', (m) => ({ id: m[1] })],
  [
    /^contacts are created by identify calls, events with a userId, or POST \/api\/contacts$/,
    'contact.none.hint',
    none,
  ],
  [/^no model (".*")$/s, 'model.none', (m) => ({ id: m[1] })],
  [/^create it with POST \/api\/models$/, 'model.none.hint', none],
  [/^model (".*") has no version (\d+)$/s, 'model.noVersion', (m) => ({ id: m[1], version: m[2] })],
  [
    /^list its versions: GET \/api\/models\/(.*)\/versions$/s,
    'model.noVersion.hint',
    (m) => ({ model: m[1] }),
  ],
  [/^no model is published$/, 'model.nonePublished', none],
  [/^create a draft \(POST \/api\/models\) and publish it$/, 'model.nonePublished.hint', none],
  [/^model (".*") is not published$/s, 'model.notPublished', (m) => ({ id: m[1] })],
  [
    /^published models: (.*)$/s,
    'model.notPublished.hint',
    (m) => ({ ids: m[1], count: m[1] === 'none' ? 0 : 1 }),
  ],
  [/^fix the errors listed in `issues` and send the model again$/, 'model.invalid.hint', none],
  [
    /^the ingest queue is full \((\d+) of (\d+) messages/,
    'queue.full',
    (m) => ({ pending: m[1], limit: m[2] }),
  ],
  [
    /^rescoring is behind \((\d+) of (\d+) contacts/,
    'queue.rescore',
    (m) => ({ pending: m[1], limit: m[2] }),
  ],
  [
    /^retry after (\d+) s; SDKs do this on their own when they get a 429$/,
    'queue.full.hint',
    (m) => ({ seconds: m[1] }),
  ],
  [/^the engine is shutting down and accepts no more work$/, 'closing', none],
  [/^retry against a running server$/, 'closing.hint', none],
]

function recognise(table: readonly Known[], text: string): ApiText | undefined {
  for (const [pattern, key, values] of table) {
    const match = pattern.exec(text)
    if (match) return { key, values: values(match) }
  }
  return undefined
}

/**
 * An engine error's English message or hint as a catalog text, when the catalog knows it. The
 * engine's errors carry their catalog texts (`EngineError.text`, `hintText`): prefer those;
 * this reads the English of the ones made before they did.
 */
export function engineText(text: string | undefined): ApiText | undefined {
  return text === undefined ? undefined : recognise(ENGINE_TEXTS, text)
}
