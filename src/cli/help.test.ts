import type { ArgsDef, CommandDef, CommandMeta, SubCommandsDef } from 'citty'
import { describe, expect, it } from 'vitest'
import { help, helpText, localizedCommand } from './help.js'
import { rootCommand } from './main.js'

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>)
const resolve = async <T>(value: Resolvable<T>): Promise<T> =>
  typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value

/** Every command's and flag's description, with where it is. */
async function descriptions(cmd: CommandDef, path: string): Promise<[string, string][]> {
  const meta: CommandMeta | undefined = cmd.meta === undefined ? undefined : await resolve(cmd.meta)
  const args: ArgsDef = cmd.args === undefined ? {} : await resolve(cmd.args)
  const subs: SubCommandsDef = cmd.subCommands === undefined ? {} : await resolve(cmd.subCommands)
  const found: [string, string][] = []
  if (meta?.description) found.push([path, meta.description])
  for (const [name, arg] of Object.entries(args))
    if (arg.description) found.push([`${path} --${name}`, arg.description])
  for (const [name, sub] of Object.entries(subs))
    found.push(...(await descriptions(await resolve(sub as Resolvable<CommandDef>), `${path} ${name}`)))
  return found
}

describe('help in the language', () => {
  it('every command and flag is described by a catalog text', async () => {
    const all = await descriptions(rootCommand, 'leadscore')
    expect(all.length).toBeGreaterThan(150)
    expect(all.filter(([, text]) => helpText(text) === undefined)).toEqual([])
  })

  it('says them in Spanish and Dutch, values filled in', async () => {
    const port = help('help.serve.port', { port: '4400' })
    expect(port).toBe('The port (default $LEADSCORE_PORT, else 4400)')
    for (const [locale, said] of [
      ['es', 'El puerto (por defecto $LEADSCORE_PORT; si no, 4400)'],
      ['nl', 'De poort (standaard $LEADSCORE_PORT, anders 4400)'],
    ] as const) {
      const subs = await resolve(rootCommand.subCommands as Resolvable<SubCommandsDef>)
      const serve = await localizedCommand(await resolve(subs['serve'] as Resolvable<CommandDef>), locale)
      const args = await resolve(serve.args as Resolvable<ArgsDef>)
      expect(args['port']?.description).toBe(said)
    }
  })
})
