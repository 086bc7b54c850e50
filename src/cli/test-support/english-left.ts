/**
 * English left in the CLI's output in another language: the pieces of the English `cli` and
 * `io` catalogs whose translation differs (the dashboard's check, `englishPieces`), looked for in
 * the output's lines and in its table cells (split at tabs and at two spaces or more).
 */
import { cliCatalogs } from '../../i18n/cli.js'
import { ioCatalogs } from '../../i18n/io.js'
import type { Locale } from '../../i18n/locale.js'
import { englishLeftovers, englishPieces } from '../../server/dashboard/test-support/english-leftovers.js'

/** The English catalog texts found in `output` (empty when it is all in `locale`). */
export function englishIn(output: string, locale: Exclude<Locale, 'en'>): string[] {
  const pieces = [
    ...englishPieces(cliCatalogs.en, cliCatalogs[locale]),
    ...englishPieces(ioCatalogs.en, ioCatalogs[locale]),
  ]
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const cells = lines.flatMap((l) =>
    l
      .split(/\t| {2,}/)
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  )
  return englishLeftovers([...lines, ...cells], pieces).map((f) => `${f.english} (${f.key}) in "${f.found}"`)
}
