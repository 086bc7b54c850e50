/**
 * Signals: every rule of the model, event name and property value with the conversion of
 * the leads that have it, most evidence first, with its 95% Wilson interval; signals on few
 * leads are marked.
 */
import { api } from '../api.js'
import { ReportSection } from '../components/report-section.js'
import { count } from '../format.js'
import type { ModelInfo } from '../types.js'
import { useData } from '../use-data.js'
import { interval, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'
import type { ReportScope, SignalRow, SignalsAnswer } from './reports-types.js'

const LIMIT = 40

export function SignalsSection({ scope }: { scope: ReportScope }) {
  const data = useData(async () => {
    const model = await api<ModelInfo>('/api/dashboard/model')
    return api<SignalsAnswer>(`/api/analysis/signals${scopeQuery(scope, { model: model.id, limit: LIMIT })}`)
  }, [scope.outcome, scope.asOf, scope.days])
  return (
    <ReportSection
      title="Signals: what goes with conversion"
      name="signals"
      data={data}
      loading="Counting the conversion of every signal"
    >
      {(report) => <SignalsBody report={report} scope={scope} />}
    </ReportSection>
  )
}

function SignalsBody({ report, scope }: { report: SignalsAnswer; scope: ReportScope }) {
  if (report.conversions === 0)
    return (
      <p class="empty" data-empty="conversions">
        No conversions recorded yet among {count(report.leads)} leads: outcomes come from{' '}
        {outcomeMeaning(report.outcome)}. Signals need conversions to compare against.
      </p>
    )
  return (
    <>
      <p class="small muted" style={{ marginTop: 0 }}>
        {count(report.leads)} leads, {count(report.conversions)} converted (base rate {rate(report.baseRate)}
        ).{' '}
        {scope.asOf
          ? `Events up to ${scope.asOf}, conversions in the ${scope.days} days after.`
          : 'Events before each conversion (never the outcome, never what came after).'}{' '}
        Sorted by evidence: how many standard errors the conversions are from what the base rate predicts. The{' '}
        {LIMIT} strongest are shown.
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Signal</th>
              <th class="num">Leads</th>
              <th class="num">Converted</th>
              <th class="num">Rate</th>
              <th class="num">95% interval</th>
              <th class="num">Lift</th>
              <th class="num">Evidence</th>
              <th class="num">Median days</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {report.signals.map((s) => (
              <tr key={`${s.kind}\u0000${s.name}\u0000${s.value ?? ''}`} data-signal={s.name}>
                <td>
                  <SignalName signal={s} />
                </td>
                <td class="num">{count(s.leads)}</td>
                <td class="num">{count(s.conversions)}</td>
                <td class="num">{rate(s.rate)}</td>
                <td class="num muted">{interval(s.interval)}</td>
                <td class={`num ${s.lift !== null && s.lift >= 1 ? 'pos' : 'neg'}`}>{ratio(s.lift)}</td>
                <td class="num">{ratio(s.evidence)}</td>
                <td class="num">{s.medianDays === null ? '—' : Math.round(s.medianDays)}</td>
                <td class="small">
                  {s.fewLeads ? (
                    <span
                      class="chip"
                      title="Fewer than 30 leads: strong as it may look, do not trust it yet"
                    >
                      few leads
                    </span>
                  ) : s.significant ? null : (
                    <span class="muted" title="The interval holds the base rate">
                      not significant
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

function SignalName({ signal: s }: { signal: SignalRow }) {
  if (s.kind === 'rule')
    return (
      <>
        <span class="muted small">rule </span>
        {s.label ?? s.name}
      </>
    )
  if (s.kind === 'event')
    return (
      <>
        <span class="muted small">event </span>
        {s.name}
      </>
    )
  return (
    <>
      <span class="muted small">{s.name} = </span>
      {s.value}
    </>
  )
}
