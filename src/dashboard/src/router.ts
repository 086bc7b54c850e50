/** A small history router: the path is the state; links with `href="/..."` navigate in place. */
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set<() => void>()

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  for (const l of listeners) l()
  if (!replace) window.scrollTo(0, 0)
}

addEventListener('popstate', () => {
  for (const l of listeners) l()
})

/** Same-origin links navigate without a reload (unless opened in a new tab). */
addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = (e.target as Element | null)?.closest?.('a')
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return
  if (a.pathname.startsWith('/api/') || a.pathname.startsWith('/docs')) return
  e.preventDefault()
  navigate(a.pathname + a.search)
})

/** The current location; re-renders on navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const [, setTick] = useState(0)
  useEffect(() => {
    const l = () => setTick((t) => t + 1)
    listeners.add(l)
    return () => {
      listeners.delete(l)
    }
  }, [])
  return { path: location.pathname, search: new URLSearchParams(location.search) }
}
