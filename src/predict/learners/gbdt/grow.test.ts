import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type GrowFeatures, growTree } from './grow.js'

/** One categorical feature of `sums.length` levels, 20 rows per level, hessian 1 per row. */
function oneCategory(sums: readonly number[]) {
  const perLevel = 20
  const levels = sums.length
  const n = levels * perLevel
  const bins = Uint8Array.from({ length: n }, (_, i) => Math.floor(i / perLevel))
  const features: GrowFeatures = {
    bins: [bins],
    rowBins: bins,
    histOffsets: Int32Array.of(0),
    histSize: (levels + 1) * 3,
    categorical: Uint8Array.of(1),
    binCount: Int32Array.of(levels),
  }
  const g = Float64Array.from(bins, (l) => sums[l]! / perLevel)
  const h = new Float64Array(n).fill(1)
  return { features, g, h, rows: Int32Array.from({ length: n }, (_, i) => i), perLevel }
}

/** Split gain of sending `left` levels left, as the grower scores it with no L2. */
function gainOf(sums: readonly number[], left: ReadonlySet<number>, perLevel: number): number {
  let gl = 0
  let hl = 0
  let g = 0
  let h = 0
  sums.forEach((s, l) => {
    g += s
    h += perLevel
    if (left.has(l)) {
      gl += s
      hl += perLevel
    }
  })
  return (gl * gl) / hl + ((g - gl) * (g - gl)) / (h - hl) - (g * g) / h
}

describe('categorical splits', () => {
  const params = (partitionPenalty: number) => ({
    maxLeafNodes: 2,
    maxDepth: Number.POSITIVE_INFINITY,
    minSamplesLeaf: 1,
    l2: 0,
    learningRate: 1,
    categorySmoothing: 0,
    partitionPenalty,
    pathSmooth: 0,
  })

  it('takes a partition of the levels only when it beats one level against the rest by more than the search gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 6 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (sums, penalty) => {
          const m = sums.length
          const { features, g, h, rows, perLevel } = oneCategory(sums)
          // every partition by brute force (level 0 on the left, so each once), and each level alone
          let partition = Number.NEGATIVE_INFINITY
          for (let mask = 1; mask < 1 << (m - 1); mask++) {
            const left = new Set([0])
            for (let l = 1; l < m; l++) if (mask & (1 << (l - 1))) left.add(l)
            if (left.size < m) partition = Math.max(partition, gainOf(sums, left, perLevel))
          }
          partition = Math.max(partition, gainOf(sums, new Set([0]), perLevel))
          const single = Math.max(...sums.map((_, l) => gainOf(sums, new Set([l]), perLevel)))
          const charged = partition - penalty * (m - 2)
          fc.pre(Math.abs(charged - single) > 1e-6 && Math.max(charged, single) > 1e-6)
          const tree = growTree(features, g, h, rows, params(penalty)).tree
          const left = tree.leftLevels[0]!
          if (single >= charged) {
            expect(left.length).toBe(1)
            expect(tree.gain[0]).toBeCloseTo(single, 6)
          } else {
            expect(gainOf(sums, new Set(left), perLevel)).toBeCloseTo(partition, 6)
            expect(tree.gain[0]).toBeCloseTo(charged, 6)
          }
        },
      ),
    )
  })

  it('groups levels of the same effect when the grouping pays for its search, else splits one level off', () => {
    // two groups of three levels: -6 each and +6 each; a partition separates them exactly
    const grouped = [-6, -6, -6, 6, 6, 6]
    const a = oneCategory(grouped)
    const tree = growTree(a.features, a.g, a.h, a.rows, params(1)).tree
    expect([...tree.leftLevels[0]!].sort()).toEqual([0, 1, 2])
    // a strong level and a weaker one: grouping them gains 15.0, the strong one alone 13.5; the
    // grouping does not pay the 4 its search of 6 levels costs, so one level against the rest
    const close = [-18, -8, 2, 2, 2, 2]
    const b = oneCategory(close)
    expect(growTree(b.features, b.g, b.h, b.rows, params(1)).tree.leftLevels[0]).toEqual([0])
    // without the charge the grouping wins
    expect([...growTree(b.features, b.g, b.h, b.rows, params(0)).tree.leftLevels[0]!].sort()).toEqual([0, 1])
  })
})

describe('path smoothing', () => {
  // four levels, one split into two, then one of the halves into its two levels
  const sums = [-30, -10, 12, 4]
  const grow = (pathSmooth: number, l2: number) => {
    const { features, g, h, rows } = oneCategory(sums)
    return growTree(features, g, h, rows, {
      maxLeafNodes: 3,
      maxDepth: Number.POSITIVE_INFINITY,
      minSamplesLeaf: 1,
      l2,
      learningRate: 1,
      categorySmoothing: 0,
      partitionPenalty: 0,
      pathSmooth,
    }).tree
  }
  const leafValues = (tree: ReturnType<typeof grow>) =>
    tree.value.filter((_, n) => tree.feature[n] === -1).sort((a, b) => a - b)

  it('gives each node the Newton step under a prior centred on its parent (the root: 0)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (s, l2) => {
          const tree = grow(s, l2)
          // each level holds 20 rows of hessian 1 and gradient sum sums[level]
          const check = (node: number, levels: readonly number[], parent: number): number => {
            const gs = levels.reduce((sum, l) => sum + sums[l]!, 0)
            const value = (-gs + s * parent) / (20 * levels.length + l2 + s)
            if (tree.feature[node] === -1) {
              expect(tree.value[node]).toBeCloseTo(value, 9)
              return 1
            }
            const left = tree.leftLevels[node]!
            return (
              check(
                tree.left[node]!,
                levels.filter((l) => left.includes(l)),
                value,
              ) +
              check(
                tree.right[node]!,
                levels.filter((l) => !left.includes(l)),
                value,
              )
            )
          }
          expect(check(0, [0, 1, 2, 3], 0)).toBe(3)
        },
      ),
    )
  })

  it('with no smoothing is the plain Newton step; the stronger the smoothing, the closer the leaf values', () => {
    expect(leafValues(grow(0, 0))).toEqual([-0.4, 0.5, 1.5].map((v) => expect.closeTo(v, 12)))
    const spread = (s: number) => {
      const v = leafValues(grow(s, 0))
      return v[2]! - v[0]!
    }
    expect(spread(5)).toBeLessThan(spread(0))
    expect(spread(50)).toBeLessThan(spread(5))
  })
})
