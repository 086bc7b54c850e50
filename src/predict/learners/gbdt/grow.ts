/**
 * Growing one regression tree on gradient histograms, best leaf first (as LightGBM and
 * scikit-learn's HistGradientBoosting do): each leaf's histogram of gradient and hessian sums
 * per bin gives its best split in one scan; a child's histogram is the parent's minus its
 * sibling's, so only the smaller child is counted.
 * @module
 */
import { MISSING_BIN } from '../../features/spec.js'
import type { Tree } from './tree.js'

/** What the grower needs to know about the features. */
export interface GrowFeatures {
  /** Per feature, the bin of every row. */
  readonly bins: readonly Uint8Array[]
  /**
   * The same bins row by row (`rowBins[row * features + f]`), a missing number's bin moved to
   * `binCount[f]`: histograms read a row's bins at once, into compact per-feature slots.
   */
  readonly rowBins: Uint8Array
  /** Where each feature's slots start in a histogram (3 numbers per slot: gradient, hessian, count). */
  readonly histOffsets: Int32Array
  /** Numbers in a histogram. */
  readonly histSize: number
  /** 1 for a categorical feature. */
  readonly categorical: Uint8Array
  /** Per feature: the number of value bins (numeric) or levels (categorical). */
  readonly binCount: Int32Array
}

/** Shape limits and regularisation of a tree. */
export interface GrowParams {
  readonly maxLeafNodes: number
  readonly maxDepth: number
  readonly minSamplesLeaf: number
  /** L2 penalty on leaf values. */
  readonly l2: number
  readonly learningRate: number
  /** Smoothing added to the hessian when ordering categories by gradient ratio. */
  readonly categorySmoothing: number
  /** Gain charged to a partition of m levels of a category, per level beyond two (see `categoricalSplit`). */
  readonly partitionPenalty: number
  /**
   * Weight, in hessian units, of a prior centred on the parent node's value (the root's: 0): a
   * node's value is `(−G + pathSmooth × parent) / (H + l2 + pathSmooth)`, so a leaf of little
   * evidence stays near its parent's value instead of near 0 (path smoothing). 0 = none.
   */
  readonly pathSmooth: number
}

/** A grown tree and, per leaf, the range of `rows` it holds and its value. */
export interface GrownTree {
  readonly tree: Tree
  readonly leaves: readonly { readonly start: number; readonly end: number; readonly value: number }[]
}

interface Split {
  readonly gain: number
  readonly feature: number
  readonly threshold: number
  readonly missingLeft: boolean
  readonly leftLevels: number[] | null
  readonly leftG: number
  readonly leftH: number
  readonly leftC: number
}

interface Leaf {
  readonly node: number
  readonly start: number
  readonly end: number
  readonly depth: number
  readonly g: number
  readonly h: number
  /** The leaf's value before the learning rate (shrunk towards its parent's with path smoothing). */
  readonly out: number
  hist: Float64Array | null
  split: Split | null
}

/**
 * Grows a tree on `rows` (indices into the feature columns; reordered in place so each leaf's
 * rows are contiguous) for gradients `g` and hessians `h`.
 */
