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
import { CliError, cliContext } from '../context.js'
import { displayPath } from '../paths.js'

/** The shipped examples folder (the same depth from src/ and dist/). */
export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples')

export const initCommand = defineCommand({
  meta: { name: 'init', description: 'Write a scoring model to start from (leadscore.yaml) in DIR' },
  args: {
    dir: {
      type: 'positional',
      description: 'Where to write it (default: the current directory)',
      required: false,
    },
    force: { type: 'boolean', description: 'Overwrite an existing leadscore.yaml' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const dir = resolve(ctx.cwd, args.dir ?? '.')
    const modelPath = join(dir, 'leadscore.yaml')
    const schemaPath = join(dir, 'leadscore.schema.json')
    if (!args.force && (await exists(modelPath))) {
      throw new CliError(`${displayPath(ctx.cwd, modelPath)} already exists`, {
        hint: 'use --force to overwrite it, or give another directory',
      })
    }
    const template = await readFile(join(EXAMPLES_DIR, 'b2b-saas.yaml'), 'utf8')
    await mkdir(dir, { recursive: true })
    const header = '# yaml-language-server: $schema=./leadscore.schema.json\n'
    await writeFile(modelPath, template.startsWith('# yaml-language-server') ? template : header + template)
    await writeFile(schemaPath, `${JSON.stringify(modelJsonSchema(), null, 2)}\n`)
    const shown = displayPath(ctx.cwd, modelPath)
    ctx.stdout.write(
      [
        `wrote ${shown} (the default B2B model) and ${displayPath(ctx.cwd, schemaPath)} (for editor completion)`,
        '',
        'next:',
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
