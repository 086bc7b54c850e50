/**
 * Histogram-based gradient-boosted trees for the log loss, with early stopping on a
 * validation split of the training rows.
 * @module
 */
import type { EncodedFeatures } from '../../features/encode.js'
import { MISSING_BIN } from '../../features/spec.js'
import { createRandom } from '../../random.js'
import { type Split, stratifiedHoldout } from '../../validation/folds.js'
import { sigmoid } from '../link.js'
import { type GrowFeatures, growTree } from './grow.js'
import { addTreeOutput, compileTree, type Tree } from './tree.js'

/** Settings of {@link fitGbdt}; every one has a default. */
export interface GbdtParams {
  /** Shrinks each tree's values; smaller needs more trees. Default 0.1. */
  readonly learningRate?: number
  /** Most trees (fewer when early stopping ends sooner). Default 300. */
  readonly maxIterations?: number
  /** Default 31. */
  readonly maxLeafNodes?: number
  /** Default: no limit (the leaf count bounds the tree). */
  readonly maxDepth?: number
  /** Default 20. */
  readonly minSamplesLeaf?: number
  /** L2 penalty on leaf values. Default 1. */
  readonly l2?: number
  /** Hold out this share of the rows to stop when the validation loss stops improving; 0 = no early stopping. Default 0.1. */
  readonly validationFraction?: number
  /** Stop after this many trees without a better validation loss. Default 20. */
  readonly patience?: number
  readonly seed?: number
  /**
   * A category's split is one level against the rest or a partition of its levels; a partition
   * of m levels has its gain lowered by this times m - 2, the excess its search gives on a
   * feature without effect. 0 takes the larger gain. Default 1.
   */
  readonly partitionPenalty?: number
  /**
   * Weight (in hessian units) of a prior centred on the parent node's value: a leaf with little
   * evidence keeps close to its parent's value rather than to 0. Default 0 (none).
   */
  readonly pathSmooth?: number
}

/** A fitted booster: margin = init + Σ tree values. */
export interface GbdtModel {
  readonly kind: 'gbdt'
  /** The log-odds of the training positive rate. */
  readonly init: number
  readonly trees: readonly Tree[]
  readonly params: Required<Omit<GbdtParams, 'maxDepth'>> & { readonly maxDepth: number | null }
}

/** The defaults of {@link GbdtParams}. */
export const GBDT_DEFAULTS = {
  learningRate: 0.1,
  maxIterations: 300,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2: 1,
  validationFraction: 0.1,
  patience: 20,
  seed: 0,
  partitionPenalty: 1,
  pathSmooth: 0,
} as const

/** The feature layout the grower reads. */
export function growFeatures(data: EncodedFeatures): GrowFeatures {
  const nFeatures = data.bins.length
  const binCount = Int32Array.from(data.features, (f) =>
    f.kind === 'categorical' ? f.levels.length : f.thresholds.length + 1,
  )
  const histOffsets = new Int32Array(nFeatures)
  let histSize = 0
  for (let f = 0; f < nFeatures; f++) {
    histOffsets[f] = histSize
    histSize += (binCount[f]! + 1) * 3 // the last slot: missing numbers
  }
  const rowBins = new Uint8Array(data.rowCount * nFeatures)
  data.bins.forEach((col, f) => {
    const missing = binCount[f]!
    for (let i = 0; i < data.rowCount; i++) {
      const b = col[i]!
      rowBins[i * nFeatures + f] = b === MISSING_BIN ? missing : b
    }
  })
  return {
    bins: data.bins,
    rowBins,
    histOffsets,
    histSize,
    categorical: Uint8Array.from(data.features, (f) => (f.kind === 'categorical' ? 1 : 0)),
    binCount,
  }
}

/**
 * Fits the booster to `labels` (0/1 per row of `data`). Deterministic for a seed. Early stopping
 * holds out a stratified `validationFraction` of the rows, or the test rows of `split` when given
 * (the booster then learns from its train rows only).
 */
