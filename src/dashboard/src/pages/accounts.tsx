/** Accounts ranked by their score, with the coverage of the buying committee by role. */
import { api, query } from '../api.js'
import type { PageProps } from '../app.js'
import { Band, Card, ErrorBox, Loading, ScoreBar } from '../components/bits.js'
import { Pager, usePages } from '../components/pager.js'
import { count, score } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import type { AccountDetail, AccountItem, CommitteeRole } from '../types.js'
import { useData } from '../use-data.js'

/** Each role: covered (an engaged member), present (members, none engaged), or missing. */
export function Committee({ roles }: { roles: readonly CommitteeRole[] }) {
  const t = useT()
  if (roles.length === 0) return <span class="muted">—</span>
  const covered = roles.filter((r) => r.covered).length
  return (
    <span class="coverage" title={t.t('committee.covered', { covered, count: roles.length })}>
      <strong class="small" style={{ minWidth: '2.2rem' }}>
        {covered}/{roles.length}
      </strong>
      {roles.map((r) => {
        const state = r.covered ? 'covered' : r.members.length > 0 ? 'present' : 'missing'
        const what =
          state === 'covered'
            ? t.t('committee.engaged')
            : state === 'present'
              ? t.t('committee.present')
              : t.t('committee.missing')
        return (
          <span key={r.id} class={`role ${state}`} title={`${r.label ?? r.id}: ${what}`}>
            {state === 'covered' ? '✓ ' : state === 'present' ? '• ' : '○ '}
            {r.label ?? r.id}
          </span>
        )
      })}
    </span>
  )
}

export function AccountsPage(_: PageProps) {
  const t = useT()
  const pages = usePages(50)
  const cursor = pages.cursor
  const page = useData(
    () =>
      api<{ items: AccountItem[]; nextCursor: string | null }>(
        `/api/accounts${query({ limit: 50, cursor })}`,
      ),
    [cursor],
  )
  const rows = page.value?.items ?? []
  const first = pages.offset
  const barMax = Math.max(100, ...rows.map((r) => r.score.total))
  const showBand = rows.some((r) => r.score.band !== null)
  return (
    <>
      <div class="page-head">
        <h1>{t.t('nav.accounts')}</h1>
        <span class="sub">{t.t('accounts.sub')}</span>
      </div>
      <ErrorBox error={page.error} />
      <div class="table-wrap" aria-busy={page.loading}>
        <table>
          <thead>
            <tr>
              <th class="num">#</th>
              <th>{t.t('lead.account')}</th>
              <th class="num">{t.t('queue.sort.total')}</th>
              <th class="num">{t.t('score.fit')}</th>
              <th class="num">{t.t('score.engagement')}</th>
              {showBand ? <th>{t.t('queue.filter.band')}</th> : null}
              <th class="num">{t.t('accounts.contacts')}</th>
              <th>{t.t('accounts.committee')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a, i) => (
              <tr key={a.id}>
                <td class="num muted">{first + i + 1}</td>
                <td class="lead">
                  <a href={`/accounts/${encodeURIComponent(a.id)}`}>{a.name ?? a.id}</a>
                  <div class="sub">
                    {typeof a.properties['industry'] === 'string' ? a.properties['industry'] : ''}
                  </div>
                </td>
                <td class="num">
                  <ScoreBar value={a.score.total} max={barMax} />
                </td>
                <td class="num">{score(a.score.fit)}</td>
                <td class="num">{score(a.score.engagement)}</td>
                {showBand ? (
                  <td>
                    <Band band={a.score.band} />
                  </td>
                ) : null}
                <td class="num">{count(a.score.contacts)}</td>
                <td>
                  <Committee roles={a.score.committee} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && rows.length === 0 ? <Loading what={t.t('accounts.loading')} /> : null}
        {!page.loading && rows.length === 0 && !page.error ? (
          <p class="empty">{t.t('accounts.empty')}</p>
        ) : null}
      </div>
      <Pager pages={pages} rows={rows.length} nextCursor={page.value?.nextCursor} />
    </>
  )
}

export function AccountPage({ params }: PageProps) {
  const t = useT()
  const labels = useLabels()
  const id = params[0] ?? ''
  const data = useData(() => api<AccountDetail>(`/api/accounts/${encodeURIComponent(id)}`), [id])
  if (data.error) return <ErrorBox error={data.error} />
  const d = data.value
  if (!d) return <Loading what={t.t('account.loading')} />
  const s = d.scores[0]
  const name = typeof d.account.properties['name'] === 'string' ? d.account.properties['name'] : d.account.id
  const members = [...d.members].sort((a, b) => (b.score?.total ?? -1) - (a.score?.total ?? -1))
  return (
    <>
      <div class="page-head">
        <a href="/accounts">← {t.t('nav.accounts')}</a>
        <h1>{name}</h1>
        <span class="sub">{t.t('account.contacts', { count: d.members.length })}</span>
      </div>
      <div class="grid cols-2">
        <Card title={t.t('account.people')}>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t.t('account.col.name')}</th>
                  <th>{t.t('account.col.title')}</th>
                  <th class="num">{t.t('queue.sort.total')}</th>
                  <th>{t.t('queue.filter.label')}</th>
                  <th>{t.t('queue.filter.band')}</th>
                  <th>{t.t('queue.filter.stage')}</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id}>
                    <td class="lead">
                      <a href={`/leads/${encodeURIComponent(m.id)}`}>{m.name ?? m.id}</a>
                    </td>
                    <td>{typeof m.title === 'string' ? m.title : ''}</td>
                    <td class="num">{m.score ? score(m.score.total) : ''}</td>
                    <td>{m.score?.label ?? ''}</td>
                    <td>
                      <Band band={m.score?.band} />
                    </td>
                    <td>{m.stage ? labels.stage(m.stage) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title={t.t('account.score')}>
          {s ? (
            <>
              <div class="row" style={{ gap: '2rem' }}>
                <div class="stat">
                  <span class="score-big">{score(s.total)}</span>
                  <span class="label">{t.t('ledger.total')}</span>
                </div>
                <div class="stat">
                  <span class="value">{score(s.fit)}</span>
                  <span class="label">{t.t('lead.fit')}</span>
                </div>
                <div class="stat">
                  <span class="value">{score(s.engagement)}</span>
                  <span class="label">{t.t('lead.engagement')}</span>
                </div>
                <Band band={s.band} />
              </div>
              <h3>{t.t('accounts.committee')}</h3>
              <Committee roles={s.committee} />
            </>
          ) : (
            <p class="muted">{t.t('account.notScored')}</p>
          )}
        </Card>
      </div>
    </>
  )
}
