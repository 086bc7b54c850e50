/**
 * Reports: does the model work? The outcome, the date and the horizon chosen at the top
 * (kept in the address, to bookmark or share) apply to every report below: the backtest
 * (conversion by band and grade, MQL precision and recall, ROC AUC, lift by decile), the
 * signals, the threshold from sales capacity and the drift. Each report loads on its own.
 * This page is its own chunk, loaded when opened.
 */
import { useEffect, useState } from 'preact/hooks'
import { query } from '../api.js'
import type { PageProps } from '../app.js'
import { useT } from '../i18n.js'
import { navigate, useLocation } from '../router.js'
import { BacktestSection } from './reports-backtest.js'
import { DriftSection } from './reports-drift.js'
import { SignalsSection } from './reports-signals.js'
import { ThresholdSection } from './reports-threshold.js'
import type { ReportScope } from './reports-types.js'

const DEFAULT_OUTCOME = 'stage=customer'
const DEFAULT_DAYS = 90

function scopeOf(search: URLSearchParams): ReportScope {
  const days = Number(search.get('days'))
  const asOf = search.get('asOf') ?? ''
  return {
    outcome: search.get('outcome')?.trim() || DEFAULT_OUTCOME,
    asOf: /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : '',
    days: Number.isFinite(days) && days > 0 ? days : DEFAULT_DAYS,
  }
}

export function ReportsPage(_: PageProps) {
  const t = useT()
  const { search } = useLocation()
  const scope = scopeOf(search)
  const [outcome, setOutcome] = useState(scope.outcome)
  const [asOf, setAsOf] = useState(scope.asOf)
  const [days, setDays] = useState(String(scope.days))
  // the form follows the address (back and forward)
  useEffect(() => {
    setOutcome(scope.outcome)
    setAsOf(scope.asOf)
    setDays(String(scope.days))
  }, [scope.outcome, scope.asOf, scope.days])
  const daysValid = Number(days) > 0 && Number.isFinite(Number(days))

  const apply = (e: Event) => {
    e.preventDefault()
    if (!daysValid) return
    navigate(
      `/reports${query({
        outcome: outcome.trim() === DEFAULT_OUTCOME ? '' : outcome.trim(),
        asOf,
        days: Number(days) === DEFAULT_DAYS ? '' : Number(days),
      })}`,
    )
  }

  return (
    <>
      <div class="page-head">
        <h1>{t.t('nav.reports')}</h1>
        <span class="sub">{t.t('reports.sub')}</span>
      </div>
      <form class="toolbar card" onSubmit={apply} aria-label={t.t('reports.scope')}>
        <label class="field" style={{ flex: '1 1 16rem' }}>
          {t.t('reports.outcome')}
          <input
            type="text"
            value={outcome}
            list="report-outcomes"
            spellcheck={false}
            aria-describedby="outcome-help"
            onInput={(e) => setOutcome(e.currentTarget.value)}
          />
          <datalist id="report-outcomes">
            <option value="stage=customer" />
            <option value="event=Deal Won" />
            <option value="property=converted" />
          </datalist>
        </label>
        <label class="field">
          {t.t('reports.asOf')}
          <input type="date" value={asOf} onInput={(e) => setAsOf(e.currentTarget.value)} />
        </label>
        <label class="field">
          {t.t('reports.horizon')}
          <input
            type="number"
            min="1"
            step="1"
            value={days}
            aria-invalid={!daysValid}
            onInput={(e) => setDays(e.currentTarget.value)}
            style={{ width: '7rem' }}
          />
        </label>
        <button type="submit" class="primary" disabled={!daysValid}>
          {t.t('reports.update')}
        </button>
        <p id="outcome-help" class="small muted" style={{ flexBasis: '100%', margin: 0 }}>
          {t.t('reports.outcomeHelp', {
            stage: 'stage=customer',
            event: 'event=Deal Won',
            property: 'property=converted',
            value: 'property=status:won',
          })}
          {daysValid ? '' : ` ${t.t('reports.horizonInvalid')}`}
        </p>
      </form>
      <div class="grid">
        <BacktestSection scope={scope} />
        <SignalsSection scope={scope} />
        <ThresholdSection scope={scope} />
        <DriftSection scope={scope} />
      </div>
    </>
  )
}
