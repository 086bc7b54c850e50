import type { Writable } from 'node:stream'

/** What a command may touch: its streams, working directory and environment. Injected so tests run in-process. */
export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean }
  readonly stderr: Writable & { isTTY?: boolean }
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Set by a command to the process exit code it wants (default 0). */
  exitCode: number
  /** The subcommand being run (`model validate`), for messages. */
  command: string
}

/** An expected failure: printed as `error: message` (and its hint) with no stack, exit code 1 (or `code`). */
export class CliError extends Error {
  readonly hint: string | undefined
  readonly exitCode: number
  constructor(message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message)
    this.name = 'CliError'
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
  }
}

/** Reads the CLI context a command was started with. */
export function cliContext(data: unknown): CliContext {
  if (data === null || typeof data !== 'object' || !('stdout' in data)) {
    throw new Error('command started without a CLI context; run it through main()')
  }
  return data as CliContext
}
