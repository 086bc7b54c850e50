/**
 * Collects the bad rows a command skipped, for one summary at the end.
 * @module
 */
import type { RowIssue } from '../io/index.js'
import { type CliContext, localeOf, textOf } from './context.js'
import { rowIssueText } from './row-issue-text.js'

const SHOWN = 10

/** Remembers the first bad rows and counts all of them. */
export class BadRows {
  readonly #shown: RowIssue[] = []
  #count = 0

  /** The callback to give a reader as `onBadRow`. */
  readonly add = (issue: RowIssue): void => {
    this.#count++
    if (this.#shown.length < SHOWN) this.#shown.push(issue)
  }

  get count(): number {
    return this.#count
  }

  /** Writes the summary to stderr (nothing when there was no bad row). */
  report(ctx: CliContext): void {
    if (this.#count === 0) return
    const t = textOf(ctx)
    ctx.stderr.write(`${t.t('badRows', { count: this.#count })}\n`)
    for (const issue of this.#shown) ctx.stderr.write(`  ${rowIssueText(issue, localeOf(ctx))}\n`)
    if (this.#count > this.#shown.length)
      ctx.stderr.write(`${t.t('badRows.more', { n: this.#count - this.#shown.length })}\n`)
    ctx.stderr.write(`${t.t('badRows.hint')}\n`)
  }
}
