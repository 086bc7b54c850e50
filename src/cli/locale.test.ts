import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from './main.js'
import { sink } from './test-support/run-cli.js'

let cwd = ''

async function run(env: Record<string, string>, ...argv: string[]) {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd, env })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

const BROKEN = [
  'format: leadscore/v1',
  'id: broken',
  'fit:',
  '  max: 40',
  '  groups:',
  '    - id: who',
  '      rules:',
  '        - { when: { title: vp }, pionts: 10 }',
  '',
].join('\n')

const MODEL = [
  'format: leadscore/v1',
  'id: small',
  'fit:',
  '  max: 40',
  '  groups:',
  '    - id: who',
  '      rules:',
  '        - { id: vp, when: { title: vp }, points: 10 }',
  'bands:',
  '  - { id: hot, label: { en: Hot, es: Caliente, nl: Heet }, when: { score.total: { gte: 10 } } }',
  '  - { id: cold }',
  '',
].join('\n')

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-lang-'))
  writeFileSync(join(cwd, 'broken.yaml'), BROKEN)
  writeFileSync(join(cwd, 'model.yaml'), MODEL)
  const rows = [
    'contact_id,title',
    ...Array.from({ length: 1234 }, (_, i) => `c${i},${i % 2 ? 'vp' : 'intern'}`),
  ]
  writeFileSync(join(cwd, 'contacts.csv'), `${rows.join('\n')}\n`)
})

