/**
 * File input and output of the `score` and `import` commands.
 *
 * Readers ({@link readContacts}, {@link readEvents}, {@link readAccounts}) stream CSV or
 * NDJSON files (`.csv`, `.ndjson`, `.jsonl`, each optionally `.gz`), never holding the whole
 * file, and yield rows one by one or in batches. Decisions, in one place:
 *
 * - **Columns** are found by name (first match): contact id `contact_id`, `id`; account id
 *   `account_id`, `id`; for events the contact `contact_id`, `user_id`, `userId`, the name
 *   `event`, `type`, `name`, the time `timestamp`, `ts`, `time`, the event id `event_id`,
 *   `message_id`, `messageId`, `id`. Options name them explicitly. Every other column is a
 *   property. Header names are trimmed; a header with an unnamed or repeated column is refused.
 * - **Cells**: an empty CSV cell is an absent property; `NA`, `null`, `0` are values. A cell
 *   becomes a number only when it is the canonical spelling of one (`String(Number(s)) === s`:
 *   `12`, `-3.5`), so `007`, `1.50`, `+1` stay strings and numbers write back as they were
 *   read. NDJSON values are kept as JSON typed them (`"12"` stays a string); a nested
 *   `properties` object is merged in and wins on a clash.
 * - **Times**: ISO-8601 or epoch milliseconds; a time without an offset is UTC (never the
 *   machine's zone, so a file scores the same everywhere). Anything else is a bad row.
 * - **Event ids**: the id column when the cell is not empty, else `<file name>:<line>`, so
 *   reading a file twice gives the same ids (and a re-import deduplicates).
 * - **Bad rows** (wrong field count, unclosed or misplaced quotes, no id, no name, no or an
 *   unreadable time, bad JSON) are skipped, counted in `stats` and passed to `onBadRow` with
 *   file, 1-based line, field and what to do; with `strict` the first one is thrown as a
 *   {@link BadRowError} after the rows before it. Problems with the file itself (missing,
 *   unknown type, not gzip, no id column) throw an {@link InputFileError}.
 *
 * Speed: a hand-written tokenizer (RFC 4180) that reads plain lines with `indexOf` jumps and
 * hands out field positions, so times and numbers are parsed in place. See
 * `bench/io/parse.bench.ts`. The readers allocate a few objects per row: run large imports
 * with `node --max-semi-space-size=64` (a larger young generation), which makes them about a
 * third faster.
 *
 * Joining events to contacts: with a million contacts a `Map` lookup per event costs about
 * 600 ns (cache misses); an {@link IdIndex} shared by `readContacts` (`index`) and
 * `readEvents` (`contactIndex`) resolves a whole batch at once, about three times faster,
 * and hands each row its contact's dense index.
 *
 * Contacts in bulk: {@link readContactColumns} reads a CSV contacts file into columns (the
 * ids, each property dictionary-encoded), no object per contact; {@link readScoreColumns}
 * reads the files of a bulk scoring so, the event parsers starting first on the other cores.
 *
 * Events in bulk: {@link readEventColumns} reads the same events, with the same rules and
 * bad-row messages, as column batches (typed arrays and dictionaries, no object per event)
 * for `EventColumnsBuilder.addColumns`. It parses UTF-8 bytes in place and, for a plain file
 * over 16 MB, in chunks on worker threads and the main thread at once (`src/io/event-chunk-parser.ts`,
 * `read-event-columns.ts`); events of contacts not in the index can be left out
 * (`unknownContacts: 'skip'`). On 20M events (1.6 GB) it is about 6 times faster than
 * `readEvents` and needs no per-event garbage collection: see `bench/io/event-columns.bench.ts`.
 *
 * Writers: {@link createScoreWriter} streams CSV, a JSON array or NDJSON with backpressure,
 * gzip for `.gz` paths, numbers rounded to 6 decimals. {@link createProgress} draws a byte
 * progress bar on a terminal only.
 * @module
 */
export { cellValue } from './cell-value.js'
export { type CsvProblem, type CsvRecord, CsvTokenizer, csvField, csvFields } from './csv-tokenizer.js'
export { formatNumber, roundNumber } from './format-number.js'
export { IdIndex } from './id-index.js'
export { InputFileError } from './input-file-error.js'
export { type InputFormat, type InputKind, inputKind } from './input-format.js'
export { OutputFileError } from './output-file-error.js'
export { parseTimestamp } from './parse-timestamp.js'
export { createProgress, formatBytes, type Progress, type ProgressOptions } from './progress.js'
export type { PropertyReadOptions, PropertyRow } from './property-rows.js'
export {
  ACCOUNT_ID_COLUMNS,
  type AccountRow,
  type ReadAccountsOptions,
  readAccounts,
} from './read-accounts.js'
export {
  type ContactColumnsRead,
  type ReadContactColumnsOptions,
  readContactColumns,
} from './read-contact-columns.js'
export {
  CONTACT_ID_COLUMNS,
  type ContactRow,
  type ReadContactsOptions,
  readContacts,
} from './read-contacts.js'
export {
  addAllBatches,
  type EventColumnSource,
  type EventColumnStats,
  type ReadEventColumnsOptions,
  readEventColumns,
} from './read-event-columns.js'
export { type EventRow, type ReadEventsOptions, readEvents } from './read-events.js'
export {
  type ReadScoreColumnsOptions,
  readScoreColumns,
  type ScoreColumns,
  type ScoreFiles,
} from './read-score-columns.js'
export {
  BadRowError,
  type RowIssue,
  type RowIssueCode,
  type RowIssueKind,
  type RowIssueParams,
  rowIssue,
} from './row-issue.js'
export type { ReadOptions, ReadStats, RowSource } from './row-source.js'
export {
  type RuleWorker,
  type ScoreThreadsOptions,
  scoreColumnsInThreads,
  startRuleWorker,
} from './score-threads.js'
export {
  createScoreWriter,
  type ScoreColumn,
  type ScoreFormat,
  type ScoreRow,
  type ScoreWriter,
  type ScoreWriterOptions,
} from './score-writer.js'