export function fitGbdt(
  data: EncodedFeatures,
  labels: ArrayLike<number>,
  params: GbdtParams = {},
  split?: Split,
): GbdtModel {
  const p = { ...GBDT_DEFAULTS, ...params, maxDepth: params.maxDepth ?? null }
  const n = data.rowCount
  const all = Int32Array.from({ length: n }, (_, i) => i)
  const useValidation = split !== undefined ? split.test.length > 0 : p.validationFraction > 0 && n >= 200
  const { train, test: valid } =
    split ??
    (useValidation
      ? stratifiedHoldout(labels, p.validationFraction, createRandom(p.seed))
      : { train: all, test: new Int32Array(0) })
  let positives = 0
  for (let k = 0; k < train.length; k++) positives += labels[train[k]!]!
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, train.length)))
  const init = Math.log(rate / (1 - rate))

  const features = growFeatures(data)
  const margins = new Float64Array(n).fill(init)
  const g = new Float64Array(n)
  const h = new Float64Array(n)
  const rows = Int32Array.from(train)
  const validMargins = new Float64Array(valid.length).fill(init)
  const validBins = data.bins.map((col) => Uint8Array.from(valid, (r) => col[r]!))
  const validData: EncodedFeatures = { ...data, rowCount: valid.length, bins: validBins }
  const trees: Tree[] = []
  let bestLoss = Number.POSITIVE_INFINITY
  let bestCount = 0
  const grow = {
    maxLeafNodes: p.maxLeafNodes,
    maxDepth: p.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: p.minSamplesLeaf,
    l2: p.l2,
    learningRate: p.learningRate,
    categorySmoothing: 10,
    partitionPenalty: p.partitionPenalty,
    pathSmooth: p.pathSmooth,
  }
  for (let iteration = 0; iteration < p.maxIterations; iteration++) {
    for (let k = 0; k < train.length; k++) {
      const r = train[k]!
      const prob = sigmoid(margins[r]!)
      g[r] = prob - labels[r]!
      h[r] = Math.max(prob * (1 - prob), 1e-16)
    }
    const grown = growTree(features, g, h, rows, grow)
    for (const leaf of grown.leaves)
      for (let k = leaf.start; k < leaf.end; k++) margins[rows[k]!]! += leaf.value
    trees.push(grown.tree)
    if (grown.leaves.length <= 1) break
    if (!useValidation) {
      bestCount = trees.length
      continue
    }
    addTreeOutput(compileTree(grown.tree), validData, validMargins)
    let loss = 0
    for (let k = 0; k < valid.length; k++) {
      const m = validMargins[k]!
      loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - labels[valid[k]!]! * m
    }
    if (bestCount === 0 || loss < bestLoss - 1e-9 * Math.abs(bestLoss)) {
      bestLoss = loss
      bestCount = trees.length
    } else if (trees.length - bestCount >= p.patience) break
  }
  return { kind: 'gbdt', init, trees: trees.slice(0, Math.max(bestCount, 1)), params: p }
}

/**
 * Fits `bags` boosters, each stopping early on its own validation split (seeds `seed`,
 * `seed + 1`, ...), and averages them into one model: the average of boosters is a booster whose
 * trees' values are divided by `bags`. Averaging evens out the luck of each split.
 */
export function fitGbdtBag(
  data: EncodedFeatures,
  labels: ArrayLike<number>,
  params: GbdtParams = {},
  bags = 1,
): GbdtModel {
  const seed = params.seed ?? 0
  const models = Array.from({ length: bags }, (_, b) => fitGbdt(data, labels, { ...params, seed: seed + b }))
  if (bags === 1) return models[0]!
  const scale = (tree: Tree): Tree => ({ ...tree, value: tree.value.map((v) => v / bags) })
  return {
    kind: 'gbdt',
    init: models.reduce((sum, m) => sum + m.init, 0) / bags,
    trees: models.flatMap((m) => m.trees.map(scale)),
    params: models[0]!.params,
  }
}

/** Raw margins (log-odds) of every row. */
export function predictGbdt(model: GbdtModel, data: EncodedFeatures): Float64Array {
  const margins = new Float64Array(data.rowCount).fill(model.init)
  for (const tree of model.trees) addTreeOutput(compileTree(tree), data, margins)
  return margins
}

/** Total split gain per feature: a quick importance. */
export function gbdtGain(model: GbdtModel, featureCount: number): Float64Array {
  const out = new Float64Array(featureCount)
  for (const tree of model.trees)
    tree.feature.forEach((f, n) => {
      if (f >= 0) out[f]! += tree.gain[n]!
    })
  return out
}
