/**
 * The MQL threshold from sales capacity: "sales can work 150 leads a week" gives the
 * threshold, the precision it would have had and the conversions it would have missed,
 * from the model run week by week over the last weeks.
 */
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ReportSection } from '../components/report-section.js'
import { count, score } from '../format.js'
import { useT } from '../i18n.js'
import { useData, useDebounced } from '../use-data.js'
import { interval, rate, scopeQuery } from './reports-format.js'
import type { ReportScope, ThresholdAnswer } from './reports-types.js'

const WEEKS = 12

export function ThresholdSection({ scope }: { scope: ReportScope }) {
  const t = useT()
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
          {t.t('threshold.capacity')}
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
          {t.t('threshold.help', { weeks: WEEKS })}
        </span>
      </div>
      {valid ? null : (
        <p class="error" role="alert">
          {t.t('threshold.invalid')}
        </p>
      )}
    </>
  )
  return (
    <ReportSection
      title={t.t('threshold.title')}
      name="threshold"
      data={data}
      loading={t.t('threshold.loading')}
      controls={controls}
    >
      {(report) => (valid ? <ThresholdBody report={report} /> : null)}
    </ReportSection>
  )
}

function ThresholdBody({ report }: { report: ThresholdAnswer }) {
  const t = useT()
  return (
    <>
      <div class="row" style={{ gap: '2rem', marginBottom: '0.75rem' }}>
        <div class="stat">
          <span class="value" data-threshold={report.threshold} data-capacity={report.capacityPerWeek}>
            {score(report.threshold)}
          </span>
          <span class="label">{t.t('threshold.threshold')}</span>
        </div>
        <div class="stat">
          <span class="value">{score(report.perWeek)}</span>
          <span class="label">{t.t('threshold.perWeek', { capacity: count(report.capacityPerWeek) })}</span>
        </div>
        <div class="stat">
          <span class="value">{rate(report.precision)}</span>
          <span class="label">
            {t.t('threshold.precision', {
              interval: interval(report.precisionInterval),
              converted: count(report.converted),
              handed: count(report.handed),
            })}
          </span>
        </div>
        <div class="stat">
          <span class="value" data-missed={report.missed}>
            {count(report.missed)}
          </span>
          <span class="label">{t.t('threshold.missed', { conversions: count(report.conversions) })}</span>
        </div>
      </div>
      {report.belowCapacity ? (
        <p class="notice">{t.t('threshold.below', { perWeek: score(report.perWeek) })}</p>
      ) : null}
      <details>
        <summary>{t.t('threshold.curve')}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th class="num">{t.t('threshold.col.threshold')}</th>
                <th class="num">{t.t('threshold.col.perWeek')}</th>
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
