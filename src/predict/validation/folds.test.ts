import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Mt19937 } from '../mt19937.js'
import { createRandom } from '../random.js'
import { stratifiedFoldOf, stratifiedHoldout, stratifiedKFold, timeSplit } from './folds.js'

describe('stratifiedKFold', () => {
  it('deals each class evenly over the folds, every row tested once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 10, maxLength: 300 }),
        fc.integer({ min: 2, max: 7 }),
        (labels, k) => {
          const splits = stratifiedKFold(labels, k, 0)
          const tested = splits.flatMap((s) => Array.from(s.test)).sort((a, b) => a - b)
          expect(tested).toEqual(labels.map((_, i) => i))
          const positives = labels.filter((l) => l === 1).length
          for (const split of splits) {
            expect(split.train.length + split.test.length).toBe(labels.length)
            const p = Array.from(split.test).filter((i) => labels[i] === 1).length
            expect(Math.abs(p - positives / k)).toBeLessThan(1)
          }
        },
      ),
    )
  })

  it('gives fold sizes as scikit-learn does (y sorted, dealt round-robin)', () => {
    // y sorted = 0000000111; fold i takes y[i::3]: fold 0 = 0,0,0,1; fold 1 = 0,0,1; fold 2 = 0,0,1
    const labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    const folds = stratifiedFoldOf(labels, 3, 0)
    const count = (cls: number, fold: number) =>
      labels.filter((l, i) => l === cls && folds[i] === fold).length
    expect([0, 1, 2].map((f) => count(0, f))).toEqual([3, 2, 2])
    expect([0, 1, 2].map((f) => count(1, f))).toEqual([1, 1, 1])
  })

  it('is deterministic for a seed and shuffles with another', () => {
    const labels = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    expect(stratifiedFoldOf(labels, 5, 1)).toEqual(stratifiedFoldOf(labels, 5, 1))
    expect(stratifiedFoldOf(labels, 5, 1)).not.toEqual(stratifiedFoldOf(labels, 5, 2))
  })
})

describe("the folds are row for row scikit-learn's", () => {
  it('numpy RandomState(0) gives its first numbers', () => {
    const rng = new Mt19937(0)
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([
      2357136044, 2546248239, 3071714933,
    ])
  })

  // from scikit-learn 1.9.1: StratifiedKFold(k, shuffle=True, random_state=seed).split(X, y)
  const labels = Array.from({ length: 1000 }, (_, i) => ((i * 13) % 17 < 3 ? 1 : 0))
  it.each([
    [
      5,
      0,
      '1314412412133301214303402300132403042241202422401012303414442334343302312410403023101202300330422041331242113414044401313330204233144423114134113021414242241334442330143303321220313323121144102101400344424434200120243241340430240033442214230021233313320440244311422341111042440140331232114344010304240200030313321341323220041411220422221311300403102113342423002222432143420440321014011404134130020022213211001103002331001220120024114442000204333131003020013133231404110422021342122221112110014331033221122220431204143121300042102403223030443323402101110134232342103144022041110223410420433124443311200211410313032424244033130220201333414433212323042001232043033004402120300441104231012044032104233100211404411124221212004231043301444001324222420332413301021322443443314143033200024234230421043124002344103334331311123210431004230004444114333410033432023122402200443242344304143203321140102031231122421041022014112013004020121214241023333012141134234324201310030444414140002214012014123130301431421043',
    ],
    [
      3,
      42,
      '0202011120120022202001201002201112222122201221210002022001122121220101102220000022202110110021200001000011102001122021010021100211100200220020101102112221202110101002210001122212221212212011101020020200102010221111201212222210012110210211121211212111221210011111121110221221120011112122002011001112001202212020110110021001202001220000002210201011121211201002212001002111020200112010020212010022110012001211111002011121221202122220220212000111222011020112210111222020100012200020100001001110122201010201222010001212002110010002010222100220201121210101221211011022102222111110212111000201211010011220222221111212022221121010122110111200100012201200212101122201021200001001211211200210200210010021000012000121200120202100110010220121112102002201001121100101110200012211012222220010200002201122222211010220021002112211221001012110020111002202011011202020022210020011222200001200220200012001222222202110121022102002212211102002202110211100011011222120021122120220222022211100211102011221220002121112110222',
    ],
  ])('StratifiedKFold(%i, shuffle=True, random_state=%i)', (k, seed, expected) => {
    expect([...stratifiedFoldOf(labels, k, seed)].join('')).toBe(expected)
  })
})

describe('holdout and time split', () => {
  it('holds out the fraction of each class', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 100 ? 1 : 0))
    const { test } = stratifiedHoldout(labels, 0.1, createRandom(0))
    expect(test.length).toBe(100)
    expect(Array.from(test).filter((i) => i < 100)).toHaveLength(10)
  })

  it('tests on the latest rows, keeping equal times together and skipping rows without a time', () => {
    const times = [5, 1, 3, Number.NaN, 9, 9, 2, 7, 4, 6, 8]
    const split = timeSplit(times, 0.2)
    expect(split.cutoff).toBe(9)
    expect(Array.from(split.test)).toEqual([4, 5])
    expect(split.train).toHaveLength(8)
  })
})
