import { stripVTControlCharacters } from 'node:util'
import type { CommandDef } from 'citty'
import { defineCommand, renderUsage, runCommand } from 'citty'
import { EngineError } from '../engine/errors.js'
import { engineText, sayApi } from '../i18n/api.js'
import { cliTranslator } from '../i18n/cli.js'
import { LOCALES, type Locale, localeOf as localeOfTag, pickLocale } from '../i18n/locale.js'
import { commands } from './commands/index.js'
import { type CliContext, CliError, localeOf, textOf } from './context.js'
import { help, localizedCommand, localizeUsage } from './help.js'

export const VERSION = '0.1.0'

export const rootCommand = defineCommand({
  meta: {
    name: 'leadscore',
    version: VERSION,
    description: help('help.leadscore'),
  },
  subCommands: commands,
})

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Streams and environment are parameters, so tests run it in-process.
 */
export async function main(
  argv: readonly string[],
  io: Partial<Omit<CliContext, 'exitCode' | 'command'>> = {},
): Promise<number> {
  const env = io.env ?? process.env
  const { lang, rest: args } = takeLang(argv)
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    cwd: io.cwd ?? process.cwd(),
    env,
    locale:
      io.locale ?? pickLocale(lang, env['LEADSCORE_LANG'], env['LC_ALL'], env['LC_MESSAGES'], env['LANG']),
    exitCode: 0,
    command: '',
  }
  try {
    if (lang !== undefined && localeOfTag(lang) === undefined) {
      throw new CliError(
        { key: 'lang.unknown', values: { lang } },
        { hint: { key: 'lang.unknown.hint', values: { languages: LOCALES.join(', ') } }, exitCode: 2 },
      )
    }
    if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
      ctx.stdout.write(usageText(ctx, await renderUsage(await localizedCommand(rootCommand, localeOf(ctx)))))
      return 0
    }
    if (args[0] === '--version' || args[0] === '-v') {
      ctx.stdout.write(`${VERSION}\n`)
      return 0
    }
    const target = await findCommand(rootCommand, args)
    ctx.command = args.slice(0, target.depth).join(' ')
    const isGroup = target.cmd.run === undefined && target.cmd.subCommands !== undefined
    if (args.includes('--help') || args.includes('-h') || (isGroup && args.length === target.depth)) {
      const locale = localeOf(ctx)
      const parent = target.parent && (await localizedCommand(target.parent, locale))
      ctx.stdout.write(usageText(ctx, await renderUsage(await localizedCommand(target.cmd, locale), parent)))
      return 0
    }
    // citty's runCommand does not pass `data` on to subcommands: run the resolved command itself
    await runCommand(target.cmd, { rawArgs: args.slice(target.depth), data: ctx })
    return ctx.exitCode
  } catch (error) {
    return reportError(ctx, error)
  }
}

/** Usage text in the context's language, without colours unless stdout is a terminal. */
function usageText(ctx: CliContext, usage: string): string {
  const text = localizeUsage(
    ctx.stdout.isTTY === true ? usage : stripVTControlCharacters(usage),
    localeOf(ctx),
  )
  return `${text}\n`
}

/**
 * `--lang xx` or `--lang=xx` anywhere in the arguments (a global flag), and the arguments
 * without it.
 */
function takeLang(argv: readonly string[]): { lang: string | undefined; rest: string[] } {
  const rest: string[] = []
  let lang: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (arg === '--lang') {
      lang = argv[i + 1] ?? ''
      i++
    } else if (arg.startsWith('--lang=')) lang = arg.slice('--lang='.length)
    else rest.push(arg)
  }
  return { lang, rest }
}

function writeError(ctx: CliContext, message: string, hint: string | undefined): void {
  const t = textOf(ctx)
  ctx.stderr.write(`${t.t('error', { message })}\n`)
  if (hint) ctx.stderr.write(`${t.t('hint', { hint })}\n`)
}

function reportError(ctx: CliContext, error: unknown): number {
  const locale: Locale = localeOf(ctx)
  if (error instanceof CliError) {
    const said = locale === 'en' ? undefined : error.say?.(locale)
    writeError(ctx, said?.message ?? error.message, said === undefined ? error.hint : said.hint)
    return error.exitCode
  }
  if (error instanceof EngineError) {
    // what the service refuses (an unknown id, a bad value) is the user's to fix: no stack
    const message = locale === 'en' ? undefined : (error.text ?? engineText(error.message))
    const hint = locale === 'en' ? undefined : (error.hintText ?? engineText(error.hint))
    writeError(
      ctx,
      message === undefined ? error.message : sayApi(message, locale),
      hint === undefined ? error.hint : sayApi(hint, locale),
    )
    return 1
  }
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (code === 'EARG' || code.startsWith('E_'))) {
    // citty's own usage errors (unknown command, missing or invalid argument)
    const message = stripVTControlCharacters((error as Error).message)
    writeError(
      ctx,
      locale === 'en' ? message : (usageError(message, locale) ?? message),
      cliTranslator(locale).t('usage.hint', {
        command: ctx.command === '' ? 'leadscore' : `leadscore ${ctx.command}`,
      }),
    )
    return 2
  }
  writeError(ctx, error instanceof Error ? (error.stack ?? error.message) : String(error), undefined)
  return 1
}

/** A usage error of citty (English) said in `locale`, when it is one citty writes. */
function usageError(message: string, locale: Locale): string | undefined {
  const t = cliTranslator(locale)
  let m = /^Missing required positional argument: (\S+)$/.exec(message)
  if (m) return t.t('usage.missingPositional', { name: m[1] })
  m = /^Missing required argument: --(\S+)$/.exec(message)
  if (m) return t.t('usage.missingOption', { name: m[1] })
  m = /^Invalid value for argument: --(\S+) \((.*)\)\. Expected one of: (.*)\.$/s.exec(message)
  if (m) return t.t('usage.invalidValue', { name: m[1], value: m[2], options: m[3] })
  m = /^Unknown command (\S+)$/.exec(message)
  if (m) return t.t('usage.unknownCommand', { name: m[1] })
  return undefined
}

async function findCommand(
  root: CommandDef,
  args: readonly string[],
): Promise<{ cmd: CommandDef; parent: CommandDef | undefined; depth: number }> {
  let cmd: CommandDef = root
  let parent: CommandDef | undefined
  let depth = 0
  for (const arg of args) {
    if (arg.startsWith('-')) break
    const subs = await resolve(cmd.subCommands)
    const next = subs?.[arg]
    if (!next) break
    parent = cmd
    cmd = await resolve(next)
    depth++
  }
  return { cmd, parent, depth }
}

async function resolve<T>(value: T | Promise<T> | (() => T) | (() => Promise<T>)): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value
}
