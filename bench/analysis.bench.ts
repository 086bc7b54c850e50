/**
 * `npm run bench:analysis`: `leadscore analyze` on the benchmark data.
 *
 *   npx tsx bench/analysis.bench.ts [--dir bench/out] [--size 1m|100k] [--model bench/model.yaml]
 *     [--outcome "event=Trial Started"] [--as-of 2026-08-03] [--days 90] [--weeks 52] [--runs 3]
 *     [--only signals,rules,backtest,weekly,weekly-every,threshold,drift,suggest]
 *
 * Reads the contacts and events as `leadscore analyze` does (every contact property for
 * signals, the model's for the others; timed), then times the computations on the data in memory: signals (events and
 * properties; then with the model's rules too), a backtest of one model as of one date
 * (median of --runs), the rolling weekly backtest over --weeks (median of --runs; with
 * `weekly-every`, also scoring every lead every week, as before the bound, and checking that
 * both give the same report), the threshold from capacity (12 weeks), drift (6 months) and
 * suggested points (once each). Each run starts from the data as read, as a new process would
 * (nothing computed by an earlier run is reused). Times are wall clock, with the process's CPU time beside.
 * Targets (issue 6, 1M contacts / 20M events): signals under 10 s, one backtest under 5 s,
 * weekly over a year under 60 s.
 * Generate the data first: npx tsx bench/generate-data.ts --contacts 1000000 --seed 1 --out bench/out/
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import {
  dataEnd,
  drift,
  rollingBacktest,
  scoredBacktest,
  signals,
  suggestPoints,
  thresholdForCapacity,
} from '../src/analysis/index.js'
import type { LeadData } from '../src/analysis/leads.js'
import { loadLeads } from '../src/cli/commands/analyze/load-leads.js'
import type { CliContext } from '../src/cli/context.js'
import { loadModelFile } from '../src/cli/model-file.js'
import { DAY_MS } from '../src/core/input.js'

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/out' },
    size: { type: 'string', default: '1m' },
    model: { type: 'string', default: 'bench/model.yaml' },
    outcome: { type: 'string', default: 'event=Trial Started' },
    'as-of': { type: 'string', default: '2026-08-03T00:00:00Z' },
    days: { type: 'string', default: '90' },
    weeks: { type: 'string', default: '52' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
})
/** The parts to run (`--only signals,rules,backtest,weekly,threshold,drift,suggest`; default all but weekly-every). */
const only = values.only?.split(',').map((x) => x.trim())
const runs = (part: string) => (only === undefined ? part !== 'weekly-every' : only.includes(part))
const dir = resolve(values.dir!)
const suffix = values.size === '1m' ? '' : `-${values.size}`
const files = { contacts: join(dir, `contacts${suffix}.csv`), events: join(dir, `events${suffix}.csv`) }
for (const f of Object.values(files)) {
  if (!existsSync(f)) {
    console.error(
      `missing ${f}: generate the data first:\n  npx tsx bench/generate-data.ts --contacts 1000000 --seed 1 --out ${values.dir}/`,
    )
    process.exit(1)
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
console.log(`command: npx tsx bench/analysis.bench.ts ${process.argv.slice(2).join(' ')}`)
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${mb(totalmem())} memory, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `data: contacts ${mb(statSync(files.contacts).size)}, events ${mb(statSync(files.events).size)}; model ${values.model}; outcome ${values.outcome}`,
)

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
const source = readFileSync(values.model!, 'utf8')
/**
 * Reads the leads as the CLI command does: `leadscore analyze signals` keeps every contact
 * property, the other commands only those the model reads (fewer objects: less garbage
 * collection). Each is read once, when a part needs it.
 */
const reads = new Map<boolean, Awaited<ReturnType<typeof loadLeads>>>()
async function leadsFor(allProperties: boolean) {
  let leads = reads.get(allProperties)
  if (leads === undefined) {
    const started = performance.now()
    leads = await loadLeads(ctx, { ...files, outcome: values.outcome, strict: false }, [model], {
      allProperties,
    })
    const { data } = leads
    let conversions = 0
    for (let c = 0; c < data.contacts.length; c++) conversions += data.outcomes.converted[c]!
    console.log(
      `read ${data.contacts.length.toLocaleString('en-US')} contacts and ${data.events.length.toLocaleString('en-US')} events (${allProperties ? 'every property, as signals reads them' : "the model's properties, as the other commands read them"}) in ${s(performance.now() - started)} (${conversions.toLocaleString('en-US')} converted)\n`,
    )
    reads.set(allProperties, leads)
  }
  return leads
}

/**
 * The data as a new command would have it: the same arrays in new objects, so that nothing
 * kept by an earlier run (the name index, the scorer's cache per data) is reused and every
 * run is measured as the first one of a process.
 */
const fresh = (data: LeadData): LeadData => ({
  ...data,
  contacts: { ...data.contacts },
  events: { ...data.events },
})

const asOf = Date.parse(values['as-of']!)
const horizonDays = Number(values.days)
const repeat = Number(values.runs)

/** Runs `fn` `n` times; prints the median and every run. */
function measure<T>(label: string, n: number, fn: () => T): T {
  const times: number[] = []
  const cpu: number[] = []
  let result: T | undefined
  for (let r = 0; r < n; r++) {
    const t = performance.now()
    const u = process.cpuUsage()
    result = fn()
    times.push(performance.now() - t)
    const used = process.cpuUsage(u)
    cpu.push((used.user + used.system) / 1000)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const list = (xs: number[]) => xs.map((t) => (t / 1000).toFixed(2)).join(', ')
  console.log(
    `${label.padEnd(58)} ${n > 1 ? `median ${s(median(times))} (${list(times)})` : s(median(times))}; cpu ${n > 1 ? `median ${s(median(cpu))} (${list(cpu)})` : s(median(cpu))}; load ${loadavg()[0]!.toFixed(1)}`,
  )
  return result!
}

if (runs('signals')) {
  const leads = await leadsFor(true)
  const sig = measure('signals: events and properties', repeat, () =>
    signals(fresh(leads.data), { exclude: leads.exclude }),
  )
  console.log(`  ${sig.signals.length} signals over ${sig.leads.toLocaleString('en-US')} leads`)
}
if (runs('rules')) {
  const leads = await leadsFor(true)
  measure("signals: events, properties and the model's rules", repeat, () =>
    signals(fresh(leads.data), { model, exclude: leads.exclude }),
  )
}
const leads = only?.every((part) => part === 'signals' || part === 'rules')
  ? undefined
  : await leadsFor(false)
const data = leads?.data
if (runs('backtest')) {
  const bt = measure(`backtest of one model as of ${values['as-of']}`, repeat, () =>
    scoredBacktest(model, fresh(data!), { asOf, horizonDays }),
  )
  console.log(
    `  ${bt.report.leads.toLocaleString('en-US')} leads in play, AUC ${bt.report.auc.toFixed(3)}, MQL precision ${(bt.report.mql.precision * 100).toFixed(1)}%`,
  )
}
if (runs('weekly') || runs('weekly-every')) {
  // the weekly run ends where the data ends, so that it covers all of it
  const weeks = Number(values.weeks)
  const end = dataEnd(data!)
  const options = { from: end - weeks * 7 * DAY_MS, to: end, horizonDays }
  const label = `rolling weekly backtest: ${weeks} weeks to ${new Date(end).toISOString().slice(0, 10)}`
  const rolling = runs('weekly')
    ? measure(label, repeat, () => rollingBacktest(model, fresh(data!), options))
    : undefined
  const every = runs('weekly-every')
  const all = every
    ? measure(`${label}, every lead every week`, 1, () =>
        rollingBacktest(model, fresh(data!), { ...options, rescoreEveryLead: true }),
      )
    : undefined
  const report = rolling ?? all!
  const populated = report.weeks.filter((w) => w.newMql > 0 || w.conversions > 0).length
  console.log(`  ${populated} weeks with leads, ${report.meanPerWeek.toFixed(1)} new MQLs a week`)
  if (rolling !== undefined && all !== undefined)
    console.log(`  the same report both ways: ${isDeepStrictEqual(rolling, all) ? 'yes' : 'NO'}`)
}
if (runs('threshold')) {
  measure('threshold from capacity (150 a week, 12 weeks)', 1, () =>
    thresholdForCapacity(model, fresh(data!), { capacityPerWeek: 150, to: asOf, weeks: 12, horizonDays }),
  )
}
if (runs('drift'))
  measure('drift (6 months)', 1, () =>
    drift(model, fresh(data!), {
      from: asOf - 182 * DAY_MS,
      to: asOf,
      horizonDays: 30,
      dataEnd: asOf + horizonDays * DAY_MS,
    }),
  )
if (runs('suggest')) {
  const suggestion = measure('suggested points', 1, () =>
    suggestPoints(model, source, fresh(data!), { asOf, horizonDays, exclude: leads!.exclude }),
  )
  console.log(
    `  ${suggestion.diff.slice(0, 200)}\n  held out AUC ${suggestion.holdout.suggested.auc.toFixed(3)} against ${suggestion.holdout.current.auc.toFixed(3)}`,
  )
}
