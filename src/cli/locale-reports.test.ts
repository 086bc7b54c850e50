/**
 * The reports and long-running commands in Spanish and Dutch: `serve`'s banner, `train`,
 * `predictive`, `analyze`, `webhooks list` and the bad rows of the readers show no English of the
 * CLI's catalogs, and their `--json` and CSV output is the same in every language.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { T0 } from '../analysis/test-support/planted.js'
import { DAY_MS } from '../core/input.js'
import { createEngine, seedDemoWorkspace, systemClock } from '../engine/index.js'
import { cliTranslator } from '../i18n/cli.js'
import { LOCALES } from '../i18n/locale.js'
import { syntheticLeads, tableCsv } from '../predict/test-support/synthetic.js'
import { exited, startServer } from '../server/test-support/serve-process.js'
import { openSqliteStore } from '../store/index.js'
import { main } from './main.js'
import { bannerLines, servingUrl } from './serve-banner.js'
import { englishIn } from './test-support/english-left.js'
import { writePlantedFiles } from './test-support/planted-files.js'
import { sink } from './test-support/run-cli.js'

const OTHERS = ['es', 'nl'] as const
let cwd = ''

async function run(lang: string, ...argv: string[]) {
  const stdout = sink()
  const stderr = sink()
  const code = await main(['--lang', lang, ...argv], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    cwd,
    env: {},
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** The command in English, Spanish and Dutch. */
const inEvery = (...argv: string[]) => Promise.all(LOCALES.map((lang) => run(lang, ...argv)))

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'leadscore-locale-reports-'))
  writePlantedFiles(cwd, 1500)
  writeFileSync(join(cwd, 'leads.csv'), tableCsv(syntheticLeads(300, 5).table))
  writeFileSync(join(cwd, 'bad.csv'), 'contact_id,plan\nc1,pro,extra\n,free\nc3,"pro"x\n{"a":1}\n')
  writeFileSync(join(cwd, 'bad.ndjson'), '{"contact_id": "c1"\n[1]\n{"plan": "pro"}\n{"contact_id": true}\n')
})

afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('leadscore serve in the language', () => {
  const url = 'http://127.0.0.1:4400'
  const banner = (lang: (typeof LOCALES)[number], fresh: boolean) =>
    bannerLines(cliTranslator(lang), {
      version: '0.1.0',
      url,
      database: 'leadscore.db',
      dialect: 'sqlite',
      ...(fresh
        ? {
            firstStart: {
              adminKey: 'lsk_a_admin',
              writeKey: 'lsk_w_write',
              demo: { contacts: 2000, accounts: 384, events: 36_130 },
            },
          }
        : {}),
    }).join('\n')

  it('says the banner of a first start and of a restart in Spanish and Dutch', () => {
    for (const lang of OTHERS) {
      for (const fresh of [true, false]) expect(englishIn(banner(lang, fresh), lang)).toEqual([])
    }
    expect(banner('es', true)).toContain('Leadscore 0.1.0 está en marcha en http://127.0.0.1:4400')
    expect(banner('es', true)).toContain('2000 contactos, 384 cuentas, 36.130 eventos')
    expect(banner('nl', false)).toContain('Leadscore 0.1.0 draait op http://127.0.0.1:4400')
    expect(banner('en', true)).toContain('Leadscore 0.1.0 is running at http://127.0.0.1:4400')
  })

  it('has the address on a line programs find in every language', () => {
    for (const lang of LOCALES)
      for (const fresh of [true, false]) expect(servingUrl(banner(lang, fresh))).toBe(url)
    expect(servingUrl('{"level":"info","msg":"listening","url":"http://127.0.0.1:1"}\n')).toBeUndefined()
    expect(servingUrl('Leadscore 0.1.0 is running at http://[::1]:4400\n')).toBe('http://[::1]:4400')
  })

  it('a real server started in Dutch is found by the test harness', async () => {
    const server = await startServer(join(cwd, 'serve.db'), { LEADSCORE_LANG: 'nl' })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const said = server
        .log()
        .split('\n')
        .filter((line) => !line.startsWith('{'))
        .join('\n')
      expect(said).toContain(`draait op ${server.url}`)
      expect(said).toContain('beheerderssleutel (API en dashboard): process-admin-key')
      expect(englishIn(said, 'nl')).toEqual([])
    } finally {
      server.proc.kill('SIGTERM')
      await exited(server.proc)
    }
  }, 60_000)
})

