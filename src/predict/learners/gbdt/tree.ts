/**
 * A regression tree over binned features, as stored in the model file, and its compiled form
 * for fast prediction.
 * @module
 */
import type { EncodedFeatures } from '../../features/encode.js'
import { MISSING_BIN } from '../../features/spec.js'

/**
 * A tree as parallel arrays, node 0 the root. A node with `feature[n] = -1` is a leaf holding
 * `value[n]` (learning rate applied). Otherwise a row goes to `left[n]` when its bin of
 * `feature[n]` is ≤ `threshold[n]` (a number; a missing value goes left when `missingLeft[n]`
 * is 1) or is one of `leftLevels[n]` (a categorical feature; `threshold[n]` is -1).
 */
export interface Tree {
  readonly feature: readonly number[]
  readonly threshold: readonly number[]
  readonly missingLeft: readonly number[]
  readonly leftLevels: readonly (readonly number[] | null)[]
  readonly left: readonly number[]
  readonly right: readonly number[]
  readonly value: readonly number[]
  /** Training rows that reached the node (TreeSHAP weighs paths by it). */
  readonly cover: readonly number[]
  /** Loss reduction of the split (0 for leaves). */
  readonly gain: readonly number[]
}

/** A tree ready for prediction: for every split node, a 256-entry table of bins going left. */
export interface CompiledTree {
  readonly feature: Int32Array
  readonly left: Int32Array
  readonly right: Int32Array
  readonly value: Float64Array
  readonly cover: Float64Array
  /** `goesLeft[node * 256 + bin]` is 1 when a row with that bin goes left. */
  readonly goesLeft: Uint8Array
}

export function compileTree(tree: Tree): CompiledTree {
  const nodes = tree.feature.length
  const goesLeft = new Uint8Array(nodes * 256)
  for (let n = 0; n < nodes; n++) {
    if (tree.feature[n]! < 0) continue
    const levels = tree.leftLevels[n]
    if (levels) {
      for (const level of levels) goesLeft[n * 256 + level] = 1
    } else {
      const threshold = tree.threshold[n]!
      for (let b = 0; b <= threshold && b < MISSING_BIN; b++) goesLeft[n * 256 + b] = 1
      goesLeft[n * 256 + MISSING_BIN] = tree.missingLeft[n]!
    }
  }
  return {
    feature: Int32Array.from(tree.feature),
    left: Int32Array.from(tree.left),
    right: Int32Array.from(tree.right),
    value: Float64Array.from(tree.value),
    cover: Float64Array.from(tree.cover),
    goesLeft,
  }
}

/** The leaf node row `i` of `data` falls in. */
export function leafOf(tree: CompiledTree, bins: readonly Uint8Array[], i: number): number {
  let node = 0
  let f = tree.feature[0]!
  while (f >= 0) {
    node = tree.goesLeft[node * 256 + bins[f]![i]!] === 1 ? tree.left[node]! : tree.right[node]!
    f = tree.feature[node]!
  }
  return node
}

/** Adds the tree's value for every row of `data` to `margins`. */
export function addTreeOutput(tree: CompiledTree, data: EncodedFeatures, margins: Float64Array): void {
  for (let i = 0; i < data.rowCount; i++) margins[i]! += tree.value[leafOf(tree, data.bins, i)]!
}
