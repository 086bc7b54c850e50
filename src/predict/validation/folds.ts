/**
 * Splitting rows for validation: stratified k folds, a stratified holdout, and a forward-in-time
 * split.
 * @module
 */
import { Mt19937 } from '../mt19937.js'
import { type Random, shuffleInPlace } from '../random.js'

/** One train/test split: row indices, ascending. */
export interface Split {
  readonly train: Int32Array
  readonly test: Int32Array
}

/**
 * The test fold (0..k-1) of every row, exactly as scikit-learn's
 * `StratifiedKFold(k, shuffle=True, random_state=seed)` assigns it: the rows of each class are
 * dealt to the folds so every fold holds the same share of each class (counts differ by at most
 * one), and the fold assignment within each class is shuffled by numpy's `RandomState(seed)`
 * (see `Mt19937`), so the folds are row for row scikit-learn's.
 */
export function stratifiedFoldOf(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  const n = labels.length
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds is ${k}: give a whole number ≥ 2`)
  const negatives: number[] = []
  const positives: number[] = []
  for (let i = 0; i < n; i++) (labels[i] === 1 ? positives : negatives).push(i)
  // scikit-learn numbers the classes in order of appearance (the first row's class is 0),
  // sorts the numbered labels and deals them round-robin: fold i gets y_sorted[i::k]
  const classes = n > 0 && labels[0] === 1 ? [positives, negatives] : [negatives, positives]
  const random = new Mt19937(seed)
  const foldOf = new Int32Array(n)
  classes.forEach((members, cls) => {
    const counts = new Int32Array(k)
    const before = cls === 0 ? 0 : classes[0]!.length
    for (let j = before; j < before + members.length; j++) counts[j % k]!++
    const folds: number[] = []
    counts.forEach((count, fold) => {
      for (let c = 0; c < count; c++) folds.push(fold)
    })
    random.shuffle(folds)
    members.forEach((row, j) => {
      foldOf[row] = folds[j]!
    })
  })
  return foldOf
}

/** The `k` splits of {@link stratifiedFoldOf}. */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Split[] {
  return foldsOf(stratifiedFoldOf(labels, k, seed), k)
}

/** The `k` splits of a fold assignment (fold `f` tests the rows whose `foldOf` is `f`). */
export function foldsOf(foldOf: Int32Array, k: number): Split[] {
  return Array.from({ length: k }, (_, fold) => splitBy((i) => foldOf[i] === fold, foldOf.length))
}

/** A stratified random holdout of about `fraction` of the rows as the test part. */
export function stratifiedHoldout(labels: ArrayLike<number>, fraction: number, random: Random): Split {
  const isTest = new Uint8Array(labels.length)
  for (const cls of [0, 1]) {
    const members: number[] = []
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) members.push(i)
    shuffleInPlace(members, random)
    const take = Math.round(members.length * fraction)
    for (let j = 0; j < take; j++) isTest[members[j]!] = 1
  }
  return splitBy((i) => isTest[i] === 1, labels.length)
}

/**
 * Forward in time: the latest `fraction` of rows (by `times`, ties kept together) are the test
 * part, every earlier row trains. Rows without a time (NaN) are left out of both.
 */
export function timeSplit(times: ArrayLike<number>, fraction: number): Split & { readonly cutoff: number } {
  const known: number[] = []
  for (let i = 0; i < times.length; i++) if (!Number.isNaN(times[i])) known.push(i)
  known.sort((a, b) => times[a]! - times[b]! || a - b)
  const cutIndex = Math.min(known.length - 1, Math.max(1, Math.floor(known.length * (1 - fraction))))
  const cutoff = times[known[cutIndex]!]!
  const train: number[] = []
  const test: number[] = []
  for (const i of known) (times[i]! < cutoff ? train : test).push(i)
  train.sort((a, b) => a - b)
  test.sort((a, b) => a - b)
  return { train: Int32Array.from(train), test: Int32Array.from(test), cutoff }
}

function splitBy(isTest: (i: number) => boolean, n: number): Split {
  const train: number[] = []
  const test: number[] = []
  for (let i = 0; i < n; i++) (isTest(i) ? test : train).push(i)
  return { train: Int32Array.from(train), test: Int32Array.from(test) }
}
