/**
 * `leadscore init [DIR]`: writes a model to start from (the default B2B model) and the
 * format's JSON Schema beside it, for completion in editors.
 * @module
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineCommand } from 'citty'
import { modelJsonSchema } from '../../core/model/index.js'
import { CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { displayPath } from '../paths.js'

/** The shipped examples folder (the same depth from src/ and dist/). */
export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples')

export const initCommand = defineCommand({
  meta: { name: 'init', description: help('help.init') },
  args: {
    dir: {
      type: 'positional',
      description: help('help.init.dir'),
      required: false,
    },
    force: { type: 'boolean', description: help('help.init.force') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const dir = resolve(ctx.cwd, args.dir ?? '.')
    const modelPath = join(dir, 'leadscore.yaml')
    const schemaPath = join(dir, 'leadscore.schema.json')
    if (!args.force && (await exists(modelPath))) {
      throw new CliError(
        { key: 'init.exists', values: { path: displayPath(ctx.cwd, modelPath) } },
        { hint: { key: 'init.exists.hint' } },
      )
    }
    const template = await readFile(join(EXAMPLES_DIR, 'b2b-saas.yaml'), 'utf8')
    await mkdir(dir, { recursive: true })
    const header = '# yaml-language-server: $schema=./leadscore.schema.json\n'
    await writeFile(modelPath, template.startsWith('# yaml-language-server') ? template : header + template)
    await writeFile(schemaPath, `${JSON.stringify(modelJsonSchema(), null, 2)}\n`)
    const shown = displayPath(ctx.cwd, modelPath)
    const t = textOf(ctx)
    ctx.stdout.write(
      [
        t.t('init.wrote', { model: shown, schema: displayPath(ctx.cwd, schemaPath) }),
        '',
        t.t('init.next'),
        `  leadscore model validate ${shown}`,
        `  leadscore score --model ${shown} --contacts contacts.csv --events events.csv --out scores.csv`,
        '',
      ].join('\n'),
    )
  },
})

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
