/**
 * A file reader's error (src/io) as a CLI error in the user's language: a bad row in strict
 * mode, or a file that cannot be read at all (missing, not gzip, a header without a required
 * column). The reader's texts are recognised by their wording, as the API recognises the
 * engine's; a text the catalog does not know stays in English.
 * @module
 */
import { type IoKey, ioTranslator } from '../i18n/io.js'
import type { Locale } from '../i18n/locale.js'
import type { MessageValues } from '../i18n/translator.js'
import { BadRowError, InputFileError } from '../io/index.js'
import { CliError } from './context.js'
import { rowIssueParts } from './row-issue-text.js'

type Known = readonly [RegExp, IoKey, (m: RegExpExecArray) => MessageValues]

const none = () => ({})
/** `"a", "b"` (as the readers quote names) → a list in the language. */
const NAMES = '((?:"[^"]*")(?:(?:, | or )"[^"]*")*)'
const names = (text: string, locale: Locale) =>
  ioTranslator(locale).list(
    [...text.matchAll(/"([^"]*)"/g)].map((m) => `"${m[1]}"`),
    'disjunction',
  )

const PROBLEMS: readonly Known[] = [
  [/^no such file$/, 'file.missing', none],
  [/^permission denied$/, 'file.denied', none],
  [/^is a directory, not a file$/, 'file.directory', none],
  [/^not a valid gzip file \((.*)\)$/s, 'file.gzip', (m) => ({ detail: m[1] })],
  [/^cannot read the file \((.*)\)$/s, 'file.unreadable', (m) => ({ detail: m[1] })],
  [/^unknown file type$/, 'file.type', none],
  [/^column (\d+) of the header has no name$/, 'file.unnamed', (m) => ({ column: m[1] })],
  [
    /^column "(.*)" appears twice in the header \(columns (\d+) and (\d+)\)$/s,
    'file.twice',
    (m) => ({ name: m[1], first: m[2], second: m[3] }),
  ],
  [/^no column "(.*)" \(named by the (\w+) option\)$/s, 'file.noNamedColumn', (m) => ({ name: m[1] })],
  [
    /^no (contact id|account id|event id|event name|time) column$/,
    'file.noColumn',
    (m) => ({ what: m[1]!.replace(/ (id|name)$/, '') }),
  ],
  [/^a quoted field that starts on this line is never closed$/, 'file.openQuote', none],
]

const HINTS: readonly Known[] = [
  [/^check the path$/, 'file.missing.hint', none],
  [/^check the file permissions$/, 'file.denied.hint', none],
  [/^give the path of a file$/, 'file.directory.hint', none],
  [/^decompress it to check it, or drop the \.gz suffix if it is not compressed$/, 'file.gzip.hint', none],
  [/^check the file$/, 'file.unreadable.hint', none],
  [
    /^name the file \.csv, \.ndjson or \.jsonl \(optionally followed by \.gz\), or give its format$/,
    'file.type.hint',
    none,
  ],
  [/^name every column$/, 'file.unnamed.hint', none],
  [/^rename one of them$/, 'file.twice.hint', none],
  [
    /^add the closing quote, or double each quote inside the field \(""\)$/,
    'row.unterminatedQuote.hint',
    none,
  ],
]

/** The problem of an {@link InputFileError}: its message without the `file:line: ` it starts with. */
function problemOf(error: InputFileError): string {
  const at = error.line === undefined ? `${error.file}: ` : `${error.file}:${error.line}: `
  return error.message.startsWith(at) ? error.message.slice(at.length) : error.message
}

function recognise(table: readonly Known[], text: string, locale: Locale): string | undefined {
  for (const [pattern, key, values] of table) {
    const match = pattern.exec(text)
    if (match) return ioTranslator(locale).t(key, values(match))
  }
  return undefined
}

/** The header names in a reader's hint (`the header has "a", "b"`) said in `locale`, else undefined. */
function columnsHint(hint: string, locale: Locale): string | undefined {
  const t = ioTranslator(locale)
  const given = new RegExp(`^the header has ${NAMES}; give one of them$`, 's').exec(hint)
  if (given) return t.t('file.noNamedColumn.hint', { columns: names(given[1]!, locale) })
  const named = new RegExp(
    `^name it ${NAMES}, or choose it with the (\\w+) option \\(the header has ${NAMES}\\)$`,
    's',
  ).exec(hint)
  if (named)
    return t.t('file.noColumn.hint', { names: names(named[1]!, locale), columns: names(named[3]!, locale) })
  return recognise(HINTS, hint, locale)
}

/** The CLI error for a reader's error (a bad row in strict mode, a file it cannot read), else undefined. */
export function inputCliError(error: unknown): CliError | undefined {
  if (error instanceof BadRowError) {
    const issue = error.issue
    return new CliError(
      { said: (locale) => `${issue.file}:${issue.line}: ${rowIssueParts(issue, locale).problem}` },
      { hint: { key: 'badRow.strict.hint' } },
    )
  }
  if (error instanceof InputFileError) {
    const problem = problemOf(error)
    const hint = error.hint
    return new CliError(
      {
        said: (locale) => {
          const said = locale === 'en' ? undefined : recognise(PROBLEMS, problem, locale)
          return said === undefined ? error.message : error.message.slice(0, -problem.length) + said
        },
      },
      hint
        ? { hint: { said: (locale) => (locale === 'en' ? hint : (columnsHint(hint, locale) ?? hint)) } }
        : {},
    )
  }
  return undefined
}