describe('leadscore train and predictive in the language', () => {
  it('train: the evaluation in Spanish and Dutch, the JSON the same in every language', async () => {
    const argv = ['train', '--data', 'leads.csv', '--label', 'converted', '--id', 'lead_id', '--cv', '3']
    for (const lang of OTHERS) {
      const r = await run(lang, ...argv)
      expect(r.code).toBe(0)
      expect(englishIn(r.stdout, lang)).toEqual([])
      expect(englishIn(r.stderr, lang)).toEqual([])
    }
    const es = await run('es', ...argv)
    expect(es.stdout).toMatch(
      /^(logistic|gbdt) entrenado con 300 leads de leads\.csv \(\d+ convertidos, \d+,\d\u00a0%\)/,
    )
    expect(es.stdout).toContain('\n  [few-leads] ')
    expect(es.stderr).toContain('entrenamiento: validación cruzada de gbdt: partición 3 de 3')
    const json = await inEvery(...argv, '--json')
    const same = json.map((r) => JSON.stringify({ ...JSON.parse(r.stdout), seconds: 0 }))
    expect(same[1]).toBe(same[0])
    expect(same[2]).toBe(same[0])
  }, 120_000)

  it('train: refusals of the data and the options in Spanish and Dutch, English in English', async () => {
    writeFileSync(join(cwd, 'two.csv'), 'id,a,converted,when\n1,x,1,soon\n2,y,0,later\n')
    const cases = [
      ['--label', 'nope'],
      ['--label', 'converted', '--positive', '7'],
      ['--label', 'converted', '--exclude', 'zz'],
      ['--label', 'converted', '--id', 'zz'],
      ['--label', 'converted', '--time', 'zz'],
      ['--label', 'a'],
    ]
    for (const args of cases) {
      const english = await run('en', 'train', '--data', 'two.csv', ...args)
      expect(english.code).toBe(1)
      for (const lang of OTHERS) {
        const r = await run(lang, 'train', '--data', 'two.csv', ...args)
        expect(r.code).toBe(1)
        // the English sentence of the refusal is nowhere in the translation
        const sentence = english.stderr.split('\n')[0]!.replace(/^error: /, '')
        expect(r.stderr, `${lang} ${args.join(' ')}`).not.toContain(sentence)
        expect(englishIn(r.stderr, lang)).toEqual([])
      }
    }
  })

  it('predictive: train, list, show, activate and refresh in Dutch; list --json the same', async () => {
    const db = join(cwd, 'predictive.db')
    const store = await openSqliteStore({ path: db })
    const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
    await seedDemoWorkspace(engine, { contacts: 300, outcome: true })
    await engine.close()
    await store.close()
    const trained = await run(
      'nl',
      'predictive',
      'train',
      '--db',
      db,
      '--outcome',
      'property=converted',
      '--learner',
      'logistic',
      '--cv',
      '3',
    )
    expect(trained.code).toBe(0)
    expect(trained.stdout).toMatch(/^conversions versie 1 \(actief\): logistic, getraind op /)
    expect(trained.stdout).toContain('[untimed-outcomes] ')
    expect(trained.stdout).toContain('versie 1 getraind en 300 contacten voorspeld')
    for (const r of [
      trained,
      await run('nl', 'predictive', 'list', '--db', db),
      await run('es', 'predictive', 'show', '--db', db),
      await run('es', 'predictive', 'activate', 'conversions', '1', '--db', db),
      await run('nl', 'predictive', 'refresh', '--db', db),
    ]) {
      const lang =
        r === trained ? 'nl' : r.stdout.includes('versión') || r.stderr.includes('predich') ? 'es' : 'nl'
      expect(englishIn(r.stdout + r.stderr, lang)).toEqual([])
    }
    const json = await inEvery('predictive', 'list', '--db', db, '--json')
    expect(json[1]!.stdout).toBe(json[0]!.stdout)
    expect(json[2]!.stdout).toBe(json[0]!.stdout)
  }, 120_000)
})

