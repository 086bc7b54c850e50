/** Small pieces shared by the pages. */
import type { ComponentChildren } from 'preact'
import { ApiError } from '../api.js'
import { score } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'

/** A band by its label (the id styles it). */
export function Band({ band }: { band: string | null | undefined }) {
  const labels = useLabels()
  if (!band) return <span class="muted">—</span>
  return (
    <span class={`band ${band}`} data-band={band}>
      {labels.band(band)}
    </span>
  )
}

export function ScoreBar({ value, max = 100 }: { value: number; max?: number }) {
  const pct = Math.max(0, Math.min(100, (value / max) * 100))
  return (
    <span class="scorebar">
      <strong class="num" style={{ minWidth: '2.6em' }}>
        {score(value)}
      </strong>
      <span class="track" aria-hidden="true">
        <span class="fill" style={{ width: `${pct}%` }} />
      </span>
    </span>
  )
}

/** What the page is doing while it waits (`bare`: before the messages are loaded). */
export function Loading({ what, bare = false }: { what?: string; bare?: boolean }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {bare ? '…' : <LoadingText what={what} />}
    </p>
  )
}

function LoadingText({ what }: { what: string | undefined }) {
  const t = useT()
  return <>{what ?? t.t('common.loading')}</>
}

/** A message of the API as a sentence: capital first letter. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null
  return <ErrorText error={error} />
}

/** The API's message (in the page's language: the server reads Accept-Language), else what happened. */
function ErrorText({ error }: { error: Error }) {
  const t = useT()
  const hint = (error as { hint?: string }).hint
  const message =
    error instanceof ApiError
      ? error.message || t.t('error.status', { status: error.status })
      : t.t('error.network')
  return (
    <div class="error" role="alert">
      {sentence(message)}
      {hint ? <div class="small">{hint}</div> : null}
    </div>
  )
}

export function Card({
  title,
  children,
  actions,
}: {
  title?: string
  children: ComponentChildren
  actions?: ComponentChildren
}) {
  return (
    <section class="card" aria-label={title}>
      {title || actions ? (
        <div class="row" style={{ marginBottom: '0.6rem' }}>
          {title ? <h2 style={{ margin: 0 }}>{title}</h2> : null}
          <span class="spacer" />
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  )
}
