/**
 * Reading a model file for a command: the file's text, or a compiled model with its
 * warnings printed and its errors turned into one clear failure.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type CompiledModel, compileModel } from '../core/compile.js'
import { compareIssues, formatIssue, loadModel } from '../core/model/index.js'
import { type CliContext, CliError } from './context.js'

/** Reads a file named on the command line, with errors that say what to check. */
export async function readInputText(ctx: CliContext, file: string, what = 'file'): Promise<string> {
  try {
    return await readFile(resolve(ctx.cwd, file), 'utf8')
  } catch (error) {
    throw fileError(ctx, file, error, what)
  }
}

/** A CliError for a file that could not be opened. */
export function fileError(ctx: CliContext, file: string, error: unknown, what = 'file'): CliError {
  const code = (error as { code?: unknown }).code
  if (code === 'ENOENT') {
    return new CliError(`cannot read ${file}: no such file`, {
      hint: `check the path of the ${what}; a relative path starts from ${ctx.cwd}`,
    })
  }
  if (code === 'EISDIR')
    return new CliError(`cannot read ${file}: it is a directory`, { hint: `give the path of the ${what}` })
  if (code === 'EACCES') {
    return new CliError(`cannot read ${file}: permission denied`, {
      hint: 'check the permissions of the file',
    })
  }
  return new CliError(`cannot read ${file}: ${(error as Error).message}`)
}

/**
 * Loads and compiles a model file. Warnings go to stderr; errors are printed with their
 * place and the command fails (exit code 1).
 */
export async function loadModelFile(ctx: CliContext, file: string): Promise<CompiledModel> {
  const source = await readInputText(ctx, file, 'model file')
  const result = loadModel(source, { filename: file })
  for (const warning of [...result.warnings].sort(compareIssues))
    ctx.stderr.write(`${formatIssue(warning, file)}\n`)
  if (!result.ok) {
    for (const error of [...result.errors].sort(compareIssues))
      ctx.stderr.write(`${formatIssue(error, file)}\n`)
    const n = result.errors.length
    throw new CliError(`${file} has ${n} error${n === 1 ? '' : 's'}; the model was not used`, {
      hint: `fix them (\`leadscore model validate ${file}\` checks the file alone)`,
    })
  }
  return compileModel(result.model)
}
