/** Accounts ranked by their score, with the coverage of the buying committee by role. */
import { api, query } from '../api.js'
import type { PageProps } from '../app.js'
import { Band, Card, ErrorBox, Loading, ScoreBar } from '../components/bits.js'
import { Pager, usePages } from '../components/pager.js'
import { count, score } from '../format.js'
import type { AccountDetail, AccountItem, CommitteeRole } from '../types.js'
import { useData } from '../use-data.js'

/** Each role: covered (an engaged member), present (members, none engaged), or missing. */
export function Committee({ roles }: { roles: readonly CommitteeRole[] }) {
  if (roles.length === 0) return <span class="muted">—</span>
  const covered = roles.filter((r) => r.covered).length
  return (
    <span class="coverage" title={`${covered} of ${roles.length} committee roles covered`}>
      <strong class="small" style={{ minWidth: '2.2rem' }}>
        {covered}/{roles.length}
      </strong>
      {roles.map((r) => {
        const state = r.covered ? 'covered' : r.members.length > 0 ? 'present' : 'missing'
        const what =
          state === 'covered' ? 'engaged' : state === 'present' ? 'known, not engaged' : 'nobody yet'
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
        <h1>Accounts</h1>
        <span class="sub">ranked by account score; the committee shows which buying roles are engaged</span>
      </div>
      <ErrorBox error={page.error} />
      <div class="table-wrap" aria-busy={page.loading}>
        <table>
          <thead>
            <tr>
              <th class="num">#</th>
              <th>Account</th>
              <th class="num">Score</th>
              <th class="num">Fit</th>
              <th class="num">Engagement</th>
              {showBand ? <th>Band</th> : null}
              <th class="num">Contacts</th>
              <th>Buying committee</th>
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
        {page.loading && rows.length === 0 ? <Loading what="Loading the accounts" /> : null}
        {!page.loading && rows.length === 0 && !page.error ? (
          <p class="empty">No account is scored yet.</p>
        ) : null}
      </div>
      <Pager pages={pages} rows={rows.length} nextCursor={page.value?.nextCursor} />
    </>
  )
}

export function AccountPage({ params }: PageProps) {
  const id = params[0] ?? ''
  const data = useData(() => api<AccountDetail>(`/api/accounts/${encodeURIComponent(id)}`), [id])
  if (data.error) return <ErrorBox error={data.error} />
  const d = data.value
  if (!d) return <Loading what="Loading the account" />
  const s = d.scores[0]
  const name = typeof d.account.properties['name'] === 'string' ? d.account.properties['name'] : d.account.id
  const members = [...d.members].sort((a, b) => (b.score?.total ?? -1) - (a.score?.total ?? -1))
  return (
    <>
      <div class="page-head">
        <a href="/accounts">← Accounts</a>
        <h1>{name}</h1>
        <span class="sub">{count(d.members.length)} contacts</span>
      </div>
      <div class="grid cols-2">
        <Card title="People">
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Title</th>
                  <th class="num">Score</th>
                  <th>Label</th>
                  <th>Band</th>
                  <th>Stage</th>
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
                    <td>{m.stage ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Account score">
          {s ? (
            <>
              <div class="row" style={{ gap: '2rem' }}>
                <div class="stat">
                  <span class="score-big">{score(s.total)}</span>
                  <span class="label">total</span>
                </div>
                <div class="stat">
                  <span class="value">{score(s.fit)}</span>
                  <span class="label">fit</span>
                </div>
                <div class="stat">
                  <span class="value">{score(s.engagement)}</span>
                  <span class="label">engagement</span>
                </div>
                <Band band={s.band} />
              </div>
              <h3>Buying committee</h3>
              <Committee roles={s.committee} />
            </>
          ) : (
            <p class="muted">Not scored yet.</p>
          )}
        </Card>
      </div>
    </>
  )
}
