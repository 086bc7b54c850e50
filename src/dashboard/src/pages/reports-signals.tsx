/**
 * Signals: every rule of the model, event name and property value with the conversion of
 * the leads that have it, most evidence first, with its 95% Wilson interval; signals on few
 * leads are marked.
 */
import { api } from '../api.js'
import { ReportSection } from '../components/report-section.js'
import { count, day } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import type { ModelInfo } from '../types.js'
import { useData } from '../use-data.js'
import { interval, outcomeMeaning, rate, ratio, scopeQuery } from './reports-format.js'
import type { ReportScope, SignalRow, SignalsAnswer } from './reports-types.js'

const LIMIT = 40

export function SignalsSection({ scope }: { scope: ReportScope }) {
  const t = useT()
  const data = useData(async () => {
    const model = await api<ModelInfo>('/api/dashboard/model')
    return api<SignalsAnswer>(`/api/analysis/signals${scopeQuery(scope, { model: model.id, limit: LIMIT })}`)
  }, [scope.outcome, scope.asOf, scope.days])
  return (
    <ReportSection title={t.t('signals.title')} name="signals" data={data} loading={t.t('signals.loading')}>
      {(report) => <SignalsBody report={report} scope={scope} />}
    </ReportSection>
  )
}

function SignalsBody({ report, scope }: { report: SignalsAnswer; scope: ReportScope }) {
  const t = useT()
  const labels = useLabels()
  if (report.conversions === 0)
    return (
      <p class="empty" data-empty="conversions">
        {t.t('signals.noConversions', {
          count: report.leads,
          outcome: outcomeMeaning(t, report.outcome, labels.stage),
        })}
      </p>
    )
  return (
    <>
      <p class="small muted" style={{ marginTop: 0 }}>
        {t.t('signals.summary', {
          count: report.leads,
          converted: count(report.conversions),
          rate: rate(report.baseRate),
        })}{' '}
        {scope.asOf
          ? t.t('signals.upTo', { date: day(Date.parse(scope.asOf)), days: scope.days })
          : t.t('signals.before')}{' '}
        {t.t('signals.sorted', { limit: LIMIT })}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t.t('signals.col.signal')}</th>
              <th class="num">{t.t('reports.col.leads')}</th>
              <th class="num">{t.t('reports.col.converted')}</th>
              <th class="num">{t.t('reports.col.rate')}</th>
              <th class="num">{t.t('reports.col.interval')}</th>
              <th class="num">{t.t('reports.col.lift')}</th>
              <th class="num">{t.t('signals.col.evidence')}</th>
              <th class="num">{t.t('signals.col.medianDays')}</th>
              <th>{t.t('signals.col.note')}</th>
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
                <td class="num">{s.medianDays === null ? '—' : count(Math.round(s.medianDays))}</td>
                <td class="small">
                  {s.fewLeads ? (
                    <span class="chip" title={t.t('signals.fewLeadsTitle')}>
                      {t.t('signals.fewLeads')}
                    </span>
                  ) : s.significant ? null : (
                    <span class="muted" title={t.t('signals.notSignificantTitle')}>
                      {t.t('signals.notSignificant')}
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
  const t = useT()
  if (s.kind === 'rule')
    return (
      <>
        <span class="muted small">{t.t('signals.rule')} </span>
        {s.label ?? s.name}
      </>
    )
  if (s.kind === 'event')
    return (
      <>
        <span class="muted small">{t.t('signals.event')} </span>
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
