/**
 * The ranked queue: who to call first. Filters, search, sort and "my leads" live in the
 * address (so a view can be bookmarked, shared, or saved by name in this browser); pages
 * are keyset pages of the API, as fast on the millionth contact as on the first.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, query } from '../api.js'
import type { PageProps } from '../app.js'
import { Band, ErrorBox, Loading, ScoreBar } from '../components/bits.js'
import { Pager, usePages } from '../components/pager.js'
import { ago, count, percent, score } from '../format.js'
import { type DashboardKey, useT } from '../i18n.js'
import { type Labels, useLabels } from '../labels.js'
import { navigate, useLocation } from '../router.js'
import type { CountRow, ModelInfo, QueuePage as QueueAnswer } from '../types.js'
import { useData, useDebounced } from '../use-data.js'

const FILTERS = ['band', 'grade', 'label', 'stage', 'journey', 'segment', 'owner'] as const
type Filter = (typeof FILTERS)[number]
const SORTS = {
  total: 'queue.sort.total',
  fit: 'queue.sort.fit',
  engagement: 'queue.sort.engagement',
  likelihood: 'queue.sort.likelihood',
  last_activity: 'queue.sort.lastActivity',
} as const satisfies Record<string, DashboardKey>
type Sort = keyof typeof SORTS
const FILTER_NAMES = {
  grade: 'queue.filter.grade',
  label: 'queue.filter.label',
  stage: 'queue.filter.stage',
  journey: 'queue.filter.journey',
  segment: 'queue.filter.segment',
  owner: 'queue.filter.owner',
} as const satisfies Record<Exclude<Filter, 'band'>, DashboardKey>

/** A filter's value as people read it: the model's label for a stage, journey or segment. */
function valueText(labels: Labels, filter: Filter, value: string): string {
  if (filter === 'stage') return labels.stage(value)
  if (filter === 'journey') return labels.journey(value)
  if (filter === 'segment') return labels.segment(value)
  return value
}
const PAGE_SIZE = 50
const VIEWS_KEY = 'leadscore.views'

interface SavedView {
  name: string
  search: string
}

function loadViews(): SavedView[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(VIEWS_KEY) ?? '[]') as unknown
    return Array.isArray(parsed) ? (parsed as SavedView[]).filter((v) => typeof v?.name === 'string') : []
  } catch {
    return []
  }
}

/** The API query of the queue's address. */
export function queueQuery(
  search: URLSearchParams,
  me: string | null | undefined,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const f of FILTERS) out[f] = search.get(f) ?? undefined
  if (search.get('mine') === '1' && me) out['owner'] = me
  out['q'] = search.get('q') ?? undefined
  out['sort'] = search.get('sort') ?? undefined
  out['direction'] = search.get('direction') ?? undefined
  return out
}

