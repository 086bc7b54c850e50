/**
 * `leadscore model validate FILE` and `leadscore model schema`.
 * @module
 */
import { type ArgsDef, type CommandContext, defineCommand, parseArgs } from 'citty'
import { compareIssues, loadModel, modelJsonSchema } from '../../core/model/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { issueLines, readInputText } from '../model-file.js'

const validateArgs = {
  // optional for citty, so that a missing file gets our message and hint rather than a usage error
  file: {
    type: 'positional',
    description: help('help.model.file'),
    required: false,
  },
  json: { type: 'boolean', description: help('help.model.json') },
} as const satisfies ArgsDef

/** Checks a model file and prints its issues; exit code 1 when it has errors. */
async function validate(ctx: CliContext, args: { file?: string | undefined; json?: boolean | undefined }) {
  const file = args.file
  if (file === undefined || file === '') {
    throw new CliError({ key: 'model.missingFile' }, { hint: { key: 'model.missingFile.hint' }, exitCode: 2 })
  }
  const source = await readInputText(ctx, file, 'model file')
  const result = loadModel(source, { filename: file })
  const issues = [...(result.ok ? [] : result.errors), ...result.warnings].sort(compareIssues)
  const errors = issues.filter((i) => i.severity === 'error').length
  const warnings = issues.length - errors
  if (args.json) {
    ctx.stdout.write(`${JSON.stringify({ file, valid: errors === 0, errors, warnings, issues }, null, 2)}\n`)
  } else {
    // for people, in their language; `--json` stays English, with each issue's code and params
    for (const issue of issues) ctx.stdout.write(`${issueLines(ctx, issue, file)}\n`)
    ctx.stdout.write(`${textOf(ctx).t('model.summary', { file, errors, warnings })}\n`)
  }
  if (errors > 0) ctx.exitCode = 1
}

/** Prints the JSON Schema of the model format. */
function schema(ctx: CliContext): void {
  ctx.stdout.write(`${JSON.stringify(modelJsonSchema(), null, 2)}\n`)
}

type Action = (ctx: CliContext, rawArgs: string[]) => void | Promise<void>

/** What each subcommand does, given its own arguments. */
const actions: Readonly<Record<'validate' | 'schema', Action>> = {
  validate: (ctx, rawArgs) => validate(ctx, parseArgs<typeof validateArgs>(rawArgs, validateArgs)),
  schema: (ctx) => schema(ctx),
}

/**
 * Contexts whose action already ran. citty does not pass `data` on to subcommands; `main` runs
 * the innermost command it finds, but with a flag before the subcommand (`model --json validate
 * x`) it stops at `model`, whose `run` then dispatches to the action itself.
 */
const handled = new WeakSet<CliContext>()

function subcommand(name: keyof typeof actions, description: string, args: ArgsDef) {
  return defineCommand({
    meta: { name, description },
    args,
    async run(context: CommandContext<ArgsDef>) {
      if (context.data === undefined) return
      const ctx = cliContext(context.data)
      handled.add(ctx)
      await actions[name](ctx, context.rawArgs)
    },
  })
}

/** `leadscore model`: check scoring models, print the JSON Schema of the format. */
export const modelCommand = defineCommand({
  meta: { name: 'model', description: help('help.model') },
  subCommands: {
    validate: subcommand('validate', help('help.model.validate'), validateArgs),
    schema: subcommand('schema', help('help.model.schema'), {}),
  },
  async run(context) {
    const ctx = cliContext(context.data)
    if (handled.has(ctx)) return
    const index = context.rawArgs.findIndex((arg) => !arg.startsWith('-'))
    const name = context.rawArgs[index]
    if (name !== 'validate' && name !== 'schema') {
      throw new CliError(
        { key: 'model.subcommand', values: { name: name ?? 'none' } },
        { hint: { key: 'model.subcommand.hint' }, exitCode: 2 },
      )
    }
    handled.add(ctx)
    await actions[name](ctx, [...context.rawArgs.slice(0, index), ...context.rawArgs.slice(index + 1)])
  },
})