describe('the CLI in the user language', () => {
  it('--lang, else LEADSCORE_LANG, else LC_ALL / LC_MESSAGES / LANG, else English', async () => {
    const said = async (env: Record<string, string>, ...flags: string[]) =>
      (await run(env, 'model', 'validate', 'broken.yaml', ...flags)).stdout.split('\n')[0]
    const es = 'broken.yaml:8:34 error fit.groups[0].rules[0].pionts: clave desconocida `pionts`'
    const nl = 'broken.yaml:8:34 fout fit.groups[0].rules[0].pionts: onbekende sleutel `pionts`'
    const en = 'broken.yaml:8:34 error fit.groups[0].rules[0].pionts: unknown key `pionts`'
    expect(await said({}, '--lang', 'es')).toBe(es)
    expect(await said({ LEADSCORE_LANG: 'es' }, '--lang=nl')).toBe(nl)
    expect(await said({ LEADSCORE_LANG: 'nl', LANG: 'es_ES.UTF-8' })).toBe(nl)
    expect(await said({ LC_ALL: 'C', LC_MESSAGES: 'nl_BE.UTF-8', LANG: 'es_ES.UTF-8' })).toBe(nl)
    expect(await said({ LANG: 'es_MX.UTF-8' })).toBe(es)
    expect(await said({ LANG: 'fr_FR.UTF-8' })).toBe(en)
    expect(await said({})).toBe(en)
  })

  it('model validate: issues, hints and the summary in Spanish and Dutch; the exit code stays', async () => {
    const es = await run({}, '--lang', 'es', 'model', 'validate', 'broken.yaml')
    expect(es.code).toBe(1)
    expect(es.stdout).toBe(
      'broken.yaml:8:34 error fit.groups[0].rules[0].pionts: clave desconocida `pionts`\n' +
        '  sugerencia: ¿querías decir `points`?\n' +
        'broken.yaml: 1 error, 0 avisos\n',
    )
    const nl = await run({ LEADSCORE_LANG: 'nl' }, 'model', 'validate', 'broken.yaml')
    expect(nl.stdout).toContain('  tip: bedoel je `points`?\n')
    expect(nl.stdout).toContain('broken.yaml: 1 fout, 0 waarschuwingen\n')
  })

  it('--json output is the same in every language', async () => {
    const outputs = await Promise.all(
      ['en', 'es', 'nl'].map(
        async (lang) => (await run({}, 'model', 'validate', 'broken.yaml', '--json', '--lang', lang)).stdout,
      ),
    )
    expect(outputs[1]).toBe(outputs[0])
    expect(outputs[2]).toBe(outputs[0])
    expect(JSON.parse(outputs[0]!).issues[0].message).toBe('unknown key `pionts`')
  })

  // Spanish groups thousands from 10 000 on (1234, 12.345), Dutch from 1000 (1.234): CLDR, as Intl has it
  it('score: the summary with the numbers and the date of the language; the CSV is the same', async () => {
    const argv = [
      'score',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--as-of',
      '2026-11-02T10:00:00Z',
    ]
    const [en, es, nl] = await Promise.all([
      run({}, ...argv),
      run({ LANG: 'es_ES' }, ...argv),
      run({ LANG: 'nl_NL' }, ...argv),
    ])
    expect(en.stderr).toMatch(
      /^scored 1,234 contacts from 0 events as of 2026-11-02T10:00:00.000Z in \d+\.\d\d s/,
    )
    expect(es.stderr).toMatch(
      /^1234 contactos puntuados a partir de 0 eventos a fecha de 2 nov 2026, 10:00:00 UTC en \d+,\d\d s \(lectura/,
    )
    expect(nl.stderr).toMatch(
      /^1\.234 contacten gescoord uit 0 events per 2 nov 2026, 10:00:00 UTC in \d+,\d\d s \(lezen/,
    )
    expect(es.stdout).toBe(en.stdout)
    expect(nl.stdout).toBe(en.stdout)
    expect(en.stdout.split('\n')[0]).toMatch(/^contact_id,fit,engagement,total/)
  })

  it('help: commands and flags described in the language', async () => {
    const root = await run({}, '--lang', 'es', '--help')
    expect(root.stdout).toContain('Puntuación de leads que explica cada punto')
    expect(root.stdout).toContain('COMANDOS')
    expect(root.stdout).toContain('Revisa modelos de puntuación y muestra el JSON Schema del formato')
    const score = await run({ LEADSCORE_LANG: 'nl' }, 'score', '--help')
    expect(score.stdout).toContain('GEBRUIK')
    expect(score.stdout).toContain('Het scoremodel (YAML of JSON) (Verplicht)')
    expect(score.stdout).toContain('Schrijf de scores hierheen')
    expect(score.stdout).not.toContain('The scoring model')
  })

  it('errors and their hints in the language, with the same exit code', async () => {
    const missing = await run({}, '--lang', 'nl', 'model', 'validate', 'nowhere.yaml')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      `fout: kan nowhere.yaml niet lezen: het bestand bestaat niet\ntip: controleer het pad van het modelbestand; een relatief pad begint bij ${cwd}\n`,
    )
    const format = await run(
      {},
      '--lang',
      'es',
      'score',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--out',
      'x.txt',
    )
    expect(format.stderr).toBe(
      'error: no se sabe el formato de salida de x.txt\nsugerencia: nombra el archivo .csv, .json o .ndjson (opcionalmente .gz), o usa --format\n',
    )
    const lang = await run({}, '--lang', 'fr', 'model', 'validate', 'broken.yaml')
    expect(lang.code).toBe(2)
    expect(lang.stderr).toBe(
      'error: Leadscore does not speak fr\nhint: use --lang with one of en, es, nl (or set LEADSCORE_LANG)\n',
    )
  })

  it('explain: the ledger in the language, with the model labels of bands', async () => {
    const argv = [
      'explain',
      '--model',
      'model.yaml',
      '--contacts',
      'contacts.csv',
      '--id',
      'c1',
      '--as-of',
      '2026-11-02T10:00:00Z',
    ]
    const en = await run({}, ...argv)
    expect(en.stdout).toContain('c1: 10 points as of 2026-11-02T10:00:00.000Z (model small)')
    expect(en.stdout).toContain('band hot')
    expect(en.stdout).toContain('FIT 10 (range 0 to 40)')
    const nl = await run({}, '--lang', 'nl', ...argv)
    expect(nl.stdout).toContain('c1: 10 punten per 2 nov 2026, 10:00:00 UTC (model small)')
    expect(nl.stdout).toContain('categorie Heet [hot]')
    expect(nl.stdout).toContain('PROFIEL 10 (bereik 0 tot 40)')
    expect(nl.stdout).toContain('  segmenten: (geen)')
    const es = await run({}, '--lang', 'es', ...argv)
    expect(es.stdout).toContain('categoría Caliente [hot]')
    expect(es.stdout).toContain('INTERACCIÓN 0 (rango de 0 a 0)')
  })
})
