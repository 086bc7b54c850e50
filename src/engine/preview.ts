/**
 * Previewing a model version on the stored contacts before publishing it: every contact is
 * scored with it as of its snapshot's time (from its events, with its current lifecycle stage)
 * and compared with its stored score under the baseline (the published version of the same
 * model, else the primary model). Nothing is written. The contacts and their events are read
 * into columns and kept (`PreviewSnapshots`, in `preview/`): an editor previewing edit after
 * edit waits for the reading once, and is never made to wait for it again (a snapshot older
 * than a minute is read again in the background while the previews use the one they have).
 * @module
 */
export type { BaselineModel, BaselineScores } from './preview/baseline.js'
export { type Counts, type PreviewChange, type PreviewResult, previewModel } from './preview/compare.js'
export { type PreviewSnapshot, readSnapshot } from './preview/snapshot.js'
export { PreviewSnapshots, type PreviewSnapshotsOptions, type SnapshotLease } from './preview/snapshots.js'
