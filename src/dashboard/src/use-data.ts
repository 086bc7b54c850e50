/** Loading data for a page: the value, the error, and a reload. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface Data<T> {
  value: T | undefined
  error: Error | undefined
  loading: boolean
  reload: () => void
}

/** Runs `load` when `deps` change; a newer call wins over an older one still running. */
export function useData<T>(load: () => Promise<T>, deps: readonly unknown[]): Data<T> {
  const [state, setState] = useState<{ value: T | undefined; error: Error | undefined; loading: boolean }>({
    value: undefined,
    error: undefined,
    loading: true,
  })
  const run = useRef(0)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const id = ++run.current
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (value) => id === run.current && setState({ value, error: undefined, loading: false }),
      (error: unknown) =>
        id === run.current &&
        setState((s) => ({
          ...s,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        })),
    )
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, reload }
}

/** A value that follows `value` after it has not changed for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value)
  useEffect(() => {
    // the first value (after undefined) is not a keystroke: no wait
    const t = setTimeout(() => setCurrent(value), current === undefined ? 0 : ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return current
}
