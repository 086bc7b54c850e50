/** Small pieces shared by the pages. */
import type { ComponentChildren } from 'preact'
import { score } from '../format.js'

export function Band({ band }: { band: string | null | undefined }) {
  if (!band) return <span class="muted">—</span>
  return <span class={`band ${band}`}>{band}</span>
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

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {what}…
    </p>
  )
}

/** A message of the API as a sentence: capital first letter. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null
  const hint = (error as { hint?: string }).hint
  return (
    <div class="error" role="alert">
      {sentence(error.message)}
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
