import { stripVTControlCharacters } from 'node:util'
import type { CommandDef } from 'citty'
import { defineCommand, renderUsage, runCommand } from 'citty'
import { EngineError } from '../engine/errors.js'
import { commands } from './commands/index.js'
import { type CliContext, CliError } from './context.js'

export const VERSION = '0.1.0'

export const rootCommand = defineCommand({
  meta: {
    name: 'leadscore',
    version: VERSION,
    description: 'Lead scoring that explains every point: fit and engagement, grades, bands, stages.',
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
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
    exitCode: 0,
    command: '',
  }
  const args = [...argv]
  try {
    if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
      ctx.stdout.write(usageText(ctx, await renderUsage(rootCommand)))
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
      ctx.stdout.write(usageText(ctx, await renderUsage(target.cmd, target.parent)))
      return 0
    }
    // citty's runCommand does not pass `data` on to subcommands: run the resolved command itself
    await runCommand(target.cmd, { rawArgs: args.slice(target.depth), data: ctx })
    return ctx.exitCode
  } catch (error) {
    return reportError(ctx, error)
  }
}

/** Usage text, without colours unless stdout is a terminal. */
function usageText(ctx: CliContext, usage: string): string {
  return `${ctx.stdout.isTTY === true ? usage : stripVTControlCharacters(usage)}\n`
}

function reportError(ctx: CliContext, error: unknown): number {
  if (error instanceof CliError) {
    ctx.stderr.write(`error: ${error.message}\n`)
    if (error.hint) ctx.stderr.write(`hint: ${error.hint}\n`)
    return error.exitCode
  }
  if (error instanceof EngineError) {
    // what the service refuses (an unknown id, a bad value) is the user's to fix: no stack
    ctx.stderr.write(`error: ${error.message}\n`)
    if (error.hint) ctx.stderr.write(`hint: ${error.hint}\n`)
    return 1
  }
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (code === 'EARG' || code.startsWith('E_'))) {
    // citty's own usage errors (unknown command, missing or invalid argument)
    const message = stripVTControlCharacters((error as Error).message)
    ctx.stderr.write(`error: ${message}\nhint: run \`leadscore ${ctx.command} --help\` for the usage\n`)
    return 2
  }
  ctx.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return 1
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
