/**
 * Help in the reader's language: command and flag descriptions are texts of the `cli` catalog
 * (`help('help.score')` gives the English one and remembers its key), translated when the help
 * is shown; citty's own headings are said in the language after rendering.
 * @module
 */
import type { ArgDef, ArgsDef, CommandDef, CommandMeta, SubCommandsDef } from 'citty'
import { type CliKey, type CliText, cliTranslator } from '../i18n/cli.js'
import type { Locale } from '../i18n/locale.js'
import type { MessageValues } from '../i18n/translator.js'

const TEXTS = new Map<string, CliText>()

/**
 * The English text of a help message of the `cli` catalog (with its values), remembered so that
 * help can say it in another language.
 */
export function help(key: CliKey, values?: MessageValues): string {
  const text = cliTranslator('en').t(key, values)
  TEXTS.set(text, values === undefined ? { key } : { key, values })
  return text
}

/** The catalog message a help text was made from, if it was. */
export function helpText(text: string): CliText | undefined {
  return TEXTS.get(text)
}

/** A help text in `locale` (as written when it is not a catalog text). */
function helpIn(text: string | undefined, locale: Locale): string | undefined {
  const said = text === undefined ? undefined : TEXTS.get(text)
  return said === undefined ? text : cliTranslator(locale).t(said.key, said.values)
}

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>)

async function resolve<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value
}

/** `cmd` with its description, its flags' and its subcommands' said in `locale`. */
export async function localizedCommand(cmd: CommandDef, locale: Locale): Promise<CommandDef> {
  if (locale === 'en') return cmd
  const meta: CommandMeta | undefined = cmd.meta === undefined ? undefined : await resolve(cmd.meta)
  const args: ArgsDef | undefined = cmd.args === undefined ? undefined : await resolve(cmd.args)
  const subs: SubCommandsDef | undefined =
    cmd.subCommands === undefined ? undefined : await resolve(cmd.subCommands)
  const localArgs: ArgsDef | undefined =
    args &&
    Object.fromEntries(
      Object.entries(args).map(([name, arg]): [string, ArgDef] => {
        const description = helpIn(arg.description, locale)
        return [name, description === undefined ? arg : ({ ...arg, description } as ArgDef)]
      }),
    )
  const description = helpIn(meta?.description, locale)
  return {
    ...cmd,
    ...(meta === undefined ? {} : { meta: description === undefined ? meta : { ...meta, description } }),
    ...(localArgs === undefined ? {} : { args: localArgs }),
    ...(subs === undefined
      ? {}
      : {
          subCommands: Object.fromEntries(
            Object.entries(subs).map(([name, sub]) => [
              name,
              async () => localizedCommand(await resolve(sub as Resolvable<CommandDef>), locale),
            ]),
          ),
        }),
  }
}

/** citty's headings of a rendered usage text, said in `locale`. */
export function localizeUsage(usage: string, locale: Locale): string {
  if (locale === 'en') return usage
  const t = cliTranslator(locale)
  return usage
    .replace(/\bUSAGE\b/g, t.t('usage.usage'))
    .replace(/\bARGUMENTS\b/g, t.t('usage.arguments'))
    .replace(/\bOPTIONS\b/g, t.t('usage.options'))
    .replace(/\bCOMMANDS\b/g, t.t('usage.commands'))
    .replace(/\(Required\)/g, t.t('usage.required'))
    .replace(/\(Default: ([^)]*)\)/g, (_, value: string) => t.t('usage.default', { value }))
    .replace(/<command>/g, t.t('usage.command'))
    .replace(/Use (.*) for more information about a command\./, (_, command: string) =>
      t.t('usage.more', { command }),
    )
}
