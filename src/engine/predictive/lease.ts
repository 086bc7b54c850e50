/**
 * Periodic work that one process does for all: a lease kept in a setting. A process claims the
 * work when it is due (its last run started a period ago or more) and no other process holds a
 * live lease on it; it renews the lease while it works and records the run when done. The
 * claim reads the setting in a transaction that holds a lock (`getSetting(key + ':lock', { lock:
 * true })`), so two processes asking at once are served one after the other: one claims, the
 * other sees the claim.
 * A process that stops while working leaves a lease that expires after `ttlMs`; another then
 * takes the work over.
 * @module
 */
import { z } from 'zod'
import type { Store } from '../../store/index.js'

const stateSchema = z.object({
  holder: z.string().nullable(),
  /** The lease holds until then (the service clock, ms). */
  until: z.number(),
  /** When the last run started (the period counts from it). */
  lastRun: z.number(),
})

/** The state of a periodic lease, as stored. */
export type PeriodicState = z.infer<typeof stateSchema>

const EMPTY: PeriodicState = { holder: null, until: 0, lastRun: 0 }

const lockKey = (key: string) => `${key}:lock`

async function read(store: Pick<Store, 'getSetting'>, key: string): Promise<PeriodicState> {
  const parsed = stateSchema.safeParse(await store.getSetting(key))
  return parsed.success ? parsed.data : EMPTY
}

/** The state of `key`, its lock taken until the transaction `tx` ends. */
async function locked(tx: Pick<Store, 'getSetting'>, key: string): Promise<PeriodicState> {
  await tx.getSetting(lockKey(key), { lock: true })
  return read(tx, key)
}

/** Claims the work of `key` for `holder` when it is due at `now` and nobody else holds it; true when claimed. */
export async function claimPeriodic(
  store: Store,
  key: string,
  holder: string,
  now: number,
  options: { everyMs: number; ttlMs: number },
): Promise<boolean> {
  // A row that does not exist yet locks nothing (PostgreSQL), and two first writers of a setting
  // may both write it: the lock is another setting whose value never changes (`true`), written
  // first if absent, so writing it twice is harmless; the state is only written under its lock.
  if ((await store.getSetting(lockKey(key))) === undefined) await store.putSetting(lockKey(key), true, now)
  return store.transaction(async (tx) => {
    const state = await locked(tx, key)
    if (state.lastRun + options.everyMs > now) return false
    if (state.holder !== null && state.holder !== holder && state.until > now) return false
    await tx.putSetting(key, { holder, until: now + options.ttlMs, lastRun: state.lastRun }, now)
    return true
  })
}

/** Extends `holder`'s lease on `key` to `now + ttlMs`; false when it no longer holds it. */
export function renewPeriodic(
  store: Store,
  key: string,
  holder: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const state = await locked(tx, key)
    if (state.holder !== holder) return false
    await tx.putSetting(key, { ...state, until: now + ttlMs }, now)
    return true
  })
}

/**
 * Ends `holder`'s lease on `key`: with `ranAt`, the run that started then is recorded (the
 * next is due a period later); without, the work is given back undone (due again at once).
 */
export function releasePeriodic(
  store: Store,
  key: string,
  holder: string,
  now: number,
  ranAt?: number,
): Promise<void> {
  return store.transaction(async (tx) => {
    const state = await locked(tx, key)
    if (state.holder !== holder) return
    await tx.putSetting(key, { holder: null, until: 0, lastRun: ranAt ?? state.lastRun }, now)
  })
}

/** The stored state of `key` (for status and tests). */
export function periodicState(store: Pick<Store, 'getSetting'>, key: string): Promise<PeriodicState> {
  return read(store, key)
}