export function growTree(
  features: GrowFeatures,
  g: Float64Array,
  h: Float64Array,
  rows: Int32Array,
  params: GrowParams,
): GrownTree {
  const nFeatures = features.bins.length
  const pool: Float64Array[] = []
  const takeHist = () => pool.pop() ?? new Float64Array(features.histSize)
  const offsets = features.histOffsets
  const scratch = new Int32Array(rows.length)

  const rowBins = features.rowBins
  const buildHist = (start: number, end: number): Float64Array => {
    const hist = takeHist()
    hist.fill(0)
    // Row by row: one row's bins are adjacent, which measured twice as fast as feature by feature.
    for (let i = start; i < end; i++) {
      const r = rows[i]!
      const gr = g[r]!
      const hr = h[r]!
      const rb = r * nFeatures
      for (let f = 0; f < nFeatures; f++) {
        const s = offsets[f]! + rowBins[rb + f]! * 3
        hist[s]! += gr
        hist[s + 1]! += hr
        hist[s + 2]!++
      }
    }
    return hist
  }

  const l2 = params.l2
  const minLeaf = params.minSamplesLeaf
  const minH = 1e-3
  const smooth = params.pathSmooth
  // The Newton step of a node whose value has the prior ½·l2·v² + ½·smooth·(v − parent)².
  const nodeValue = (gs: number, hs: number, parent: number) => (-gs + smooth * parent) / (hs + l2 + smooth)
  const score = (gs: number, hs: number) => (gs * gs) / (hs + l2)

  const findSplit = (hist: Float64Array, gTotal: number, hTotal: number, count: number): Split | null => {
    let best: Split | null = null
    const parentScore = score(gTotal, hTotal)
    for (let f = 0; f < nFeatures; f++) {
      const base = offsets[f]!
      if (features.categorical[f] === 1) {
        const candidate = categoricalSplit(hist, base, features.binCount[f]!, f, gTotal, hTotal, count)
        if (candidate && (best === null || candidate.gain > best.gain)) best = candidate
        continue
      }
      const nb = features.binCount[f]!
      const mBase = base + nb * 3
      const gm = hist[mBase]!
      const hm = hist[mBase + 1]!
      const cm = hist[mBase + 2]!
      let gl = 0
      let hl = 0
      let cl = 0
      for (let b = 0; b < nb; b++) {
        const s = base + b * 3
        gl += hist[s]!
        hl += hist[s + 1]!
        cl += hist[s + 2]!
        if (hist[s + 2]! === 0 && b < nb - 1) continue
        // missing values go right
        if (cl >= minLeaf && count - cl >= minLeaf && hl > minH && hTotal - hl > minH) {
          const gain = score(gl, hl) + score(gTotal - gl, hTotal - hl) - parentScore
          if (best === null || gain > best.gain)
            best = {
              gain,
              feature: f,
              threshold: b,
              missingLeft: false,
              leftLevels: null,
              leftG: gl,
              leftH: hl,
              leftC: cl,
            }
        }
        // missing values go left
        if (cm > 0) {
          const glm = gl + gm
          const hlm = hl + hm
          const clm = cl + cm
          if (clm >= minLeaf && count - clm >= minLeaf && hlm > minH && hTotal - hlm > minH) {
            const gain = score(glm, hlm) + score(gTotal - glm, hTotal - hlm) - parentScore
            if (best === null || gain > best.gain)
              best = {
                gain,
                feature: f,
                threshold: b,
                missingLeft: true,
                leftLevels: null,
                leftG: glm,
                leftH: hlm,
                leftC: clm,
              }
          }
        }
      }
    }
    return best !== null && best.gain > 1e-10 ? best : null
  }

  /**
   * The best split of a categorical feature: one level against the rest (what a tree on one-hot
   * columns can do), or the best partition of the levels ordered by gradient ratio. Searching the
   * partitions of m levels is fitting m - 1 degrees of freedom: on a feature without effect its
   * gain (a likelihood-ratio statistic, about χ² with m - 1 degrees of freedom) exceeds a binary
   * split's (χ² with 1) by m - 2 on average. The partition's gain is charged that excess times
   * `partitionPenalty`, so it wins only by more than the search alone would give it.
   */
  const categoricalSplit = (
    hist: Float64Array,
    base: number,
    levels: number,
    f: number,
    gTotal: number,
    hTotal: number,
    count: number,
  ): Split | null => {
    const present: number[] = []
    for (let l = 0; l < levels; l++) if (hist[base + l * 3 + 2]! > 0) present.push(l)
    if (present.length < 2) return null
    const parentScore = score(gTotal, hTotal)
    const candidate = (gain: number, threshold: number, gl: number, hl: number, cl: number): Split => ({
      gain,
      feature: f,
      threshold,
      missingLeft: false,
      leftLevels: null,
      leftG: gl,
      leftH: hl,
      leftC: cl,
    })
    const allowed = (hl: number, cl: number) =>
      cl >= minLeaf && count - cl >= minLeaf && hl > minH && hTotal - hl > minH
    let single: Split | null = null
    for (const l of present) {
      const s = base + l * 3
      const gl = hist[s]!
      const hl = hist[s + 1]!
      const cl = hist[s + 2]!
      if (!allowed(hl, cl)) continue
      const gain = score(gl, hl) + score(gTotal - gl, hTotal - hl) - parentScore
      if (single === null || gain > single.gain)
        single = { ...candidate(gain, -1, gl, hl, cl), leftLevels: [l] }
    }
    const ratio = (l: number) => hist[base + l * 3]! / (hist[base + l * 3 + 1]! + params.categorySmoothing)
    present.sort((a, b) => ratio(a) - ratio(b) || a - b)
    const charge = params.partitionPenalty * (present.length - 2)
    let best: Split | null = null
    let gl = 0
    let hl = 0
    let cl = 0
    for (let k = 0; k < present.length - 1; k++) {
      const s = base + present[k]! * 3
      gl += hist[s]!
      hl += hist[s + 1]!
      cl += hist[s + 2]!
      if (!allowed(hl, cl)) continue
      const gain = score(gl, hl) + score(gTotal - gl, hTotal - hl) - parentScore - charge
      if (best === null || gain > best.gain) best = candidate(gain, k, gl, hl, cl)
    }
    if (best === null || (single !== null && single.gain >= best.gain)) return single
    return { ...best, threshold: -1, leftLevels: present.slice(0, best.threshold + 1).sort((a, b) => a - b) }
  }

  // Node arrays
  const feature: number[] = []
  const threshold: number[] = []
  const missingLeft: number[] = []
  const leftLevels: (number[] | null)[] = []
  const left: number[] = []
  const right: number[] = []
  const value: number[] = []
  const cover: number[] = []
  const gainOf: number[] = []
  const addNode = (c: number) => {
    feature.push(-1)
    threshold.push(-1)
    missingLeft.push(0)
    leftLevels.push(null)
    left.push(-1)
    right.push(-1)
    value.push(0)
    cover.push(c)
    gainOf.push(0)
    return feature.length - 1
  }

  let gRoot = 0
  let hRoot = 0
  for (let i = 0; i < rows.length; i++) {
    gRoot += g[rows[i]!]!
    hRoot += h[rows[i]!]!
  }
  const canSplit = (count: number, depth: number) => count >= 2 * minLeaf && depth < params.maxDepth
  const rootHist = buildHist(0, rows.length)
  const leaves: Leaf[] = [
    {
      node: addNode(rows.length),
      start: 0,
      end: rows.length,
      depth: 0,
      g: gRoot,
      h: hRoot,
      out: nodeValue(gRoot, hRoot, 0),
      hist: rootHist,
      split: canSplit(rows.length, 0) ? findSplit(rootHist, gRoot, hRoot, rows.length) : null,
    },
  ]

  while (leaves.length < params.maxLeafNodes) {
    let pick = -1
    for (let k = 0; k < leaves.length; k++) {
      const split = leaves[k]!.split
      if (split && (pick < 0 || split.gain > leaves[pick]!.split!.gain)) pick = k
    }
    if (pick < 0) break
    const leaf = leaves[pick]!
    const split = leaf.split!
    // Partition the leaf's rows: left first, keeping order (deterministic).
    const col = features.bins[split.feature]!
    const goes = new Uint8Array(256)
    if (split.leftLevels) for (const l of split.leftLevels) goes[l] = 1
    else {
      for (let b = 0; b <= split.threshold; b++) goes[b] = 1
      goes[MISSING_BIN] = split.missingLeft ? 1 : 0
    }
    let mid = leaf.start
    let tail = 0
    for (let i = leaf.start; i < leaf.end; i++) {
      const r = rows[i]!
      if (goes[col[r]!] === 1) rows[mid++] = r
      else scratch[tail++] = r
    }
    rows.set(scratch.subarray(0, tail), mid)

    const node = leaf.node
    feature[node] = split.feature
    threshold[node] = split.threshold
    missingLeft[node] = split.missingLeft ? 1 : 0
    leftLevels[node] = split.leftLevels
    gainOf[node] = split.gain
    const leftCount = mid - leaf.start
    const rightCount = leaf.end - mid
    const leftNode = addNode(leftCount)
    const rightNode = addNode(rightCount)
    left[node] = leftNode
    right[node] = rightNode

    const depth = leaf.depth + 1
    const parentHist = leaf.hist!
    const leftSmaller = leftCount <= rightCount
    const smallHist = leftSmaller ? buildHist(leaf.start, mid) : buildHist(mid, leaf.end)
    for (let s = 0; s < parentHist.length; s++) parentHist[s]! -= smallHist[s]!
    const leftHist = leftSmaller ? smallHist : parentHist
    const rightHist = leftSmaller ? parentHist : smallHist
    const gl = split.leftG
    const hl = split.leftH
    const makeLeaf = (
      n: number,
      start: number,
      end: number,
      gs: number,
      hs: number,
      hist: Float64Array,
    ): Leaf => {
      const splittable = canSplit(end - start, depth)
      const childSplit = splittable ? findSplit(hist, gs, hs, end - start) : null
      if (childSplit === null) pool.push(hist)
      const out = nodeValue(gs, hs, leaf.out)
      return {
        node: n,
        start,
        end,
        depth,
        g: gs,
        h: hs,
        out,
        hist: childSplit ? hist : null,
        split: childSplit,
      }
    }
    leaves.splice(
      pick,
      1,
      makeLeaf(leftNode, leaf.start, mid, gl, hl, leftHist),
      makeLeaf(rightNode, mid, leaf.end, leaf.g - gl, leaf.h - hl, rightHist),
    )
  }

  const grown = leaves.map((leaf) => {
    const v = leaf.out * params.learningRate
    value[leaf.node] = v
    return { start: leaf.start, end: leaf.end, value: v }
  })
  return {
    tree: { feature, threshold, missingLeft, leftLevels, left, right, value, cover, gain: gainOf },
    leaves: grown,
  }
}
