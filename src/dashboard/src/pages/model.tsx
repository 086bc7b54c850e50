/**
 * The model editor: the YAML with highlighting, completion and the server's issues at their
 * line; a live preview over every stored lead (bands and stages before and after, the
 * leads that change band) about a second after an edit; saving drafts, publishing (which
 * rescores every lead), versions with a diff, and rolling back. Loaded as its own chunk.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { api } from '../api.js'
import type { PageProps } from '../app.js'
import { Band, Card, ErrorBox, Loading } from '../components/bits.js'
import { diffLines } from '../diff.js'
import { createEditor, type ModelEditor } from '../editor/create-editor.js'
import { count, day, score, when } from '../format.js'
import { type T, useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import type { ModelInfo, ModelIssue, ModelSummary, PreviewResult, PublishJob } from '../types.js'
import { useData, useDebounced } from '../use-data.js'

interface Models {
  models: { id: string; latest: ModelSummary; published: ModelSummary | null }[]
  jobs: PublishJob[]
}

const NONE = '(none)'

function statusName(t: T, status: string): string {
  if (status === 'draft') return t.t('model.status.draft')
  if (status === 'published') return t.t('model.status.published')
  if (status === 'archived') return t.t('model.status.archived')
  return status
}

function Bars({
  title,
  counts,
  order,
  name,
  single = false,
}: {
  title: string
  counts: PreviewResult['bands']
  order: string[]
  /** The label of a band or stage id. */
  name: (id: string) => string
  single?: boolean
}) {
  const t = useT()
  const keys = [...new Set([...order, ...Object.keys(counts.before), ...Object.keys(counts.after)])].filter(
    (k) => (counts.before[k] ?? 0) + (counts.after[k] ?? 0) > 0,
  )
  const max = Math.max(1, ...keys.flatMap((k) => [counts.before[k] ?? 0, counts.after[k] ?? 0]))
  return (
    <div>
      <h3>{title}</h3>
      <div class="bars">
        {keys.map((k) => {
          const b = counts.before[k] ?? 0
          const a = counts.after[k] ?? 0
          return [
            <span key={`${k}-l`}>{k === NONE ? t.t('model.none') : name(k)}</span>,
            <span
              key={`${k}-p`}
              class="pair"
              role="img"
              aria-label={
                single
                  ? t.t('model.barNow', { name: k === NONE ? t.t('model.none') : name(k), count: a })
                  : t.t('model.barBeforeAfter', {
                      name: k === NONE ? t.t('model.none') : name(k),
                      before: count(b),
                      after: count(a),
                    })
              }
            >
              {single ? null : <span class="b" style={{ width: `${(b / max) * 100}%` }} />}
              <span class="a" style={{ width: `${(a / max) * 100}%` }} />
            </span>,
            <span key={`${k}-n`} class="num" data-band-after={k} data-count={a}>
              {count(a)}
              {!single && a !== b ? (
                <span class="muted small">
                  {' '}
                  ({a > b ? '+' : '−'}
                  {count(Math.abs(a - b))})
                </span>
              ) : null}
            </span>,
          ]
        })}
      </div>
    </div>
  )
}

