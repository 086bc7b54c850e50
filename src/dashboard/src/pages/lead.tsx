/**
 * One lead: why it scores what it does (the breakdown adds up to the score), its score over
 * time against the band thresholds, the timeline of events with the points each gives now,
 * its stage history, its account and buying committee, and a "what if" to try an event.
 */
import { useMemo, useState } from 'preact/hooks'
import { ApiError, api } from '../api.js'
import type { PageProps } from '../app.js'
import { Band, Card, ErrorBox, Loading } from '../components/bits.js'
import { LedgerView } from '../components/ledger.js'
import { ScoreChart } from '../components/score-chart.js'
import { ago, count, day, eventName, points as fmtPoints, percent, score, when } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import type { ContactDetail, Ledger, LiveScore, ModelInfo } from '../types.js'
import { useData } from '../use-data.js'
import { Committee } from './accounts.js'

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null
}

function displayName(p: Record<string, unknown>, id: string): string {
  const name = [text(p['first_name'] ?? p['firstName']), text(p['last_name'] ?? p['lastName'])]
    .filter(Boolean)
    .join(' ')
  return name || text(p['name']) || text(p['email']) || id
}

function companyOf(p: Record<string, unknown>): string | null {
  const c = p['company']
  if (c && typeof c === 'object') return text((c as Record<string, unknown>)['name'])
  return text(c) ?? text(p['company_name'])
}

interface WhatIfAnswer {
  before: LiveScore
  after: LiveScore & { ledger: Ledger }
  delta: number
}

function WhatIf({ id, suggestions }: { id: string; suggestions: string[] }) {
  const t = useT()
  const labels = useLabels()
  const [answer, setAnswer] = useState<WhatIfAnswer | undefined>(undefined)
  const [error, setError] = useState<Error | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    const name = String(data.get('event') ?? '').trim()
    const path = String(data.get('path') ?? '').trim()
    const times = Math.max(1, Math.min(20, Number(data.get('times') ?? 1) || 1))
    setBusy(true)
    setError(undefined)
    try {
      const events = Array.from({ length: times }, () => ({ name, properties: path ? { path } : {} }))
      setAnswer(
        await api<WhatIfAnswer>(`/api/dashboard/contacts/${encodeURIComponent(id)}/what-if`, {
          method: 'POST',
          body: { events },
        }),
      )
    } catch (err) {
      setError(err instanceof Error ? err : new ApiError(0, {}))
      setAnswer(undefined)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card title={t.t('whatIf.title')}>
      <p class="muted small" style={{ marginTop: 0 }}>
        {t.t('whatIf.intro')}
      </p>
      <form class="toolbar" onSubmit={submit}>
        <label class="field" style={{ flex: '1 1 10rem' }}>
          {t.t('whatIf.event')}
          <input name="event" list="what-if-events" required placeholder="Demo Requested" />
          <datalist id="what-if-events">
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label class="field" style={{ flex: '1 1 7rem' }}>
          {t.t('whatIf.path')}
          <input name="path" placeholder="/pricing" />
        </label>
        <label class="field" style={{ width: '5rem' }}>
          {t.t('whatIf.times')}
          <input name="times" type="number" min={1} max={20} value={1} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t.t('whatIf.submit')}
        </button>
      </form>
      <ErrorBox error={error} />
      {answer ? (
        <div role="status" aria-live="polite" data-what-if={answer.after.total}>
          <p>
            {t.t('whatIf.scoreWouldBe')} <strong class="num">{score(answer.after.total)}</strong>{' '}
            <span class={answer.delta >= 0 ? 'pos' : 'neg'}>({fmtPoints(answer.delta)})</span>
            {answer.after.band !== answer.before.band ? (
              <>
                {' '}
                · {t.t('whatIf.band')} <Band band={answer.before.band} /> → <Band band={answer.after.band} />
              </>
            ) : null}
            {answer.after.stage !== answer.before.stage
              ? ` · ${t.t('whatIf.stage', {
                  from: answer.before.stage ? labels.stage(answer.before.stage) : '—',
                  to: answer.after.stage ? labels.stage(answer.after.stage) : '—',
                })}`
              : ''}
          </p>
        </div>
      ) : null}
    </Card>
  )
}

