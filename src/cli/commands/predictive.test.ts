import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, seedDemoWorkspace, systemClock } from '../../engine/index.js'
import { openSqliteStore } from '../../store/index.js'
import { main } from '../main.js'
import { sink } from '../test-support/run-cli.js'
import { parseInterval } from './predictive-interval.js'

async function run(cwd: string, ...argv: string[]) {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, cwd, env: {} })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('leadscore predictive', () => {
  it('trains from the database, lists and shows versions, activates one, and explains failures', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'leadscore-predictive-cli-'))
    dirs.push(cwd)
    const store = await openSqliteStore({ path: join(cwd, 'leadscore.db') })
    const engine = await createEngine({ store, clock: systemClock, tickIntervalMs: 0, webhooks: false })
    await seedDemoWorkspace(engine, { contacts: 300, outcome: true })
    await engine.close()
    await store.close()

    expect((await run(cwd, 'predictive', 'list')).stderr).toMatch(/no predictive model yet/)
    const bad = await run(cwd, 'predictive', 'train', '--outcome', 'converted')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/not an outcome: write stage=customer/)
    const none = await run(cwd, 'predictive', 'train', '--outcome', 'stage=customer')
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/the training failed: .*nothing to learn/)

    const train = [
      'predictive',
      'train',
      '--outcome',
      'property=converted',
      '--learner',
      'logistic',
      '--cv',
      '3',
    ]
    const trained = await run(cwd, ...train)
    expect(trained.code).toBe(0)
    expect(trained.stdout).toMatch(/^conversions version 1 \(active\): logistic/)
    expect(trained.stdout).toMatch(/cross-validation \(3 stratified folds, seed 0\): AUC 0\.\d{4}/)
    expect(trained.stdout).toMatch(/lift by decile/)
    expect(trained.stdout).toMatch(/\[untimed-outcomes\]/)
    expect(trained.stdout).toMatch(/predicted 300 contacts/)

    const json = await run(cwd, ...train, '--no-activate', '--json')
    const parsed = JSON.parse(json.stdout)
    expect(parsed.job).toMatchObject({ status: 'succeeded', modelVersion: 2, trigger: 'cli' })
    expect(parsed.model).toMatchObject({ version: 2, active: false })

    const list = await run(cwd, 'predictive', 'list')
    expect(list.stdout).toMatch(/conversions\s+1\s+yes .*property=converted\s+300/)
    expect(list.stdout).toMatch(/conversions\s+2\s+\d{4}-/)
    expect((await run(cwd, 'predictive', 'show')).stdout).toMatch(/^conversions version 1 \(active\)/)
    expect((await run(cwd, 'predictive', 'show', 'conversions', '--version', '2')).stdout).toMatch(
      /version 2:/,
    )
    const missing = await run(cwd, 'predictive', 'show', 'renewals')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/has no active version/)

    const activated = await run(cwd, 'predictive', 'activate', 'conversions', '2')
    expect(activated.stderr).toMatch(/conversions version 2 is active; 300 contacts predicted/)
    expect((await run(cwd, 'predictive', 'refresh')).stderr).toMatch(/^0 contacts predicted/)
  }, 120_000)

  it('reads durations for --retrain-every', () => {
    expect(parseInterval('7d', '--retrain-every')).toBe(7 * 86_400_000)
    expect(parseInterval('12h', 'x')).toBe(12 * 3_600_000)
    expect(parseInterval('1m', 'x')).toBe(60_000)
    const refused = (text: string) => {
      try {
        parseInterval(text, '--retrain-every')
      } catch (error) {
        return `${(error as Error).message}; ${(error as { hint?: string }).hint}`
      }
      return 'accepted'
    }
    expect(refused('30s')).toBe(
      '--retrain-every is "30s"; give a duration of at least a minute: 30m, 12h, 7d or 2w',
    )
    expect(refused('0.5m')).toMatch(/at least a minute/)
    expect(refused('weekly')).toMatch(/^--retrain-every is "weekly"/)
  })
})
