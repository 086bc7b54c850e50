/**
 * `npm run bench:score`: Leadscore's batch scoring on the benchmark data.
 *
 *   npx tsx bench/score.bench.ts [--dir bench/out] [--model bench/model.yaml] [--as-of 2026-11-01T00:00:00Z] [--runs 5] [--skip-cli] [--cli dist/cli/bin.js]
 *
 * Measures, in one run:
 * - end to end: `node dist/cli/bin.js score` (read the CSV files, score, write a CSV) in a
 *   child process: wall time and peak memory (max RSS); `--skip-cli` leaves it out;
 * - rescoring in memory: the events already loaded as columns (what a model-edit preview
 *   needs), `scoreColumns` over every contact, medians of `--runs` (wall and CPU time): cold (nothing cached),
 *   with a `ScoreCache` and the same model, and with the cache after a one-rule edit (the
 *   points of one engagement rule change, as an editor previewing edit after edit does, each
 *   preview's scores written over the last one's: `reuse`).
 * Generate the data first: npx tsx bench/generate-data.ts --contacts 1000000 --seed 1 --out bench/out/
 */
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { BadRows } from '../src/cli/bad-rows.js'
import type { CliContext } from '../src/cli/context.js'
import { loadInputs } from '../src/cli/load-inputs.js'
import { loadModelFile } from '../src/cli/model-file.js'
import { ScoreCache, scoreColumns } from '../src/core/columnar/index.js'
import { type CompiledModel, compileModel } from '../src/core/compile.js'

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/out' },
    model: { type: 'string', default: 'bench/model.yaml' },
    'as-of': { type: 'string', default: '2026-11-01T00:00:00Z' },
    runs: { type: 'string', default: '5' },
    'skip-cli': { type: 'boolean', default: false },
    cli: { type: 'string', default: 'dist/cli/bin.js' },
  },
})
const dir = resolve(values.dir!)
const files = {
  contacts: join(dir, 'contacts.csv'),
  events: join(dir, 'events.csv'),
  accounts: join(dir, 'accounts.csv'),
}
for (const f of Object.values(files)) {
  if (!existsSync(f)) {
    console.error(
      `missing ${f}: generate the data first:\n  npx tsx bench/generate-data.ts --contacts 1000000 --seed 1 --out ${values.dir}/`,
    )
    process.exit(1)
  }
}
if (!values['skip-cli'] && !existsSync(values.cli!)) {
  console.error(`missing ${values.cli}: run \`npm run build\` first`)
  process.exit(1)
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
console.log(`command: npx tsx bench/score.bench.ts ${process.argv.slice(2).join(' ')}`)
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${mb(totalmem())} memory, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `data: ${Object.entries(files)
    .map(([k, f]) => `${k} ${mb(statSync(f).size)}`)
    .join(', ')}; model ${values.model}; as of ${values['as-of']}`,
)

if (!values['skip-cli']) endToEnd()

function endToEnd(): void {
  // end to end, in a child process, measured by /usr/bin/time when the machine has it
  const args = [
    '--max-semi-space-size=64',
    values.cli!,
    'score',
    '--model',
    values.model!,
    '--contacts',
    files.contacts,
    '--events',
    files.events,
    '--accounts',
    files.accounts,
    '--as-of',
    values['as-of']!,
    '--out',
    join(dir, 'leadscore-scores.csv'),
  ]
  const timed = existsSync('/usr/bin/time')
  const started = performance.now()
  const child = timed
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M cpu_s=%U+%S', process.execPath, ...args], {
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8' })
  const wall = (performance.now() - started) / 1000
  if (child.status !== 0) {
    console.error(child.stderr)
    process.exit(1)
  }
  const summary = child.stderr.split('\n').find((l) => l.startsWith('scored')) ?? ''
  const rss = /maxrss_kb=(\d+)/.exec(child.stderr)?.[1]
  const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(child.stderr)
  console.log(
    `\nend to end (leadscore score): ${wall.toFixed(2)} s wall${cpu ? `, ${(Number(cpu[1]) + Number(cpu[2])).toFixed(2)} s CPU` : ''}${rss ? `, peak memory ${mb(Number(rss) * 1024)}` : ''}; load after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log(`  ${summary}`)
}

// rescoring with the events in memory
const sink = new Writable({ write: (_c, _e, done) => done() })
const ctx: CliContext = {
  stdout: sink,
  stderr: sink,
  cwd: process.cwd(),
  env: process.env,
  exitCode: 0,
  command: 'bench',
}
const model = await loadModelFile(ctx, values.model!)
const loadStart = performance.now()
const inputs = await loadInputs(ctx, model, { ...files, strict: false }, new BadRows())
console.log(
  `\nloaded ${inputs.contacts.length.toLocaleString('en-US')} contacts and ${inputs.events.length.toLocaleString('en-US')} events in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
)
const asOf = Date.parse(values['as-of']!)
const runs = Number(values.runs)
const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!
// wall and CPU time (process.cpuUsage: every thread of the process, the collector's too) of each run;
// on a machine shared with other work the CPU time is the steadier figure
const measure = (label: string, score: (run: number) => void) => {
  const times: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < runs; r++) {
    const used = process.cpuUsage()
    const t = performance.now()
    score(r)
    times.push((performance.now() - t) / 1000)
    const { user, system } = process.cpuUsage(used)
    cpu.push((user + system) / 1e6)
  }
  const list = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(', ')
  console.log(
    `${label}: median ${median(times).toFixed(3)} s wall, ${median(cpu).toFixed(3)} s CPU over ${times.length} runs (wall ${list(times)}; CPU ${list(cpu)}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
}
measure('rescoring in memory, cold (scoreColumns, nothing cached)', () => {
  scoreColumns(model, inputs.contacts, inputs.events, asOf)
})
const cache = new ScoreCache()
scoreColumns(model, inputs.contacts, inputs.events, asOf, { cache })
measure('rescoring in memory, same model with a ScoreCache', () => {
  scoreColumns(model, inputs.contacts, inputs.events, asOf, { cache })
})
// one engagement rule's points change each run: that rule, its group and the sums are recomputed
const document = model.document
const edited = (run: number): CompiledModel => {
  const groups = document.engagement!.groups
  const [first, ...rest] = groups
  const [rule, ...others] = first!.rules
  return compileModel({
    ...document,
    engagement: {
      ...document.engagement!,
      groups: [{ ...first!, rules: [{ ...rule!, points: rule!.points + run + 1 }, ...others] }, ...rest],
    },
  })
}
const editedRule = document.engagement!.groups[0]!.rules[0]!
// an editor previews edit after edit: each preview's scores are written over the last one's
let preview = scoreColumns(model, inputs.contacts, inputs.events, asOf, { cache })
measure(
  `rescoring in memory after a one-rule edit with a ScoreCache (rule ${editedRule.id ?? '1'}: its points)`,
  (run) => {
    preview = scoreColumns(edited(run), inputs.contacts, inputs.events, asOf, { cache, reuse: preview })
  },
)
console.log(
  `  cache after the last edit: ${JSON.stringify(cache.stats)} (rescored: the contacts whose results were computed again)`,
)
// the engine's preview scores as of its clock: a later time each preview, so only what does not
// depend on the time (property columns, the fit part, scratch arrays) is reused
measure(
  'rescoring in memory after a one-rule edit with a ScoreCache, as of one second later each run',
  (run) => {
    preview = scoreColumns(edited(run + runs), inputs.contacts, inputs.events, asOf + (run + 1) * 1000, {
      cache,
      reuse: preview,
    })
  },
)
