/**
 * Drift: is the model still working? Conversion by band month by month (leads scored at each
 * month's first instant, conversions in the 30 days after) and the warnings of the analysis.
 */
import { api, query } from '../api.js'
import { Band } from '../components/bits.js'
import { LineChart } from '../components/report-charts.js'
import { ReportSection } from '../components/report-section.js'
import { count } from '../format.js'
import { useData } from '../use-data.js'
import { outcomeMeaning, rate } from './reports-format.js'
import type { DriftAnswer, ReportScope } from './reports-types.js'

const HORIZON = 30
const COLORS: Record<string, string> = { hot: '#c2410c', warm: '#a16207', cold: '#3f5f99' }
const PALETTE = ['#3b4fd8', '#1c7440', '#8a3ffc', '#596275']
const monthName = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' })

export function DriftSection({ scope }: { scope: ReportScope }) {
  const data = useData(
    () =>
      api<DriftAnswer>(
        `/api/analysis/drift${query({ outcome: scope.outcome, to: scope.asOf, days: HORIZON })}`,
      ),
    [scope.outcome, scope.asOf],
  )
  return (
    <ReportSection
      title="Drift: conversion by band, month by month"
      name="drift"
      data={data}
      loading="Scoring the leads at every month's start"
    >
      {(report) => <DriftBody report={report} />}
    </ReportSection>
  )
}

function DriftBody({ report }: { report: DriftAnswer }) {
  if (report.months.length === 0)
    return <p class="empty">No month to show: the data does not reach the first day of a month yet.</p>
  const conversions = report.months.reduce((s, m) => s + m.conversions, 0)
  const cell = (month: DriftAnswer['months'][number], band: string) =>
    month.bands.find((b) => b.band === band)
  return (
    <>
      <p class="small muted" style={{ marginTop: 0 }}>
        At each month's first day (UTC) the leads in play are scored with <code>{report.model}</code>; a
        conversion counts in the {report.horizonDays} days after. Months marked "still open" have conversions
        to come.
      </p>
      {report.warnings.length > 0 ? (
        <ul class="notice" style={{ paddingLeft: '1.6rem' }} aria-label="Drift warnings">
          {report.warnings.map((w) => (
            <li key={`${w.kind}${w.month}${w.band ?? ''}`}>
              <strong>{monthName.format(w.month)}</strong>: {w.message}
            </li>
          ))}
        </ul>
      ) : (
        <p class="small">
          No warning: no band converts significantly less than before, and the mix is stable.
        </p>
      )}
      {conversions === 0 ? (
        <p class="muted small" data-empty="conversions">
          No conversions recorded yet: outcomes come from {outcomeMeaning(report.outcome)}. The table still
          shows how many leads each band held.
        </p>
      ) : (
        <LineChart
          xs={report.months.map((m) => m.start)}
          series={report.bands.map((band, i) => ({
            label: band,
            color: COLORS[band] ?? PALETTE[i % PALETTE.length]!,
            values: report.months.map((m) => cell(m, band)?.rate ?? null),
          }))}
          format={(v) => rate(v)}
          description={`Conversion by band per month: ${report.bands
            .map(
              (band) =>
                `${band} ${report.months.map((m) => `${monthName.format(m.start)} ${rate(cell(m, band)?.rate)}`).join(', ')}`,
            )
            .join('; ')}`}
        />
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Month</th>
              <th class="num">Leads</th>
              {report.bands.map((b) => (
                <th key={b} class="num">
                  <Band band={b} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.months.map((m) => (
              <tr key={m.start}>
                <td>
                  {monthName.format(m.start)}
                  {m.complete ? null : <span class="muted small"> still open</span>}
                </td>
                <td class="num">{count(m.leads)}</td>
                {report.bands.map((b) => {
                  const c = cell(m, b)
                  return (
                    <td key={b} class="num">
                      {c ? (
                        <>
                          {rate(c.rate)} <span class="muted small">of {count(c.leads)}</span>
                        </>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
