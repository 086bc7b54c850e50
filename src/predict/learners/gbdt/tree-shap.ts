/**
 * TreeSHAP (Lundberg, Erion & Lee 2018, algorithm 2: exact, path-dependent): each feature's
 * contribution to a tree's output for one row, weighing the paths the row does not take by the
 * training rows that took them. For every row, Σ contributions + expected value = tree output.
 * @module
 */
import type { CompiledTree } from './tree.js'

/** The cover-weighted mean output of the tree: what contributions are relative to. */
export function expectedValue(tree: CompiledTree): number {
  const walk = (node: number): number => {
    if (tree.feature[node]! < 0) return tree.value[node]!
    const l = tree.left[node]!
    const r = tree.right[node]!
    return (tree.cover[l]! * walk(l) + tree.cover[r]! * walk(r)) / tree.cover[node]!
  }
  return walk(0)
}

/** Reusable path storage for {@link addTreeShap} (one per tree depth bound). */
export class ShapPath {
  readonly feature: Int32Array
  readonly zero: Float64Array
  readonly one: Float64Array
  readonly weight: Float64Array
  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2
    this.feature = new Int32Array(size)
    this.zero = new Float64Array(size)
    this.one = new Float64Array(size)
    this.weight = new Float64Array(size)
  }
}

/** The depth of the deepest leaf. */
export function treeDepth(tree: CompiledTree, node = 0): number {
  if (tree.feature[node]! < 0) return 0
  return 1 + Math.max(treeDepth(tree, tree.left[node]!), treeDepth(tree, tree.right[node]!))
}

/**
 * Adds the contributions of `tree` for row `row` of `bins` to `phi` (one entry per feature).
 * `path` must come from `new ShapPath(depth)` with depth ≥ {@link treeDepth}.
 */
export function addTreeShap(
  tree: CompiledTree,
  bins: readonly Uint8Array[],
  row: number,
  phi: Float64Array,
  path: ShapPath,
): void {
  recurse(tree, bins, row, phi, path, 0, 0, 0, 0, 1, 1, -1)
}

function extend(path: ShapPath, o: number, depth: number, zero: number, one: number, f: number): void {
  const { feature: pf, zero: pz, one: po, weight: pw } = path
  pf[o + depth] = f
  pz[o + depth] = zero
  po[o + depth] = one
  pw[o + depth] = depth === 0 ? 1 : 0
  for (let i = depth - 1; i >= 0; i--) {
    pw[o + i + 1]! += (one * pw[o + i]! * (i + 1)) / (depth + 1)
    pw[o + i] = (zero * pw[o + i]! * (depth - i)) / (depth + 1)
  }
}

function unwind(path: ShapPath, o: number, depth: number, index: number): void {
  const { feature: pf, zero: pz, one: po, weight: pw } = path
  const one = po[o + index]!
  const zero = pz[o + index]!
  let next = pw[o + depth]!
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = pw[o + i]!
      pw[o + i] = (next * (depth + 1)) / ((i + 1) * one)
      next = tmp - (pw[o + i]! * zero * (depth - i)) / (depth + 1)
    } else {
      pw[o + i] = (pw[o + i]! * (depth + 1)) / (zero * (depth - i))
    }
  }
  for (let i = index; i < depth; i++) {
    pf[o + i] = pf[o + i + 1]!
    pz[o + i] = pz[o + i + 1]!
    po[o + i] = po[o + i + 1]!
  }
}

function unwoundSum(path: ShapPath, o: number, depth: number, index: number): number {
  const { zero: pz, one: po, weight: pw } = path
  const one = po[o + index]!
  const zero = pz[o + index]!
  let next = pw[o + depth]!
  let total = 0
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one)
      total += tmp
      next = pw[o + i]! - (tmp * zero * (depth - i)) / (depth + 1)
    } else {
      total += pw[o + i]! / zero / ((depth - i) / (depth + 1))
    }
  }
  return total
}

function recurse(
  tree: CompiledTree,
  bins: readonly Uint8Array[],
  row: number,
  phi: Float64Array,
  path: ShapPath,
  node: number,
  parentOffset: number,
  offset: number,
  depth: number,
  zero: number,
  one: number,
  f: number,
): void {
  const { feature: pf, zero: pz, one: po, weight: pw } = path
  // copy the parent's path into this level's segment, then extend it by the parent's split
  for (let i = 0; i < depth; i++) {
    pf[offset + i] = pf[parentOffset + i]!
    pz[offset + i] = pz[parentOffset + i]!
    po[offset + i] = po[parentOffset + i]!
    pw[offset + i] = pw[parentOffset + i]!
  }
  extend(path, offset, depth, zero, one, f)
  const split = tree.feature[node]!
  if (split < 0) {
    const value = tree.value[node]!
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(path, offset, depth, i)
      phi[pf[offset + i]!]! += w * (po[offset + i]! - pz[offset + i]!) * value
    }
    return
  }
  const goesLeft = tree.goesLeft[node * 256 + bins[split]![row]!] === 1
  const hot = goesLeft ? tree.left[node]! : tree.right[node]!
  const cold = goesLeft ? tree.right[node]! : tree.left[node]!
  const cover = tree.cover[node]!
  let incomingZero = 1
  let incomingOne = 1
  let d = depth
  let k = 1
  for (; k <= d; k++) if (pf[offset + k] === split) break
  if (k <= d) {
    // the feature was split on above: undo that split so this one counts it once
    incomingZero = pz[offset + k]!
    incomingOne = po[offset + k]!
    unwind(path, offset, d, k)
    d -= 1
  }
  const next = offset + d + 1
  recurse(
    tree,
    bins,
    row,
    phi,
    path,
    hot,
    offset,
    next,
    d + 1,
    (tree.cover[hot]! / cover) * incomingZero,
    incomingOne,
    split,
  )
  recurse(
    tree,
    bins,
    row,
    phi,
    path,
    cold,
    offset,
    next,
    d + 1,
    (tree.cover[cold]! / cover) * incomingZero,
    0,
    split,
  )
}