export function LeadPage({ params }: PageProps) {
  const t = useT()
  const labels = useLabels()
  const id = params[0] ?? ''
  const detail = useData(() => api<ContactDetail>(`/api/contacts/${encodeURIComponent(id)}?limit=200`), [id])
  const model = useData(() => api<ModelInfo>('/api/dashboard/model'), [])
  const [showAll, setShowAll] = useState(false)
  const d = detail.value
  const chartPoints = useMemo(() => {
    if (!d) return []
    const pts = d.history.map((h) => ({ at: h.at, total: h.total, fit: h.fit, engagement: h.engagement }))
    pts.push({ at: d.live.asOf, total: d.live.total, fit: d.live.fit, engagement: d.live.engagement })
    return pts.sort((a, b) => a.at - b.at)
  }, [d])
  if (detail.error) return <ErrorBox error={detail.error} />
  if (!d) return <Loading what={t.t('lead.loading')} />

  const p = d.contact.properties
  const live = d.live
  const name = displayName(p, d.contact.id)
  const suggestions = [...new Set([...(model.value?.events ?? []), ...d.timeline.map((e) => e.name)])].slice(
    0,
    60,
  )
  const accountName = d.account ? (text(d.account.record.properties['name']) ?? d.account.record.id) : null
  const accountScore = d.account?.scores.find((s) => s.modelId === d.model.id)

  return (
    <>
      <div class="page-head">
        <a href="/">← {t.t('nav.queue')}</a>
        <h1>{name}</h1>
        <span class="sub">
          {[text(p['job_title'] ?? p['title']), companyOf(p), text(p['email'])].filter(Boolean).join(' · ')}
        </span>
      </div>
      <div class="grid cols-2">
        <div class="grid">
          <Card title={t.t('lead.score')}>
            <div class="row" style={{ gap: '2rem', alignItems: 'flex-end' }}>
              <div class="stat">
                <span class="score-big" data-score={live.total}>
                  {score(live.total)}
                </span>
                <span class="label">{t.t('lead.totalOf', { max: model.value?.totalMax ?? 100 })}</span>
              </div>
              <div class="stat">
                <span class="value">{score(live.fit)}</span>
                <span class="label">{t.t('lead.fit')}</span>
              </div>
              <div class="stat">
                <span class="value">{score(live.engagement)}</span>
                <span class="label">{t.t('lead.engagement')}</span>
              </div>
              {live.likelihood !== null ? (
                <div class="stat">
                  <span class="value">{percent(live.likelihood)}</span>
                  <span class="label">{t.t('lead.likelihood')}</span>
                </div>
              ) : null}
            </div>
            <dl class="row" style={{ gap: '1.25rem', marginBottom: 0 }}>
              {(
                [
                  [t.t('queue.filter.band'), <Band key="b" band={live.band} />],
                  [t.t('queue.filter.grade'), live.grade],
                  [t.t('queue.filter.label'), live.label],
                  [t.t('queue.filter.stage'), live.stage ? labels.stage(live.stage) : null],
                  [t.t('queue.filter.journey'), live.journey ? labels.journey(live.journey) : null],
                  [t.t('queue.filter.owner'), d.contact.owner],
                  [t.t('lead.segments'), t.list(live.segments.map((s) => labels.segment(s))) || null],
                ] as const
              ).map(([k, v]) => (
                <div key={k}>
                  <dt class="muted small">{k}</dt>
                  <dd style={{ margin: 0 }}>{v ?? '—'}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title={t.t('lead.why')}>
            <LedgerView ledger={live.ledger} asOf={live.asOf} />
          </Card>
          {(d.predictions ?? []).map((p) => (
            <Card key={p.model} title={t.t('lead.prediction.title', { model: p.model, version: p.version })}>
              <p class="row" style={{ alignItems: 'baseline', gap: '0.5rem' }} data-prediction={p.model}>
                <span class="value">{percent(p.likelihood)}</span>
                <span class="muted small">
                  {p.base === null
                    ? t.t('lead.prediction.when', { when: day(p.predictedAt) })
                    : t.t('lead.prediction.base', { base: percent(p.base), when: day(p.predictedAt) })}
                </span>
              </p>
              {(
                [
                  ['raised', t.t('lead.prediction.raised'), p.raised],
                  ['lowered', t.t('lead.prediction.lowered'), p.lowered],
                ] as const
              ).map(([kind, title, reasons]) =>
                reasons.length === 0 ? null : (
                  <div key={kind}>
                    <h3 class="small muted">{title}</h3>
                    <ul class="reasons" data-reasons={kind}>
                      {reasons.map((r) => (
                        <li key={`${r.feature}=${r.value}`}>
                          <span class={r.points >= 0 ? 'pos' : 'neg'}>
                            {t.t('lead.prediction.points', { points: fmtPoints(r.points) })}
                          </span>{' '}
                          {t.t('lead.prediction.reason', { feature: r.feature, value: r.value })}
                        </li>
                      ))}
                    </ul>
                  </div>
                ),
              )}
            </Card>
          ))}
          <Card title={t.t('lead.timeline', { count: d.events })}>
            <div class="table-wrap">
              <table class="timeline">
                <thead>
                  <tr>
                    <th>{t.t('lead.col.when')}</th>
                    <th>{t.t('whatIf.event')}</th>
                    <th class="num">{t.t('lead.col.points')}</th>
                    <th>{t.t('lead.col.rules')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.timeline.slice(0, showAll ? undefined : 25).map((e) => (
                    <tr key={e.id}>
                      <td class="muted" title={when(e.ts)}>
                        {day(e.ts)}
                      </td>
                      <td>{eventName(e.name, e.properties)}</td>
                      <td class={`num ${e.points > 0 ? 'pos' : e.points < 0 ? 'neg' : 'muted'}`}>
                        {e.rules.length > 0 ? fmtPoints(e.points) : ''}
                      </td>
                      <td class="muted small">{e.rules.map((r) => r.label ?? r.id).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="row muted small">
              {showAll || d.timeline.length <= 25
                ? t.t('lead.newest', { shown: count(d.timeline.length), count: d.events })
                : t.t('lead.newest', { shown: count(25), count: d.events })}
              {!showAll && d.timeline.length > 25 ? (
                <button type="button" class="link" onClick={() => setShowAll(true)}>
                  {t.t('lead.showMore', { count: d.timeline.length - 25 })}
                </button>
              ) : null}
            </p>
          </Card>
        </div>
        <div class="grid" style={{ alignContent: 'start' }}>
          <WhatIf id={d.contact.id} suggestions={suggestions} />
          <Card title={t.t('lead.overTime')}>
            {model.value ? (
              <ScoreChart points={chartPoints} bands={model.value.bands} max={model.value.totalMax} />
            ) : (
              <Loading />
            )}
          </Card>
          <Card title={t.t('lead.stageHistory')}>
            {d.stageHistory.length === 0 ? (
              <p class="muted">
                {live.stage
                  ? t.t('lead.noStageChangeSince', { stage: labels.stage(live.stage) })
                  : t.t('lead.noStageChange')}
              </p>
            ) : (
              <ol class="ledger">
                {d.stageHistory.map((s) => (
                  <li key={`${s.at}-${s.to}`}>
                    <span class="muted small">{day(s.at)}</span>
                    <span>
                      {s.from === null ? t.t('lead.stageNew') : labels.stage(s.from)} →{' '}
                      <strong>{s.to === null ? t.t('lead.stageNone') : labels.stage(s.to)}</strong>{' '}
                      <span class="why">{ago(s.at)}</span>
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Card title={t.t('lead.account')}>
            {d.account ? (
              <>
                <p style={{ marginTop: 0 }}>
                  <a href={`/accounts/${encodeURIComponent(d.account.record.id)}`}>{accountName}</a>
                  {accountScore ? (
                    <>
                      {' '}
                      · {t.t('lead.accountScore')} <strong>{score(accountScore.total)}</strong>{' '}
                      <Band band={accountScore.band} />
                    </>
                  ) : null}
                </p>
                {accountScore ? <Committee roles={accountScore.committee} /> : null}
              </>
            ) : (
              <p class="muted">{t.t('lead.noAccount')}</p>
            )}
          </Card>
        </div>
      </div>
    </>
  )
}
