/**
 * Partition leases in SQL. Tables: `leases` (one row per partition: holder, expires_at) and
 * `lease_holders` (a heartbeat per live process). Every acquire runs in one transaction
 * under one lock (PostgreSQL advisory lock; SQLite's write lock), judges expiry by the
 * database clock, and gives each live holder an even share: it renews what it holds up to
 * its share, gives back the rest, and takes free or expired partitions up to its share.
 * A partition row has one holder at a time, and a holder's lease is only taken over after
 * it expired, so two holders never both hold an unexpired lease on one partition.
 * @module
 */
import { StoreInputError } from '../errors.js'
import type { LeaseGrant, LeaseRequest } from '../records/lease.js'
import * as v from '../validate.js'
import type { Executor } from './executor.js'
import { marks } from './rows.js'

const LEASES_LOCK = 'leadscore.leases'

export async function acquireLeases(
  exec: Executor,
  request: LeaseRequest,
  partitionCount: number,
): Promise<LeaseGrant> {
  if (request === null || typeof request !== 'object') throw new StoreInputError('request', v.AN_OBJECT)
  const holder = v.text(request.holder, 'holder')
  const ttlMs = v.positiveInteger(request.ttlMs, 'ttlMs')
  // before the database reads its clock: the lease certainly lasts until then + ttl
  const localStart = Date.now()
  const partitions = await exec.transaction(async (tx) => {
    await tx.lock(LEASES_LOCK)
    const now = await tx.now()
    const expiresAt = now + ttlMs
    await tx.run('DELETE FROM lease_holders WHERE expires_at <= ?', [now])
    await tx.run(
      'INSERT INTO lease_holders (holder, expires_at) VALUES (?, ?) ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at',
      [holder, expiresAt],
    )
    const [live] = await tx.all<{ n: number }>('SELECT count(*) AS n FROM lease_holders')
    const share = Math.ceil(partitionCount / Math.max(1, Number(live?.n ?? 1)))
    const held = (
      await tx.all<{ partition: number }>(
        `SELECT partition FROM leases WHERE holder = ? AND expires_at > ? ORDER BY partition${tx.dialect.forUpdate}`,
        [holder, now],
      )
    ).map((r) => Number(r.partition))
    const keep = held.slice(0, share)
    const extra = held.slice(share)
    if (extra.length > 0) {
      await tx.run(
        `UPDATE leases SET holder = NULL, expires_at = 0 WHERE partition IN (${marks(extra.length)})`,
        extra,
      )
    }
    if (keep.length > 0) {
      await tx.run(`UPDATE leases SET expires_at = ? WHERE partition IN (${marks(keep.length)})`, [
        expiresAt,
        ...keep,
      ])
    }
    let taken: number[] = []
    if (keep.length < share) {
      taken = (
        await tx.all<{ partition: number }>(
          `SELECT partition FROM leases WHERE holder IS NULL OR expires_at <= ? ORDER BY partition LIMIT ?${tx.dialect.forUpdate}`,
          [now, share - keep.length],
        )
      ).map((r) => Number(r.partition))
      if (taken.length > 0) {
        await tx.run(
          `UPDATE leases SET holder = ?, expires_at = ? WHERE partition IN (${marks(taken.length)})`,
          [holder, expiresAt, ...taken],
        )
      }
    }
    return [...keep, ...taken].sort((a, b) => a - b)
  })
  return { partitions, partitionCount, validUntil: localStart + ttlMs }
}

export async function releaseLeases(exec: Executor, holder: string): Promise<void> {
  const name = v.text(holder, 'holder')
  await exec.transaction(async (tx) => {
    await tx.lock(LEASES_LOCK)
    await tx.run('UPDATE leases SET holder = NULL, expires_at = 0 WHERE holder = ?', [name])
    await tx.run('DELETE FROM lease_holders WHERE holder = ?', [name])
  })
}

export async function holdsLeases(
  exec: Executor,
  holder: string,
  partitions: readonly number[],
): Promise<boolean> {
  const name = v.text(holder, 'holder')
  if (!Array.isArray(partitions)) throw new StoreInputError('partitions', v.AN_ARRAY)
  const wanted = [...new Set(partitions)]
  wanted.forEach((p, i) => {
    if (!Number.isSafeInteger(p) || p < 0) throw new StoreInputError(`partitions[${i}]`, v.A_PARTITION)
  })
  if (wanted.length === 0) return true
  const now = await exec.now()
  const rows = await exec.all(
    `SELECT partition FROM leases WHERE holder = ? AND expires_at > ? AND partition IN (${marks(wanted.length)})${exec.dialect.forShare}`,
    [name, now, ...wanted],
  )
  return rows.length === wanted.length
}