describe('leadscore analyze in the language', () => {
  const FILES = ['--contacts', 'contacts.csv', '--events', 'events.csv', '--outcome', 'event=Deal Won']
  const AS_OF = new Date(T0 + 60 * DAY_MS).toISOString()
  const COMMANDS: Record<string, string[]> = {
    signals: ['analyze', 'signals', ...FILES, '--model', 'good.yaml', '--top', '8'],
    backtest: ['analyze', 'backtest', '--model', 'good.yaml', ...FILES, '--as-of', AS_OF, '--days', '30'],
    compare: [
      'analyze',
      'backtest',
      '--model',
      'good.yaml',
      '--compare',
      'noise.yaml',
      ...FILES,
      '--as-of',
      AS_OF,
    ],
    weekly: ['analyze', 'backtest', '--model', 'good.yaml', ...FILES, '--as-of', AS_OF, '--weekly', '3'],
    threshold: [
      'analyze',
      'threshold',
      '--model',
      'good.yaml',
      ...FILES,
      '--capacity',
      '40',
      '--weeks',
      '4',
      '--as-of',
      AS_OF,
    ],
    drift: [
      'analyze',
      'drift',
      '--model',
      'good.yaml',
      ...FILES,
      '--from',
      '2026-02-01',
      '--to',
      '2026-04-01',
    ],
    suggest: ['analyze', 'suggest', '--model', 'noise.yaml', ...FILES, '--as-of', AS_OF, '--days', '30'],
  }

  it.each(Object.keys(COMMANDS))(
    '%s: the report in Spanish and Dutch, JSON and CSV the same',
    async (name) => {
      const argv = COMMANDS[name]!
      for (const lang of OTHERS) {
        const r = await run(lang, ...argv)
        expect(r.code).toBe(0)
        expect(englishIn(r.stdout, lang)).toEqual([])
        expect(englishIn(r.stderr, lang)).toEqual([])
      }
      for (const format of ['--json', '--csv']) {
        const out = await inEvery(...argv, format)
        expect(out[0]!.code).toBe(0)
        expect(out[1]!.stdout).toBe(out[0]!.stdout)
        expect(out[2]!.stdout).toBe(out[0]!.stdout)
      }
    },
    120_000,
  )

  it('says the numbers and dates the local way', async () => {
    const es = await run('es', ...COMMANDS['backtest']!)
    expect(es.stdout).toMatch(
      /^backtest de good a fecha de \d+ \w+ 2026, conversiones \(event=Deal Won\) en 30 días\n/,
    )
    expect(es.stdout).toMatch(/\d+,\d\u00a0%/)
    const nl = await run('nl', ...COMMANDS['drift']!)
    expect(nl.stdout).toContain('conversie per categorie')
    expect(nl.stdout).toMatch(/apr 2026 \(onvolledig\)/)
  }, 60_000)

  it('errors in the language', async () => {
    const r = await run('es', 'analyze', 'threshold', '--model', 'good.yaml', ...FILES, '--capacity', 'lots')
    expect(r.stderr).toBe(
      'error: --capacity lots no es un número de leads mayor que 0\nsugerencia: p. ej. --capacity 150 (leads por semana)\n',
    )
    const usage = await run('es', 'train', '--data', 'leads.csv')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toBe(
      'error: falta --label\nsugerencia: ejecuta `leadscore train --help` para ver cómo se usa\n',
    )
    const unknown = await run('nl', 'analyse')
    expect(unknown.stderr).toBe(
      'fout: onbekend commando: analyse\ntip: voer `leadscore --help` uit voor het gebruik\n',
    )
    const outcome = await run('nl', 'analyze', 'signals', '--contacts', 'contacts.csv', '--outcome', 'won')
    expect(outcome.stderr).toContain('"won" is geen uitkomst')
  })
})

