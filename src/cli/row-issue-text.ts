/**
 * A bad row as the CLI shows it: the reader's issue (a stable `code` and its values) said in
 * the user's language with the `io` catalog. English, and an issue whose text the readers'
 * module does not know, keep the reader's own line.
 * @module
 */
import { type IoKey, ioTranslator } from '../i18n/io.js'
import type { Locale } from '../i18n/locale.js'
import type { Translator } from '../i18n/translator.js'
import type { RowIssue, RowIssueCode, RowIssueParams } from '../io/index.js'

type Io = Translator<IoKey>

/** The problem's message and its hint's, per code. */
const TEXTS: Readonly<Record<RowIssueCode, readonly [IoKey | undefined, IoKey]>> = {
  'column-count': ['row.columnCount', 'row.columnCount.hint'],
  'text-after-quote': ['row.textAfterQuote', 'row.textAfterQuote.hint'],
  'unterminated-quote': ['row.unterminatedQuote', 'row.unterminatedQuote.hint'],
  'bad-json': ['row.badJson', 'row.json.hint'],
  'not-an-object': ['row.notObject', 'row.json.hint'],
  'bad-properties': ['row.badProperties', 'row.badProperties.hint'],
  'empty-id': ['row.emptyId', 'row.fill.hint'],
  'no-id': ['row.noId', 'row.noId.hint'],
  'bad-id': ['row.badId', 'row.badId.hint'],
  'empty-event': ['row.emptyEvent', 'row.fill.hint'],
  'no-event': ['row.noEvent', 'row.event.hint'],
  'event-not-text': ['row.eventNotText', 'row.event.hint'],
  'empty-time': ['row.emptyTime', 'row.time.hint'],
  'no-time': ['row.noTime', 'row.time.hint'],
  'bad-time': ['row.badTime', 'row.time.hint'],
  rejected: [undefined, 'row.rejected.hint'],
}

/** The values of a row issue's message as the catalog wants them: names as a list, types and ids said. */
function values(t: Io, params: RowIssueParams): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') out[name] = value
    else if (typeof value !== 'string')
      out[name] = t.list(
        value.map((n) => `"${n}"`),
        'disjunction',
      )
    else if (name === 'type') out[name] = t.t('row.type', { type: value })
    else if (name === 'what') out['id'] = t.t('row.id', { what: value })
    else out[name] = value
  }
  if (typeof params['field'] === 'number')
    out['field'] =
      typeof params['column'] === 'string'
        ? t.t('row.field.named', { field: params['field'], column: params['column'] })
        : t.t('row.field', { field: params['field'] })
  return out
}

/** The problem and hint of `issue` in `locale` (the reader's English when it has no code). */
export function rowIssueParts(issue: RowIssue, locale: Locale): { problem: string; hint: string } {
  if (locale === 'en' || issue.code === undefined || issue.params === undefined)
    return { problem: issue.problem, hint: issue.hint }
  const t = ioTranslator(locale)
  const [problem, hint] = TEXTS[issue.code]
  const said = values(t, issue.params)
  return {
    // a refused row's reason comes said already (the service's reason in the user's language)
    problem: problem === undefined ? String(issue.params['reason']) : t.t(problem, said),
    hint: t.t(hint, said),
  }
}

/** `file:line: problem; hint` in `locale`. */
export function rowIssueText(issue: RowIssue, locale: Locale): string {
  if (locale === 'en' || issue.code === undefined) return issue.message
  const { problem, hint } = rowIssueParts(issue, locale)
  return ioTranslator(locale).t('row', { file: issue.file, line: String(issue.line), problem, hint })
}
