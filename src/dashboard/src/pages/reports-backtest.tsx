/**
 * The backtest report: had the model been live on the date, whom would it have ranked first,
 * and were they right? Conversion by band and grade, MQL precision and recall, ROC AUC and
 * the lift by decile.
 */
import { api } from '../api.js'
import { Band } from '../components/bits.js'
import { BarChart } from '../components/report-charts.js'
import { ReportSection } from '../components/report-section.js'
import { count, day, fixed, score } from '../format.js'
import { type DashboardKey, useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import { useData } from '../use-data.js'
import { interval, mqlDefinition, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'
import type { BacktestAnswer, ClassRow, ReportScope } from './reports-types.js'

const DAY_MS = 86_400_000

export function BacktestSection({ scope }: { scope: ReportScope }) {
  const t = useT()
  const data = useData(
    () => api<BacktestAnswer>(`/api/analysis/backtest${scopeQuery(scope)}`),
    [scope.outcome, scope.asOf, scope.days],
  )
  return (
    <ReportSection
      title={t.t('backtest.title')}
      name="backtest"
      data={data}
      loading={t.t('backtest.loading')}
    >
      {(report) => <BacktestBody report={report} />}
    </ReportSection>
  )
}

function BacktestBody({ report }: { report: BacktestAnswer }) {
  const t = useT()
  const labels = useLabels()
  const until = report.asOf + report.horizonDays * DAY_MS
  const noConversions = report.conversions === 0
  return (
    <>
      <p class="muted small" style={{ marginTop: 0 }}>
        {t.t('backtest.intro', {
          asOf: day(report.asOf),
          model: report.model,
          outcome: report.outcome,
          until: day(until),
        })}
      </p>
      {report.leads === 0 ? (
        <p class="empty">{t.t('backtest.empty', { asOf: day(report.asOf) })}</p>
      ) : (
        <>
          {noConversions ? (
            <p class="notice" data-empty="conversions">
              {t.t('backtest.noConversions', {
                outcome: outcomeMeaning(t, report.outcome, labels.stage),
                count: report.leads,
                until: day(until),
                event: 'event=Deal Won',
                property: 'property=converted',
              })}
            </p>
          ) : null}
          {report.outcomeTimesKnown ? null : (
            <p class="notice">{t.t('backtest.noTimes', { asOf: day(report.asOf) })}</p>
          )}
          <div class="row" style={{ gap: '2rem', marginBottom: '1rem' }}>
            <Stat value={count(report.leads)} label={t.t('backtest.inPlay')} />
            <Stat
              value={count(report.conversions)}
              label={t.t('backtest.converted', { rate: rate(report.baseRate) })}
            />
            <Stat
              value={rate(report.mql.precision)}
              label={t.t('backtest.precision', { interval: interval(report.mql.precisionInterval) })}
              data={{ 'data-precision': report.mql.precision ?? '' }}
            />
            <Stat value={rate(report.mql.recall)} label={t.t('backtest.recall')} />
            <Stat
              value={ratio(report.auc)}
              label={t.t('backtest.auc', { chance: fixed(0.5, 1) })}
              data={{ 'data-auc': report.auc ?? '' }}
            />
          </div>
          <p class="small muted">
            {t.t('backtest.mql', {
              definition: mqlDefinition(t, report.mql.definition, labels.stage),
              count: report.mql.leads,
              converted: count(report.mql.conversions),
            })}
          </p>
          <div
            class="grid cols-3"
            style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(20rem, 1fr))', alignItems: 'start' }}
          >
            <ClassTable by="band" rows={report.byBand} />
            <ClassTable by="grade" rows={report.byGrade} />
          </div>
          <h3>{t.t('backtest.lift')}</h3>
          <p class="small muted">{t.t('backtest.liftHelp')}</p>
          {noConversions ? (
            <p class="muted small">{t.t('backtest.liftNeeds')}</p>
          ) : (
            <BarChart
              labels={report.deciles.map((d) => `${d.bin}`)}
              values={report.deciles.map((d) => d.lift ?? 0)}
              name={t.t('reports.col.lift')}
              reference={{ value: 1, label: t.t('backtest.chance') }}
              description={t.t('backtest.liftChart', {
                deciles: report.deciles.map((d) => `${d.bin}: ${ratio(d.lift)}`).join(', '),
              })}
            />
          )}
          <details>
            <summary>{t.t('backtest.decilesTable')}</summary>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th class="num">{t.t('backtest.col.decile')}</th>
                    <th class="num">{t.t('backtest.col.scores')}</th>
                    <th class="num">{t.t('reports.col.leads')}</th>
                    <th class="num">{t.t('reports.col.converted')}</th>
                    <th class="num">{t.t('reports.col.rate')}</th>
                    <th class="num">{t.t('reports.col.lift')}</th>
                    <th class="num">{t.t('backtest.col.capture')}</th>
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

const CLASS_TABLES: Record<'band' | 'grade', { caption: DashboardKey; column: DashboardKey }> = {
  band: { caption: 'backtest.byBand', column: 'queue.filter.band' },
  grade: { caption: 'backtest.byGrade', column: 'queue.filter.grade' },
}

function ClassTable({ by, rows }: { by: 'band' | 'grade'; rows: ClassRow[] }) {
  const t = useT()
  return (
    <div class="table-wrap">
      <table data-by={by === 'band' ? 'band' : 'grade'}>
        <caption class="visually-hidden">{t.t(CLASS_TABLES[by].caption)}</caption>
        <thead>
          <tr>
            <th>{t.t(CLASS_TABLES[by].column)}</th>
            <th class="num">{t.t('reports.col.leads')}</th>
            <th class="num">{t.t('reports.col.converted')}</th>
            <th class="num">{t.t('reports.col.rate')}</th>
            <th class="num">{t.t('reports.col.interval')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                {t.t('backtest.none')}
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.value} data-class={r.value}>
                <td>{by === 'band' ? <Band band={r.value} /> : r.value}</td>
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
