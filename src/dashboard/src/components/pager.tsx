/** Keyset pages: the cursors seen so far, and Previous / Next. */
import { useState } from 'preact/hooks'
import { count } from '../format.js'
import { useT } from '../i18n.js'

export interface Pages {
  /** The cursor of the page shown (null: the first). */
  cursor: string | null
  /** How many rows come before this page. */
  offset: number
  next(cursor: string): void
  previous(): void
  reset(): void
  canGoBack: boolean
}

export function usePages(size: number): Pages {
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    offset: (cursors.length - 1) * size,
    next: (cursor) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([null]),
    canGoBack: cursors.length > 1,
  }
}

export function Pager({
  pages,
  rows,
  nextCursor,
}: {
  pages: Pages
  rows: number
  nextCursor: string | null | undefined
}) {
  const t = useT()
  return (
    <nav class="pager" aria-label={t.t('pager.label')}>
      <span class="muted">
        {rows > 0
          ? t.t('pager.rows', { first: count(pages.offset + 1), last: count(pages.offset + rows) })
          : ''}
      </span>
      <button type="button" disabled={!pages.canGoBack} onClick={pages.previous}>
        ← {t.t('pager.previous')}
      </button>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t.t('pager.next')} →
      </button>
    </nav>
  )
}
