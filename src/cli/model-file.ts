/**
 * Reading a model file for a command: the file's text, or a compiled model with its
 * warnings printed and its errors turned into one clear failure.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type CompiledModel, compileModel } from '../core/compile.js'
import { compareIssues, formatIssue, type Issue, loadModel } from '../core/model/index.js'
import { issueText } from '../i18n/model.js'
import { type CliContext, CliError, localeOf, textOf } from './context.js'

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
  // the model file is named as such; any other file as a file
  const kind = what === 'model file' ? 'model' : 'file'
  if (code === 'ENOENT') {
    return new CliError(
      { key: 'file.missing', values: { file } },
      { hint: { key: 'file.missing.hint', values: { what: kind, cwd: ctx.cwd } } },
    )
  }
  if (code === 'EISDIR')
    return new CliError(
      { key: 'file.directory', values: { file } },
      { hint: { key: 'file.directory.hint', values: { what: kind } } },
    )
  if (code === 'EACCES') {
    return new CliError({ key: 'file.denied', values: { file } }, { hint: { key: 'file.denied.hint' } })
  }
  return new CliError({ key: 'file.other', values: { file, detail: (error as Error).message } })
}

/**
 * Loads and compiles a model file. Warnings go to stderr; errors are printed with their
 * place and the command fails (exit code 1).
 */
export async function loadModelFile(ctx: CliContext, file: string): Promise<CompiledModel> {
  const source = await readInputText(ctx, file, 'model file')
  const result = loadModel(source, { filename: file })
  for (const warning of [...result.warnings].sort(compareIssues))
    ctx.stderr.write(`${issueLines(ctx, warning, file)}\n`)
  if (!result.ok) {
    for (const error of [...result.errors].sort(compareIssues))
      ctx.stderr.write(`${issueLines(ctx, error, file)}\n`)
    throw new CliError(
      { key: 'model.notUsed', values: { file, count: result.errors.length } },
      { hint: { key: 'model.notUsed.hint', values: { file } } },
    )
  }
  return compileModel(result.model)
}

/**
 * An issue for a terminal, in the context's language: `model.yaml:12:9 error fit.groups[0]...: unknown key …`
 * and an indented hint line (English: exactly `formatIssue`).
 */
export function issueLines(ctx: CliContext, issue: Issue, filename: string): string {
  const locale = localeOf(ctx)
  if (locale === 'en') return formatIssue(issue, filename)
  const t = textOf(ctx)
  const { message, hint } = issueText(issue, locale)
  const where = [filename, issue.line, issue.line === undefined ? undefined : issue.column]
    .filter((part) => part !== undefined && part !== '')
    .join(':')
  const head = t.t('issue', {
    where: where === '' ? '' : `${where} `,
    severity: issue.severity,
    path: issue.path === '' ? '' : ` ${issue.path}`,
    message,
  })
  return hint === undefined ? head : `${head}\n${t.t('issue.hint', { hint })}`
}
