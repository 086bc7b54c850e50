import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'

const EXAMPLE = readFileSync(new URL('../../core/model/fixtures/example.yaml', import.meta.url), 'utf8')

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

let cwd = ''

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd, env: {} })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-model-'))
  writeFileSync(join(cwd, 'example.yaml'), EXAMPLE)
  writeFileSync(
    join(cwd, 'broken.yaml'),
    [
      'format: leadscore/v1',
      'id: broken',
      'fit:',
      '  max: 40',
      '  grades: { A: 10, B: 20 }',
      '  groups:',
      '    - id: who',
      '      rules:',
      '        - when: { job_title: manager }',
      '          pionts: 10',
      '',
    ].join('\n'),
  )
  writeFileSync(
    join(cwd, 'warned.yaml'),
    'format: leadscore/v1\nid: w\nfit:\n  max: 40\n  grades: { A: 10, B: 20 }\n  groups: []\n',
  )
  writeFileSync(
    join(cwd, 'model.json'),
    '{ "format": "leadscore/v1", "id": "j", "fit": { "max": 1, "groups": [] }, }',
  )
  mkdirSync(join(cwd, 'folder'))
})

describe('leadscore model validate', () => {
  it('accepts the complete example', async () => {
    expect(await run('model', 'validate', 'example.yaml')).toEqual({
      code: 0,
      stdout: 'example.yaml: 0 errors, 0 warnings\n',
      stderr: '',
    })
  })

  it('prints every issue at file:line:col with its hint, then a summary; exit code 1', async () => {
    const result = await run('model', 'validate', 'broken.yaml')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(
      [
        'broken.yaml:10:11 error fit.groups[0].rules[0].pionts: unknown key `pionts`',
        '  hint: did you mean `points`?',
        'broken.yaml: 1 error, 0 warnings',
        '',
      ].join('\n'),
    )
  })

  it('warnings alone do not fail', async () => {
    const result = await run('model', 'validate', 'warned.yaml')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^warned\.yaml:5:23 warning fit\.grades\.B: grade B needs 20 fit points/)
    expect(result.stdout).toMatch(/\nwarned\.yaml: 0 errors, 1 warning\n$/)
  })

  it('--json prints the issues as JSON, and still sets the exit code', async () => {
    const result = await run('model', 'validate', 'broken.yaml', '--json')
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual({
      file: 'broken.yaml',
      valid: false,
      errors: 1,
      warnings: 0,
      issues: [
        {
          severity: 'error',
          code: 'unknown-key',
          path: 'fit.groups[0].rules[0].pionts',
          line: 10,
          column: 11,
          message: 'unknown key `pionts`',
          hint: 'did you mean `points`?',
          params: { key: 'pionts', suggestion: 'points' },
          hintKey: 'hint.did-you-mean',
        },
      ],
    })
    const flagFirst = await run('model', '--json', 'validate', 'example.yaml')
    expect(flagFirst.code).toBe(0)
    expect(JSON.parse(flagFirst.stdout)).toMatchObject({ valid: true, issues: [] })
  })

  it('reads JSON models strictly', async () => {
    const result = await run('model', 'validate', 'model.json')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'model.json:1:75 error: invalid JSON: expected double-quoted property name',
    )
  })

  it('a missing file is an error with a hint, not a stack trace', async () => {
    expect(await run('model', 'validate', 'nope.yaml')).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot read nope.yaml: no such file\nhint: check the path of the model file; a relative path starts from ${cwd}\n`,
    })
    expect((await run('model', 'validate', 'folder')).stderr).toBe(
      'error: cannot read folder: it is a directory\nhint: give the path of the model file\n',
    )
  })

  it('asks for the file when it is missing', async () => {
    expect(await run('model', 'validate')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: missing the model file\nhint: run `leadscore model validate model.yaml`\n',
    })
  })
})

describe('leadscore model', () => {
  it('schema prints the JSON Schema of the format', async () => {
    const result = await run('model', 'schema')
    expect(result.code).toBe(0)
    const schema = JSON.parse(result.stdout)
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Leadscore scoring model (leadscore/v1)',
      required: ['format', 'id'],
    })
  })

  it('without a subcommand, says what to run', async () => {
    expect(await run('model')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: missing subcommand\nhint: run `leadscore model validate <file>` or `leadscore model schema`\n',
    })
  })

  it('has help', async () => {
    const result = await run('model', 'validate', '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--json')
  })
})