describe('bad rows and webhooks in the language', () => {
  it('says each bad row in Spanish and Dutch, in strict mode too', async () => {
    for (const lang of OTHERS) {
      for (const file of ['bad.csv', 'bad.ndjson']) {
        const r = await run(lang, 'score', '--model', 'good.yaml', '--contacts', file)
        expect(r.stderr.split('\n').filter((l) => l.startsWith(`  ${join(cwd, file)}:`)).length).toBe(4)
        expect(englishIn(r.stderr, lang)).toEqual([])
        const strict = await run(lang, 'score', '--model', 'good.yaml', '--contacts', file, '--strict')
        expect(strict.code).toBe(1)
        expect(englishIn(strict.stderr, lang)).toEqual([])
      }
    }
    const es = await run('es', 'score', '--model', 'good.yaml', '--contacts', 'bad.csv')
    expect(es.stderr).toContain(`  ${join(cwd, 'bad.csv')}:2: 3 campos cuando la cabecera tiene 2 columnas; `)
    expect(es.stderr).toContain(
      `  ${join(cwd, 'bad.csv')}:3: id de contacto vacío en la columna "contact_id"; rellénalo o elimina la fila\n`,
    )
    const nl = await run('nl', 'score', '--model', 'good.yaml', '--contacts', 'bad.ndjson')
    expect(nl.stderr).toContain(
      `  ${join(cwd, 'bad.ndjson')}:3: geen contact-id ("contact_id" of "id"); geef elke regel een contact-id\n`,
    )
    const missing = await run('nl', 'score', '--model', 'good.yaml', '--contacts', 'nowhere.csv')
    expect(missing.stderr).toBe(
      `fout: ${join(cwd, 'nowhere.csv')}: het bestand bestaat niet\ntip: controleer het pad\n`,
    )
  })

  it('import: a row the service refuses, with its reason in the language', async () => {
    const big = 'x'.repeat(40 * 1024)
    writeFileSync(
      join(cwd, 'import.csv'),
      `contact_id,event,timestamp,note\nc1,Demo,2026-03-01T10:00:00Z,short\nc2,Demo,2026-03-01T10:00:00Z,${big}\n`,
    )
    const db = ['--db', join(cwd, 'import.db')]
    const es = await run('es', 'import', 'events', 'import.csv', ...db)
    expect(es.code).toBe(0)
    expect(es.stderr).toContain(
      '  import.csv:3: el mensaje ocupa 41 KB; el límite es de 32 KB por mensaje (envía menos propiedades); corrige la fila y vuelve a importar el archivo\n',
    )
    expect(englishIn(es.stderr, 'es')).toEqual([])
    const nl = await run('nl', 'import', 'events', 'import.csv', ...db, '--strict')
    expect(nl.code).toBe(1)
    expect(nl.stderr).toMatch(/^fout: import\.csv:3: het bericht is 41 KB; /)
  })

  it('webhooks list: statuses and headers in Spanish and Dutch, the JSON the same', async () => {
    const db = ['--db', join(cwd, 'hooks.db')]
    const added = await run(
      'en',
      'webhooks',
      'add',
      'https://crm.example.com/hooks',
      '--on',
      'mql.reached',
      ...db,
    )
    expect(added.code).toBe(0)
    const id = /created webhook (wh_[0-9a-f]+)/.exec(added.stderr)![1]!
    await run('en', 'webhooks', 'pause', id, ...db)
    const es = await run('es', 'webhooks', 'list', ...db)
    expect(es.stdout).toMatch(/^id +estado +URL +eventos +filtro +entregas\n/)
    expect(es.stdout).toMatch(
      new RegExp(
        `${id} +en pausa +https://crm\\.example\\.com/hooks +mql\\.reached +0 pendientes, 0 fallidas\\n$`,
      ),
    )
    for (const lang of OTHERS) {
      const r = await run(lang, 'webhooks', 'list', ...db)
      expect(englishIn(r.stdout, lang)).toEqual([])
      const paused = await run(lang, 'webhooks', 'resume', id, ...db)
      expect(englishIn(paused.stderr, lang)).toEqual([])
    }
    const json = await inEvery('webhooks', 'list', ...db, '--json')
    expect(json[1]!.stdout).toBe(json[0]!.stdout)
    expect(json[2]!.stdout).toBe(json[0]!.stdout)
  })
})
