/**
 * Partition leases: how several processes share the scoring work.
 * @module
 */

export interface LeaseRequest {
  /** A unique name for the calling process (e.g. host:pid:random). */
  readonly holder: string
  /** How long the leases last unless renewed (ms). */
  readonly ttlMs: number
}

export interface LeaseGrant {
  /** The partitions this holder leases now, ascending. */
  readonly partitions: readonly number[]
  /** How many partitions there are. */
  readonly partitionCount: number
  /**
   * Local clock (`Date.now()`) time until which the leases are certainly held: measured
   * from before the request, so it holds whatever the database clock says. Stop working on
   * the partitions before then unless renewed.
   */
  readonly validUntil: number
}