export function QueuePage({ session }: PageProps) {
  const t = useT()
  const labels = useLabels()
  const { search } = useLocation()
  const me = session.email
  const [text, setText] = useState(search.get('q') ?? '')
  const typed = useDebounced(text, 250)
  const pages = usePages(PAGE_SIZE)
  const [views, setViews] = useState(loadViews)
  const [naming, setNaming] = useState(false)
  const filters = queueQuery(search, me)
  const key = query(filters)

  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(location.search)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k)
      else next.set(k, v)
    }
    const s = next.toString()
    navigate(`/${s ? `?${s}` : ''}`, true)
  }

  useEffect(() => {
    if (typed !== (search.get('q') ?? '')) set({ q: typed.trim() || null })
  }, [typed])
  useEffect(() => pages.reset(), [key])

  const cursor = pages.cursor
  const page = useData(
    () => api<QueueAnswer>(`/api/contacts${query({ ...filters, limit: PAGE_SIZE, cursor })}`),
    [key, cursor],
  )
  // the filters' counts load after the first rows, so the queue shows first
  const rowsShown = page.value !== undefined
  const counts = useData(
    async () =>
      rowsShown
        ? (Object.fromEntries(
            await Promise.all(
              FILTERS.map((by) =>
                api<{ counts: CountRow[] }>(`/api/contacts/counts?by=${by}`).then(
                  (r) => [by, r.counts] as const,
                ),
              ),
            ),
          ) as Record<Filter, CountRow[]>)
        : undefined,
    [rowsShown],
  )
  const model = useData(() => api<ModelInfo>('/api/dashboard/model'), [])
  const bandCounts = useMemo(() => {
    const order = (model.value?.bands ?? []).map((b) => b.id)
    const rank = (v: string | null) => (v === null ? 1e9 : order.indexOf(v) < 0 ? 1e8 : order.indexOf(v))
    return [...(counts.value?.band ?? [])].sort((a, b) => rank(a.value) - rank(b.value))
  }, [counts.value, model.value])
  const total = useMemo(() => (counts.value?.band ?? []).reduce((s, r) => s + r.count, 0), [counts.value])
  const sort = (search.get('sort') ?? 'total') as Sort
  const direction = search.get('direction') ?? 'desc'
  const rows = page.value?.items ?? []
  const showLikelihood = rows.some((r) => r.score.likelihood !== null)
  const first = pages.offset

  const saveView = (e: Event) => {
    e.preventDefault()
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '').trim()
    if (!name) return
    const next = [...views.filter((v) => v.name !== name), { name, search: location.search }]
    localStorage.setItem(VIEWS_KEY, JSON.stringify(next))
    setViews(next)
    setNaming(false)
  }
  const removeView = (name: string) => {
    const next = views.filter((v) => v.name !== name)
    localStorage.setItem(VIEWS_KEY, JSON.stringify(next))
    setViews(next)
  }

  const header = (s: Sort, wide = false) => (
    <th
      aria-sort={sort === s ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}
      class={wide ? 'num wide' : 'num'}
    >
      <button
        type="button"
        onClick={() =>
          set({
            sort: s === 'total' ? null : s,
            direction: sort === s && direction === 'desc' ? 'asc' : null,
          })
        }
      >
        {t.t(SORTS[s])}
        {sort === s ? (direction === 'asc' ? ' ↑' : ' ↓') : ''}
      </button>
    </th>
  )

  return (
    <>
      <div class="page-head">
        <h1>{t.t('nav.queue')}</h1>
        <span class="sub">{counts.value ? t.t('queue.sub', { count: total }) : ''}</span>
        <span class="spacer" />
        <a class="button" href={`/api/contacts${query({ ...filters, format: 'csv' })}`} download>
          {t.t('queue.export')}
        </a>
      </div>

      <fieldset class="chips">
        <legend class="visually-hidden">{t.t('queue.filter.band')}</legend>
        <button
          type="button"
          class="chip"
          aria-pressed={!search.get('band')}
          onClick={() => set({ band: null })}
        >
          {t.t('queue.all')}
          <span class="count">{counts.value ? count(total) : ''}</span>
        </button>
        {bandCounts.map((b) => (
          <button
            type="button"
            key={b.value}
            class="chip"
            aria-pressed={search.get('band') === b.value}
            onClick={() => set({ band: search.get('band') === b.value ? null : b.value })}
          >
            {b.value === null ? t.t('queue.noBand') : labels.band(b.value)}
            <span class="count">{count(b.count)}</span>
          </button>
        ))}
      </fieldset>

      <div class="toolbar">
        <label class="field search">
          {t.t('queue.search')}
          <input
            type="search"
            value={text}
            placeholder={t.t('queue.searchPlaceholder')}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>
        {(['grade', 'label', 'stage', 'journey', 'segment', 'owner'] as const)
          .filter((f) => !counts.value || counts.value[f].some((r) => r.value !== null) || search.get(f))
          .map((f) => (
            <label class="field" key={f}>
              {t.t(FILTER_NAMES[f])}
              <select
                value={search.get(f) ?? ''}
                onChange={(e) => set({ [f]: (e.target as HTMLSelectElement).value })}
              >
                <option value="">{t.t('queue.any')}</option>
                {(counts.value?.[f] ?? [])
                  .filter((r) => r.value !== null)
                  .map((r) => (
                    <option key={r.value} value={r.value!}>
                      {valueText(labels, f, r.value!)} ({count(r.count)})
                    </option>
                  ))}
              </select>
            </label>
          ))}
        {me ? (
          <label class="inline" style={{ paddingBottom: '0.4rem' }}>
            <input
              type="checkbox"
              checked={search.get('mine') === '1'}
              onChange={(e) => set({ mine: (e.target as HTMLInputElement).checked ? '1' : null })}
            />
            {t.t('queue.mine')}
          </label>
        ) : null}
      </div>

      <section class="chips" aria-label={t.t('queue.views')}>
        {views.map((v) => (
          <span key={v.name} class="chip">
            <a href={`/${v.search}`}>{v.name}</a>{' '}
            <button
              type="button"
              class="link"
              aria-label={t.t('queue.deleteView', { name: v.name })}
              onClick={() => removeView(v.name)}
            >
              ×
            </button>
          </span>
        ))}
        {naming ? (
          <form class="row" onSubmit={saveView}>
            <input
              name="name"
              aria-label={t.t('queue.viewName')}
              placeholder={t.t('queue.viewName')}
              required
              ref={(el) => el?.focus()}
            />
            <button type="submit">{t.t('common.save')}</button>
            <button type="button" class="link" onClick={() => setNaming(false)}>
              {t.t('common.cancel')}
            </button>
          </form>
        ) : (
          <button type="button" class="link" onClick={() => setNaming(true)}>
            + {t.t('queue.saveView')}
          </button>
        )}
      </section>

      <ErrorBox error={page.error} />
      <div class="table-wrap" aria-busy={page.loading}>
        <table>
          <caption class="visually-hidden">
            {t.t('queue.caption', { sort: t.t(SORTS[sort] ?? SORTS.total) })}
          </caption>
          <thead>
            <tr>
              <th class="num">#</th>
              <th>{t.t('queue.col.lead')}</th>
              <th class="wide">{t.t('queue.col.company')}</th>
              {header('total')}
              {header('fit', true)}
              {header('engagement', true)}
              <th class="wide">{t.t('queue.filter.grade')}</th>
              <th>{t.t('queue.filter.label')}</th>
              <th>{t.t('queue.filter.band')}</th>
              <th>{t.t('queue.filter.stage')}</th>
              <th class="wide">{t.t('queue.filter.journey')}</th>
              <th class="wide">{t.t('queue.filter.owner')}</th>
              {header('last_activity')}
              {showLikelihood ? header('likelihood') : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.id} data-contact={r.id}>
                <td class="num muted">{first + i + 1}</td>
                <td class="lead">
                  <a href={`/leads/${encodeURIComponent(r.id)}`}>{r.name ?? r.email ?? r.id}</a>
                  <div class="sub">{r.title ?? r.email ?? ''}</div>
                </td>
                <td class="wide">{r.company ?? ''}</td>
                <td class="num" data-total={r.score.total}>
                  <ScoreBar value={r.score.total} />
                </td>
                <td class="num wide">{score(r.score.fit)}</td>
                <td class="num wide">{score(r.score.engagement)}</td>
                <td class="wide">{r.score.grade ?? ''}</td>
                <td>{r.score.label ?? ''}</td>
                <td>
                  <Band band={r.score.band} />
                </td>
                <td>{r.stage === null ? '' : labels.stage(r.stage)}</td>
                <td class="wide">{r.score.journey ? labels.journey(r.score.journey) : ''}</td>
                <td class="wide">{r.owner ?? <span class="muted">—</span>}</td>
                <td class="num muted">{ago(r.score.lastActivityAt)}</td>
                {showLikelihood ? <td class="num">{percent(r.score.likelihood)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && rows.length === 0 ? <Loading what={t.t('queue.loading')} /> : null}
        {!page.loading && rows.length === 0 && !page.error ? <p class="empty">{t.t('queue.empty')}</p> : null}
      </div>
      <Pager pages={pages} rows={rows.length} nextCursor={page.value?.nextCursor} />
    </>
  )
}
