/**
 * Drift: is the model still working? Conversion by band month by month (leads scored at each
 * month's first instant, conversions in the 30 days after) and the warnings of the analysis.
 */
import { api, query } from '../api.js'
import { Band } from '../components/bits.js'
import { LineChart } from '../components/report-charts.js'
import { ReportSection } from '../components/report-section.js'
import { count, month as monthName } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import { useData } from '../use-data.js'
import { driftWarningText, outcomeMeaning, rate } from './reports-format.js'
import type { DriftAnswer, ReportScope } from './reports-types.js'

const HORIZON = 30
const COLORS: Record<string, string> = { hot: '#c2410c', warm: '#a16207', cold: '#3f5f99' }
const PALETTE = ['#3b4fd8', '#1c7440', '#8a3ffc', '#596275']

export function DriftSection({ scope }: { scope: ReportScope }) {
  const t = useT()
  const data = useData(
    () =>
      api<DriftAnswer>(
        `/api/analysis/drift${query({ outcome: scope.outcome, to: scope.asOf, days: HORIZON })}`,
      ),
    [scope.outcome, scope.asOf],
  )
  return (
    <ReportSection title={t.t('drift.title')} name="drift" data={data} loading={t.t('drift.loading')}>
      {(report) => <DriftBody report={report} />}
    </ReportSection>
  )
}

function DriftBody({ report }: { report: DriftAnswer }) {
  const t = useT()
  const labels = useLabels()
  if (report.months.length === 0) return <p class="empty">{t.t('drift.empty')}</p>
  const conversions = report.months.reduce((s, m) => s + m.conversions, 0)
  const cell = (month: DriftAnswer['months'][number], band: string) =>
    month.bands.find((b) => b.band === band)
  return (
    <>
      <p class="small muted" style={{ marginTop: 0 }}>
        {t.t('drift.intro', { model: report.model, days: report.horizonDays })}
      </p>
      {report.warnings.length > 0 ? (
        <ul class="notice" style={{ paddingLeft: '1.6rem' }} aria-label={t.t('drift.warnings')}>
          {report.warnings.map((w) => (
            <li key={`${w.kind}${w.month}${w.band ?? ''}`}>
              <strong>{monthName(w.month)}</strong>: {driftWarningText(t, w, report, labels.band)}
            </li>
          ))}
        </ul>
      ) : (
        <p class="small">{t.t('drift.noWarning')}</p>
      )}
      {conversions === 0 ? (
        <p class="muted small" data-empty="conversions">
          {t.t('drift.noConversions', { outcome: outcomeMeaning(t, report.outcome, labels.stage) })}
        </p>
      ) : (
        <LineChart
          xs={report.months.map((m) => m.start)}
          series={report.bands.map((band, i) => ({
            label: labels.band(band),
            color: COLORS[band] ?? PALETTE[i % PALETTE.length]!,
            values: report.months.map((m) => cell(m, band)?.rate ?? null),
          }))}
          format={(v) => rate(v)}
          description={t.t('drift.chart', {
            series: report.bands
              .map(
                (band) =>
                  `${labels.band(band)} ${report.months.map((m) => `${monthName(m.start)} ${rate(cell(m, band)?.rate)}`).join(', ')}`,
              )
              .join('; '),
          })}
        />
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t.t('drift.col.month')}</th>
              <th class="num">{t.t('reports.col.leads')}</th>
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
                  {monthName(m.start)}
                  {m.complete ? null : <span class="muted small"> {t.t('drift.open')}</span>}
                </td>
                <td class="num">{count(m.leads)}</td>
                {report.bands.map((b) => {
                  const c = cell(m, b)
                  return (
                    <td key={b} class="num">
                      {c ? (
                        <>
                          {rate(c.rate)}{' '}
                          <span class="muted small">{t.t('drift.of', { leads: count(c.leads) })}</span>
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
