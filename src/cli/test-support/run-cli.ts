import { Writable } from 'node:stream'
import { main } from '../main.js'

/** A writable that keeps what is written, as text. */
export function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `leadscore ...argv` in-process in `cwd`. */
export async function runCli(cwd: string, ...argv: string[]): Promise<CliRun> {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd, env: {} })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}