function Preview({ preview, bands, stages }: { preview: PreviewResult; bands: string[]; stages: string[] }) {
  const t = useT()
  const labels = useLabels()
  return (
    <div data-preview-version={preview.model.version}>
      <div class="legend">
        <span>
          <i style={{ background: '#c5cad6' }} />
          {preview.baseline
            ? t.t('model.nowVersion', { version: preview.baseline.version })
            : t.t('model.now')}
        </span>
        <span>
          <i style={{ background: 'var(--accent)' }} />
          {t.t('model.withEdit')}
        </span>
        <span class="spacer" />
        <span>{t.t('model.scoredIn', { count: preview.contacts, ms: count(preview.ms) })}</span>
        <span class="muted" data-snapshot-at={preview.snapshotAt}>
          {t.t('model.dataRead', { when: t.relative(preview.snapshotAt, Date.now()) })}
          {preview.refreshing ? ` · ${t.t('model.refreshing')}` : ''}
        </span>
      </div>
      <div class="grid cols-3" style={{ marginBottom: '0.5rem' }}>
        <div class="stat">
          <span class="value">{score(preview.meanTotal.before)}</span>
          <span class="label">{t.t('model.meanNow')}</span>
        </div>
        <div class="stat">
          <span class="value">{score(preview.meanTotal.after)}</span>
          <span class="label">{t.t('model.meanAfter')}</span>
        </div>
        <div class="stat">
          <span class="value" data-band-changes={preview.bandChanges}>
            {count(preview.bandChanges)}
          </span>
          <span class="label">{t.t('model.changeBand', { count: preview.bandChanges })}</span>
        </div>
      </div>
      <Bars title={t.t('model.byBand')} counts={preview.bands} order={bands} name={labels.band} />
      <Bars title={t.t('model.byStage')} counts={preview.stages} order={stages} name={labels.stage} />
      {preview.changes.length > 0 ? (
        <>
          <h3>{t.t('model.changes')}</h3>
          <div class="table-wrap" style={{ maxHeight: '16rem', overflow: 'auto' }}>
            <table>
              <thead>
                <tr>
                  <th>{t.t('queue.col.lead')}</th>
                  <th class="num">{t.t('queue.sort.total')}</th>
                  <th>{t.t('queue.filter.band')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.changes.slice(0, 50).map((c) => (
                  <tr key={c.contactId}>
                    <td>
                      <a href={`/leads/${encodeURIComponent(c.contactId)}`}>{c.name ?? c.contactId}</a>
                    </td>
                    <td class="num">
                      {score(c.before.total)} → <strong>{score(c.after.total)}</strong>
                    </td>
                    <td>
                      <Band band={c.before.band} /> → <Band band={c.after.band} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  )
}

export function ModelPage(_: PageProps) {
  const t = useT()
  const labels = useLabels()
  const models = useData(() => api<Models>('/api/models'), [])
  const primary = models.value?.models.find((m) => m.published?.primary) ?? models.value?.models[0]
  const modelId = primary?.id
  const versions = useData(
    () =>
      modelId
        ? api<{ versions: ModelSummary[] }>(`/api/models/${encodeURIComponent(modelId)}/versions`)
        : Promise.resolve({ versions: [] }),
    [modelId],
  )
  const schema = useData(() => api<Record<string, unknown>>('/api/dashboard/model-schema'), [])
  const [loaded, setLoaded] = useState<{ version: number; source: string } | undefined>(undefined)
  const [source, setSource] = useState<string | undefined>(undefined)
  const [issues, setIssues] = useState<ModelIssue[]>([])
  const [preview, setPreview] = useState<PreviewResult | undefined>(undefined)
  const [previewing, setPreviewing] = useState(false)
  const [error, setError] = useState<Error | undefined>(undefined)
  const [job, setJob] = useState<PublishJob | undefined>(undefined)
  // the counts read every score: asked for once the editor has what it needs, so on a large
  // database they do not hold up its first render
  const current = useData(
    () =>
      loaded === undefined
        ? Promise.resolve(undefined)
        : Promise.all(
            (['band', 'stage'] as const).map((by) =>
              api<{ counts: { value: string | null; count: number }[] }>(
                `/api/contacts/counts?by=${by}`,
              ).then((r) => Object.fromEntries(r.counts.map((c) => [c.value ?? NONE, c.count]))),
            ),
          ),
    [job?.status === 'done', loaded !== undefined],
  )
  const [diffWith, setDiffWith] = useState<{ version: number; source: string } | undefined>(undefined)
  const box = useRef<HTMLDivElement>(null)
  const editor = useRef<ModelEditor | undefined>(undefined)
  const edited = useDebounced(source, 400)
  const published = versions.value?.versions.find((v) => v.status === 'published')

  const open = async (version: number) => {
    if (!modelId) return
    const v = await api<{ version: number; source: string }>(
      `/api/models/${encodeURIComponent(modelId)}/versions/${version}`,
    )
    setLoaded(v)
    setSource(v.source)
    editor.current?.setSource(v.source)
  }
  useEffect(() => {
    if (published && !loaded) void open(published.version).catch(setError)
  }, [published?.version])

  useEffect(() => {
    if (!box.current || !loaded || !schema.value || editor.current) return
    editor.current = createEditor(box.current, loaded.source, schema.value, setSource, t.t('model.editor'))
    return () => {
      editor.current?.destroy()
      editor.current = undefined
    }
  }, [loaded !== undefined, schema.value !== undefined])

  // one preview at a time: edits made while one runs wait, and only the latest is previewed
  const previewQueue = useRef<{ running: boolean; next: string | undefined }>({
    running: false,
    next: undefined,
  })
  const latest = useRef<string | undefined>(undefined)
  const runPreviews = async () => {
    const queue = previewQueue.current
    if (queue.running) return
    queue.running = true
    setPreviewing(true)
    try {
      while (queue.next !== undefined) {
        const text = queue.next
        queue.next = undefined
        const next = await api<PreviewResult>('/api/dashboard/models/preview', {
          method: 'POST',
          body: { source: text },
        })
        if (text === latest.current) setPreview(next)
      }
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)))
    } finally {
      queue.running = false
      setPreviewing(false)
    }
  }

  // check (fast: the problems at their line), then preview, after typing pauses
  useEffect(() => {
    latest.current = edited
    if (edited === undefined) return
    // the version as loaded needs no preview: it is what every lead is scored with now
    if (edited === loaded?.source) {
      previewQueue.current.next = undefined
      setPreview(undefined)
      setIssues([])
      editor.current?.showIssues([])
      return
    }
    let stale = false
    void api<{ ok: boolean; issues: ModelIssue[] }>('/api/dashboard/models/check', {
      method: 'POST',
      body: { source: edited },
    }).then(
      (check) => {
        if (stale) return
        setIssues(check.issues)
        editor.current?.showIssues(check.issues)
        if (check.ok) {
          previewQueue.current.next = edited
          void runPreviews()
        }
      },
      (e: unknown) => !stale && setError(e instanceof Error ? e : new Error(String(e))),
    )
    return () => {
      stale = true
    }
  }, [edited])

  const dirty = source !== undefined && loaded !== undefined && source !== loaded.source
  const errors = issues.filter((i) => i.severity === 'error')

  const waitForJob = async (version: number) => {
    for (;;) {
      const all = await api<Models>('/api/models')
      const j = all.jobs.find((x) => x.model === modelId && x.version === version)
      if (j) setJob(j)
      if (j?.status !== 'running') return
      await new Promise((r) => setTimeout(r, 400))
    }
  }

  const saveDraft = async (): Promise<ModelSummary> => {
    const made = await api<{ model: ModelSummary }>('/api/models', { method: 'POST', body: { source } })
    setLoaded({ version: made.model.version, source: source ?? '' })
    versions.reload()
    models.reload()
    return made.model
  }
  const act = (fn: () => Promise<void>) => () => {
    setError(undefined)
    fn().catch((e: unknown) => setError(e instanceof Error ? e : new Error(String(e))))
  }
  const publish = act(async () => {
    const draft =
      dirty || !loaded
        ? await saveDraft()
        : versions.value?.versions.find((v) => v.version === loaded.version)
    if (!draft || !modelId) return
    await api(`/api/models/${encodeURIComponent(draft.id)}/versions/${draft.version}/publish`, {
      method: 'POST',
      body: {},
    })
    await waitForJob(draft.version)
    versions.reload()
    models.reload()
    labels.reload()
  })
  const rollback = (version: number) =>
    act(async () => {
      if (!modelId) return
      await api(`/api/models/${encodeURIComponent(modelId)}/rollback`, { method: 'POST', body: { version } })
      await waitForJob(version)
      versions.reload()
      labels.reload()
      await open(version)
    })
  const showDiff = (version: number) =>
    act(async () => {
      if (!modelId) return
      setDiffWith(await api(`/api/models/${encodeURIComponent(modelId)}/versions/${version}`))
    })

  const diff = useMemo(
    () => (diffWith && source !== undefined ? diffLines(diffWith.source, source) : []),
    [diffWith, source],
  )
  const info = useData(() => api<ModelInfo>('/api/dashboard/model'), [job?.status === 'done'])
  const bandOrder = useMemo(() => (info.value?.bands ?? []).map((b) => b.id), [info.value])
  const stageOrder = useMemo(() => (info.value?.stages ?? []).map((b) => b.id), [info.value])

  if (models.error) return <ErrorBox error={models.error} />
  if (!models.value) return <Loading what={t.t('model.loading')} />

  return (
    <>
      <div class="page-head">
        <h1>{t.t('nav.model')}</h1>
        <span class="sub">
          {modelId} {loaded ? `· ${t.t('model.editingFrom', { version: loaded.version })}` : ''}{' '}
          {dirty ? `· ${t.t('model.unsaved')}` : ''}
        </span>
        <span class="spacer" />
        <button
          type="button"
          onClick={act(async () => void (await saveDraft()))}
          disabled={!dirty || errors.length > 0}
        >
          {t.t('model.saveDraft')}
        </button>
        <button
          type="button"
          class="primary"
          onClick={publish}
          disabled={errors.length > 0 || job?.status === 'running'}
        >
          {job?.status === 'running'
            ? t.t('model.publishing', { scored: count(job.scored) })
            : t.t('model.publish')}
        </button>
      </div>
      <ErrorBox error={error} />
      {job && job.status !== 'running' ? (
        <p class="notice" role="status">
          {job.status === 'done'
            ? t.t('model.published', { version: job.version, count: job.scored })
            : t.t('model.publishFailed', { version: job.version, count: job.scored, status: job.status })}
          {job.error ? ` (${job.error})` : ''}
        </p>
      ) : null}
      <div class="editor-layout">
        <div>
          <div class="editor" ref={box}>
            {!loaded || !schema.value ? <Loading what={t.t('model.opening')} /> : null}
          </div>
          <ul class="issues" aria-live="polite" aria-label={t.t('model.problems')}>
            {issues.length === 0 && source !== undefined ? (
              <li class="muted small">{t.t('model.noProblems')}</li>
            ) : null}
            {issues.map((i) => (
              <li key={`${i.line}-${i.column}-${i.code}`} class={i.severity === 'error' ? 'neg' : 'muted'}>
                <button
                  type="button"
                  class="link"
                  onClick={() => {
                    const view = editor.current?.view
                    if (!view || i.line === undefined) return
                    const line = view.state.doc.line(Math.min(i.line, view.state.doc.lines))
                    view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true })
                    view.focus()
                  }}
                >
                  {t.t('model.line', { line: i.line ?? '?' })}
                </button>
                : {i.path ? `${i.path}: ` : ''}
                {i.message}
              </li>
            ))}
          </ul>
        </div>
        <div class="grid">
          <Card
            title={t.t('model.preview')}
            actions={previewing && preview ? <span class="muted small">{t.t('common.updating')}</span> : null}
          >
            {preview && dirty ? (
              <Preview preview={preview} bands={bandOrder} stages={stageOrder} />
            ) : previewing ? (
              <Loading what={t.t('model.scoring')} />
            ) : current.value ? (
              <div data-preview-idle="">
                <p class="muted small" style={{ marginTop: 0 }}>
                  {t.t('model.idle')}
                </p>
                <Bars
                  title={t.t('model.byBandNow')}
                  counts={{ before: current.value[0]!, after: current.value[0]! }}
                  order={bandOrder}
                  name={labels.band}
                  single
                />
                <Bars
                  title={t.t('model.byStageNow')}
                  counts={{ before: current.value[1]!, after: current.value[1]! }}
                  order={stageOrder}
                  name={labels.stage}
                  single
                />
              </div>
            ) : (
              <Loading />
            )}
          </Card>
          <Card title={t.t('model.versions')}>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t.t('model.col.version')}</th>
                    <th>{t.t('keys.col.status')}</th>
                    <th>{t.t('keys.col.created')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {[...(versions.value?.versions ?? [])].reverse().map((v) => (
                    <tr key={v.version}>
                      <td>
                        v{v.version}
                        {v.primary ? <span class="muted small"> · {t.t('model.primary')}</span> : null}
                      </td>
                      <td>{statusName(t, v.status)}</td>
                      <td title={when(v.createdAt)}>{day(v.createdAt)}</td>
                      <td class="row">
                        <button type="button" onClick={showDiff(v.version)}>
                          {t.t('model.diff')}
                        </button>
                        <button type="button" onClick={act(() => open(v.version))}>
                          {t.t('model.open')}
                        </button>
                        {v.status !== 'published' && v.publishedAt !== null ? (
                          <button type="button" onClick={rollback(v.version)}>
                            {t.t('model.rollback')}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          {diffWith ? (
            <Card
              title={t.t('model.changesFrom', { version: diffWith.version })}
              actions={
                <button type="button" class="link" onClick={() => setDiffWith(undefined)}>
                  {t.t('common.close')}
                </button>
              }
            >
              {diff.every((l) => l.kind === 'same') ? (
                <p class="muted">{t.t('model.noDiff')}</p>
              ) : (
                <section class="diff" aria-label={t.t('model.diff')}>
                  {diff
                    .filter(
                      (l, i, all) =>
                        l.kind !== 'same' ||
                        all.slice(Math.max(0, i - 2), i + 3).some((x) => x.kind !== 'same'),
                    )
                    .map((l, i) => (
                      <span key={i} class={l.kind === 'same' ? '' : l.kind}>
                        {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '− ' : '  '}
                        {l.text}
                        {'\n'}
                      </span>
                    ))}
                </section>
              )}
            </Card>
          ) : null}
        </div>
      </div>
    </>
  )
}
