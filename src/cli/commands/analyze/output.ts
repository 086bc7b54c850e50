/**
 * How the analyze commands print: an aligned table for people, `--json` (the report as
 * is) or `--csv` (one table, one row per line) for programs.
 * @module
 */
import { createScoreWriter } from '../../../io/index.js'
import { type CliContext, CliError } from '../../context.js'
import { help } from '../../help.js'

export type OutputFormat = 'table' | 'json' | 'csv'

export const outputArgs = {
  json: { type: 'boolean', description: help('help.analyze.json') },
  csv: { type: 'boolean', description: help('help.analyze.csv') },
} as const

export function outputFormat(args: { json?: boolean | undefined; csv?: boolean | undefined }): OutputFormat {
  if (args.json && args.csv) throw new CliError({ key: 'output.both' }, { hint: { key: 'output.both.hint' } })
  return args.json ? 'json' : args.csv ? 'csv' : 'table'
}

/** Writes `value` as JSON (NaN and infinities as null), with a final newline. */
export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(
    `${JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  )
}

/** Writes rows as CSV with a header. */
export async function writeCsv(
  ctx: CliContext,
  columns: readonly string[],
  rows: Iterable<Record<string, unknown>>,
): Promise<void> {
  const writer = createScoreWriter(ctx.stdout, 'csv', columns)
  await writer.writeAll(rows)
  await writer.end()
}

/** Column alignment: numbers right, text left. */
export type Align = 'left' | 'right'

/** An aligned text table: a header line, then the rows; cells padded to the widest. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((h, k) => Math.max(width(h), ...rows.map((r) => width(r[k] ?? ''))))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, k) => {
        const pad = ' '.repeat(widths[k]! - width(cell))
        return align[k] === 'right' ? pad + cell : cell + pad
      })
      .join('  ')
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

function width(text: string): number {
  return [...text].length
}
