/** The breakdown of a score: lines that add up to the total. */
import { points as fmtPoints, score } from '../format.js'
import { type DashboardKey, useT } from '../i18n.js'
import { ledgerLines } from '../ledger-lines.js'
import type { Ledger } from '../types.js'

const PARTS: Record<'fit' | 'engagement' | 'predictive' | 'total', DashboardKey> = {
  fit: 'ledger.part.fit',
  engagement: 'ledger.part.engagement',
  predictive: 'ledger.part.predictive',
  total: 'ledger.part.total',
}

export function LedgerView({ ledger, asOf }: { ledger: Ledger; asOf: number }) {
  const t = useT()
  const lines = ledgerLines(ledger, asOf, t)
  const parts = (['fit', 'engagement', 'predictive', 'total'] as const).filter((p) =>
    lines.some((l) => l.part === p),
  )
  return (
    <div class="breakdown">
      {parts.map((part) => (
        <div key={part}>
          <h3>{t.t(PARTS[part])}</h3>
          <ul class="ledger">
            {lines
              .filter((l) => l.part === part)
              .map((l, i) => (
                <li key={`${l.label}-${i}`} data-points={l.points}>
                  <span class={`pts ${l.points >= 0 ? 'pos' : 'neg'}`}>{fmtPoints(l.points)}</span>
                  <span>
                    {l.label}
                    {l.detail ? <span class="why"> · {l.detail}</span> : null}
                  </span>
                </li>
              ))}
          </ul>
        </div>
      ))}
      {lines.length === 0 ? <p class="muted">{t.t('ledger.empty')}</p> : null}
      <ul class="ledger">
        <li class="sum">
          <span class="pts" data-ledger-total={ledger.total.points}>
            {score(ledger.total.points)}
          </span>
          <span>{t.t('ledger.total')}</span>
        </li>
      </ul>
    </div>
  )
}
