import type { Writable } from 'node:stream'
import { type CliKey, type CliText, cliTranslator, sayCli } from '../i18n/cli.js'
import type { Locale } from '../i18n/locale.js'
import type { Translator } from '../i18n/translator.js'

/** What a command may touch: its streams, working directory and environment. Injected so tests run in-process. */
export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean }
  readonly stderr: Writable & { isTTY?: boolean }
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /**
   * The language of human output: `--lang`, else `LEADSCORE_LANG`, else the system's (`LC_ALL`,
   * ...), else en. `main` always sets it; read it with {@link localeOf}.
   */
  readonly locale?: Locale
  /** Set by a command to the process exit code it wants (default 0). */
  exitCode: number
  /** The subcommand being run (`model validate`), for messages. */
  command: string
}

/** A text said by its own function in each language (a text of another catalog than `cli`). */
export interface SaidText {
  readonly said: (locale: Locale) => string
}

/** A human text of a CLI error: English as is, a message of the `cli` catalog, or a {@link SaidText}. */
export type CliErrorText = string | CliText | SaidText

function say(text: CliText | SaidText, locale: Locale): string {
  return 'said' in text ? text.said(locale) : sayCli(text, locale)
}

/** An expected failure: printed as `error: message` (and its hint) with no stack, exit code 1 (or `code`). */
export class CliError extends Error {
  readonly hint: string | undefined
  readonly exitCode: number
  /** The message and hint in another language; undefined when only English exists. */
  readonly say: ((locale: Locale) => { message: string; hint: string | undefined }) | undefined
  constructor(message: CliErrorText, options: { hint?: CliErrorText; exitCode?: number } = {}) {
    super(typeof message === 'string' ? message : say(message, 'en'))
    this.name = 'CliError'
    const hint = options.hint
    this.hint = hint === undefined || typeof hint === 'string' ? hint : say(hint, 'en')
    this.exitCode = options.exitCode ?? 1
    this.say =
      typeof message === 'string' && (hint === undefined || typeof hint === 'string')
        ? undefined
        : (locale) => ({
            message: typeof message === 'string' ? message : say(message, locale),
            hint: hint === undefined || typeof hint === 'string' ? hint : say(hint, locale),
          })
  }
}

/** Reads the CLI context a command was started with. */
export function cliContext(data: unknown): CliContext {
  if (data === null || typeof data !== 'object' || !('stdout' in data)) {
    throw new Error('command started without a CLI context; run it through main()')
  }
  return data as CliContext
}

/** The language of a context's human output (English for a context made outside `main`). */
export function localeOf(ctx: CliContext): Locale {
  return ctx.locale ?? 'en'
}

/**
 * The `cli` catalog in the context's language; it also formats numbers and dates for it (in
 * human output only: CSV and JSON stay machine-stable).
 */
export function textOf(ctx: CliContext): Translator<CliKey> {
  return cliTranslator(localeOf(ctx))
}
