/**
 * The backtest report: had the model been live on the date, whom would it have ranked first,
 * and were they right? Conversion by band and grade, MQL precision and recall, ROC AUC and
 * the lift by decile.
 */
import { api } from '../api.js'
import { Band } from '../components/bits.js'
import { BarChart } from '../components/report-charts.js'
import { ReportSection } from '../components/report-section.js'
import { count, day, score } from '../format.js'
import { useData } from '../use-data.js'
import { interval, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'
import type { BacktestAnswer, ClassRow, ReportScope } from './reports-types.js'

const DAY_MS = 86_400_000

export function BacktestSection({ scope }: { scope: ReportScope }) {
  const data = useData(
    () => api<BacktestAnswer>(`/api/analysis/backtest${scopeQuery(scope)}`),
    [scope.outcome, scope.asOf, scope.days],
  )
  return (
    <ReportSection
      title="Backtest: conversion by band and grade"
      name="backtest"
      data={data}
      loading="Scoring every lead as of the date"
    >
      {(report) => <BacktestBody report={report} />}
    </ReportSection>
  )
}

function BacktestBody({ report }: { report: BacktestAnswer }) {
  const until = report.asOf + report.horizonDays * DAY_MS
  const noConversions = report.conversions === 0
  return (
    <>
      <p class="muted small" style={{ marginTop: 0 }}>
        Leads in play on {day(report.asOf)} (seen by then, not converted yet), scored with the model{' '}
        <code>{report.model}</code> as of that day; conversions ({report.outcome}) counted until {day(until)}.
      </p>
      {report.leads === 0 ? (
        <p class="empty">
          No leads in play on {day(report.asOf)}: pick a later date (contacts are counted from their first
          appearance).
        </p>
      ) : (
        <>
          {noConversions ? (
            <p class="notice" data-empty="conversions">
              No conversions recorded yet: outcomes come from {outcomeMeaning(report.outcome)}, and none of
              the {count(report.leads)} leads in play converted by {day(until)}. Move won contacts to that
              stage, or choose another outcome above (for example <code>event=Deal Won</code> or{' '}
              <code>property=converted</code>). Until then, the rates below are all 0.
            </p>
          ) : null}
          {report.outcomeTimesKnown ? null : (
            <p class="notice">
              Some conversions have no time: they count whatever their date, so the backtest cannot tell a
              conversion before {day(report.asOf)} from one after it.
            </p>
          )}
          <div class="row" style={{ gap: '2rem', marginBottom: '1rem' }}>
            <Stat value={count(report.leads)} label="leads in play" />
            <Stat value={count(report.conversions)} label={`converted (${rate(report.baseRate)})`} />
            <Stat
              value={rate(report.mql.precision)}
              label={`MQL precision, 95% ${interval(report.mql.precisionInterval)}`}
              data={{ 'data-precision': report.mql.precision ?? '' }}
            />
            <Stat value={rate(report.mql.recall)} label="MQL recall" />
            <Stat
              value={ratio(report.auc)}
              label="ROC AUC (0.5 = chance)"
              data={{ 'data-auc': report.auc ?? '' }}
            />
          </div>
          <p class="small muted">
            MQL: {report.mql.definition}: {count(report.mql.leads)} leads, {count(report.mql.conversions)}{' '}
            converted.
          </p>
          <div
            class="grid cols-3"
            style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(20rem, 1fr))', alignItems: 'start' }}
          >
            <ClassTable caption="By band" rows={report.byBand} band />
            <ClassTable caption="By grade" rows={report.byGrade} />
          </div>
          <h3>Lift by decile</h3>
          <p class="small muted">
            The leads in ten equal groups by score, highest first: how much more often each group converted
            than the average (lift 1 is no better than chance).
          </p>
          {noConversions ? (
            <p class="muted small">The lift needs at least one conversion.</p>
          ) : (
            <BarChart
              labels={report.deciles.map((d) => `${d.bin}`)}
              values={report.deciles.map((d) => d.lift ?? 0)}
              name="Lift"
              reference={{ value: 1, label: 'chance' }}
              description={`Lift by decile, highest scores first: ${report.deciles
                .map((d) => `${d.bin}: ${ratio(d.lift)}`)
                .join(', ')}`}
            />
          )}
          <details>
            <summary>The deciles as a table</summary>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th class="num">Decile</th>
                    <th class="num">Scores</th>
                    <th class="num">Leads</th>
                    <th class="num">Converted</th>
                    <th class="num">Rate</th>
                    <th class="num">Lift</th>
                    <th class="num">Conversions found so far</th>
                  </tr>
                </thead>
                <tbody>
                  {report.deciles.map((d) => (
                    <tr key={d.bin}>
                      <td class="num">{d.bin}</td>
                      <td class="num">
                        {score(d.minScore)}–{score(d.maxScore)}
                      </td>
                      <td class="num">{count(d.count)}</td>
                      <td class="num">{count(d.positives)}</td>
                      <td class="num">{rate(d.rate)}</td>
                      <td class="num">{ratio(d.lift)}</td>
                      <td class="num">{rate(d.cumulativeCapture)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </>
  )
}

function Stat({ value, label, data }: { value: string; label: string; data?: Record<string, unknown> }) {
  return (
    <div class="stat" {...data}>
      <span class="value">{value}</span>
      <span class="label">{label}</span>
    </div>
  )
}

function ClassTable({ caption, rows, band }: { caption: string; rows: ClassRow[]; band?: boolean }) {
  return (
    <div class="table-wrap">
      <table data-by={caption.replace('By ', '')}>
        <caption class="visually-hidden">Conversion {caption.toLowerCase()}</caption>
        <thead>
          <tr>
            <th>{caption.replace('By ', '')}</th>
            <th class="num">Leads</th>
            <th class="num">Converted</th>
            <th class="num">Rate</th>
            <th class="num">95% interval</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                The model has none.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.value} data-class={r.value}>
                <td>{band ? <Band band={r.value} /> : r.value}</td>
                <td class="num" data-leads={r.leads}>
                  {count(r.leads)}
                </td>
                <td class="num">{count(r.conversions)}</td>
                <td class="num">{rate(r.rate)}</td>
                <td class="num muted">{interval(r.interval)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  )
}
