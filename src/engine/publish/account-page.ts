/**
 * A publish job's account roll-ups, a page of accounts per transaction: every account of
 * the page read with its stored scores (locked) and its members' scores in a few queries
 * (`accountRollups`), then rolled up with the published version as a rescore rolls up one
 * account (`recordAccountResult`), and written at once.
 * @module
 */
import type { TransitionCauseRef } from '../../store/index.js'
import type { PublishedModel } from '../models.js'
import {
  accountMembersOf,
  emptyOutput,
  publishedContext,
  type RescoreContext,
  recordAccountResult,
  writeRescore,
} from '../rescore.js'
import type { PageDeps } from './score-page.js'

/** Rolls up the accounts `ids` with `model` from their members' stored scores, in one transaction. */
export function rollUpAccountPage(
  deps: PageDeps,
  model: PublishedModel,
  ids: readonly string[],
  cause: TransitionCauseRef,
): Promise<number> {
  return deps.store.transaction(async (tx): Promise<number> => {
    const all = publishedContext(tx, deps.models, deps.clock.now(), deps.webhooks, deps.store.partitionCount)
    const ctx: RescoreContext = { ...all, models: [model] }
    const out = emptyOutput()
    const rollups = await tx.accountRollups(ids, model.record.id)
    for (const { account, scores, members } of rollups) {
      const before = scores.find((s) => s.modelId === model.record.id)?.band ?? null
      const inputs = accountMembersOf(account, members, undefined)
      recordAccountResult(ctx, model, account, inputs, before, cause, out)
    }
    await writeRescore(tx, out)
    return rollups.length
  })
}
