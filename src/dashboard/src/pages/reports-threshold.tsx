/**
 * The MQL threshold from sales capacity: "sales can work 150 leads a week" gives the
 * threshold, the precision it would have had and the conversions it would have missed,
 * from the model run week by week over the last weeks.
 */
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ReportSection } from '../components/report-section.js'
import { count, score } from '../format.js'
import { useData, useDebounced } from '../use-data.js'
import { interval, rate, scopeQuery } from './reports-format.js'
import type { ReportScope, ThresholdAnswer } from './reports-types.js'

const WEEKS = 12

export function ThresholdSection({ scope }: { scope: ReportScope }) {
  const [typed, setTyped] = useState('50')
  const capacityText = useDebounced(typed, 400)
  const capacity = Number(capacityText)
  const valid = capacityText.trim() !== '' && Number.isFinite(capacity) && capacity > 0
  const data = useData(
    () =>
      valid
        ? api<ThresholdAnswer>(`/api/analysis/threshold${scopeQuery(scope, { capacity, weeks: WEEKS })}`)
        : Promise.resolve(undefined),
    [capacity, valid, scope.outcome, scope.asOf, scope.days],
  )
  const controls = (
    <>
      <div class="toolbar">
        <label class="field">
          Leads per week sales can work
          <input
            type="number"
            min="1"
            step="1"
            inputMode="numeric"
            value={typed}
            aria-invalid={!valid}
            aria-describedby="capacity-help"
            onInput={(e) => setTyped(e.currentTarget.value)}
            style={{ width: '10rem' }}
          />
        </label>
        <span id="capacity-help" class="small muted" style={{ paddingBottom: '0.5rem' }}>
          The model is run every week over the last {WEEKS} weeks; a lead is handed over the first week its
          score reaches the threshold.
        </span>
      </div>
      {valid ? null : (
        <p class="error" role="alert">
          Write how many leads sales can work in a week: a number above 0.
        </p>
      )}
    </>
  )
  return (
    <ReportSection
      title="Threshold from sales capacity"
      name="threshold"
      data={data}
      loading="Running the model week by week"
      controls={controls}
    >
      {(report) => (valid ? <ThresholdBody report={report} /> : null)}
    </ReportSection>
  )
}

function ThresholdBody({ report }: { report: ThresholdAnswer }) {
  return (
    <>
      <div class="row" style={{ gap: '2rem', marginBottom: '0.75rem' }}>
        <div class="stat">
          <span class="value" data-threshold={report.threshold} data-capacity={report.capacityPerWeek}>
            {score(report.threshold)}
          </span>
          <span class="label">MQL threshold (score at or above)</span>
        </div>
        <div class="stat">
          <span class="value">{score(report.perWeek)}</span>
          <span class="label">leads a week at it (capacity {count(report.capacityPerWeek)})</span>
        </div>
        <div class="stat">
          <span class="value">{rate(report.precision)}</span>
          <span class="label">
            expected precision, 95% {interval(report.precisionInterval)} ({count(report.converted)} of{' '}
            {count(report.handed)} converted)
          </span>
        </div>
        <div class="stat">
          <span class="value" data-missed={report.missed}>
            {count(report.missed)}
          </span>
          <span class="label">
            missed conversions (of {count(report.conversions)} in those weeks, never reached it first)
          </span>
        </div>
      </div>
      {report.belowCapacity ? (
        <p class="notice">
          Even the lowest threshold sends only {score(report.perWeek)} new leads a week: fewer than sales can
          work. Every lead can be handed over.
        </p>
      ) : null}
      <details>
        <summary>New leads a week at every 5 points</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th class="num">Threshold</th>
                <th class="num">Leads a week</th>
              </tr>
            </thead>
            <tbody>
              {report.curve.map((p) => (
                <tr key={p.threshold}>
                  <td class="num">{score(p.threshold)}</td>
                  <td class="num">{score(p.perWeek)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  )
}
