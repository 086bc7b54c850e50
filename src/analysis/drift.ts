/**
 * Drift: is the model still working? Every month, the leads in play at its start are
 * scored and followed for the horizon: conversion by band, and the distribution of bands
 * and scores. Warnings when a band converts significantly less than in the months before
 * (two-proportion z-test), or when the mix of bands or scores shifts (population stability
 * index against the first month).
 * @module
 */
import type { CompiledModel } from '../core/compile.js'
import { DAY_MS } from '../core/input.js'
import type { LeadData } from './leads.js'
import { binOf, quantileEdges } from './property-columns.js'
import { forEachSnapshot, monthStarts, type StepProgress } from './snapshots.js'
import { populationStability, twoProportionTest } from './tests.js'
import { type Interval, wilsonInterval } from './wilson.js'

export interface BandMonth {
  readonly band: string
  readonly leads: number
  readonly conversions: number
  readonly rate: number
  readonly interval: Interval
}

export interface DriftMonth {
  /** The month's first instant (UTC): leads are scored as of it. */
  readonly start: number
  readonly leads: number
  readonly conversions: number
  /** False when the horizon reaches past the end of the data: conversions still to come. */
  readonly complete: boolean
  readonly bands: readonly BandMonth[]
  /** The total's mean and its 10th, 25th, 50th, 75th and 90th percentiles. */
  readonly scores: { readonly mean: number; readonly percentiles: readonly number[] }
  /** Population stability of the band mix and of the score deciles against the first month. */
  readonly bandPsi: number
  readonly scorePsi: number
}

export interface DriftWarning {
  readonly kind: 'conversion' | 'band-mix' | 'score-mix'
  readonly month: number
  readonly band: string | null
  readonly message: string
}

export interface DriftReport {
  readonly model: string
  /** The bands seen, in the model's order. */
  readonly bands: readonly string[]
  readonly horizonDays: number
  readonly months: readonly DriftMonth[]
  readonly warnings: readonly DriftWarning[]
}

export interface DriftOptions {
  readonly from: number
  readonly to: number
  /** Days after the month's start in which a conversion counts (default 30). */
  readonly horizonDays?: number | undefined
  /** Where the data ends: months whose horizon goes past it are incomplete (not tested). */
  readonly dataEnd: number
  /** Significance of a fall in conversion (default 0.01). */
  readonly alpha?: number | undefined
  /** PSI above which a mix shift is reported (default 0.2). */
  readonly psiWarning?: number | undefined
  readonly progress?: StepProgress | undefined
}

const PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9]

/** Monthly drift of `model` from `from` to `to`. */
export function drift(model: CompiledModel, data: LeadData, options: DriftOptions): DriftReport {
  const horizonDays = options.horizonDays ?? 30
  const alpha = options.alpha ?? 0.01
  const psiLimit = options.psiWarning ?? 0.2
  const starts = monthStarts(options.from, options.to)
  const bandIds = [...model.bands.map((b) => b.id)]
  const { converted, at } = data.outcomes
  const months: DriftMonth[] = []
  const bandCounts: number[][] = []
  let edges: number[] | undefined
  let reference: number[] | undefined
  forEachSnapshot(
    model,
    data,
    starts,
    (_, { asOf: t, rows, scores }) => {
      const until = t + horizonDays * DAY_MS
      const leads = new Map<string, [number, number]>()
      const totals: number[] = []
      let conversions = 0
      for (let r = 0; r < rows.length; r++) {
        const c = rows[r]!
        const band = scores.band[r] ?? '(none)'
        if (!bandIds.includes(band)) bandIds.push(band)
        let row = leads.get(band)
        if (!row) {
          row = [0, 0]
          leads.set(band, row)
        }
        row[0]++
        totals.push(scores.total[r]!)
        if (converted[c] === 1 && (Number.isNaN(at[c]!) || at[c]! <= until)) {
          row[1]++
          conversions++
        }
      }
      const sorted = Float64Array.from(totals).sort()
      edges ??= quantileEdges(sorted, 10)
      const bins = new Array<number>(edges.length).fill(0)
      for (const x of sorted) bins[binOf(edges, x)]!++
      reference ??= bins
      const counts = bandIds.map((b) => leads.get(b)?.[0] ?? 0)
      bandCounts.push(counts)
      months.push({
        start: t,
        leads: totals.length,
        conversions,
        complete: until <= options.dataEnd,
        bands: bandIds
          .filter((b) => leads.has(b))
          .map((band) => {
            const [l, k] = leads.get(band)!
            return { band, leads: l, conversions: k, rate: k / l, interval: wilsonInterval(k, l) }
          }),
        scores: {
          mean: sorted.length === 0 ? 0 : sorted.reduce((s, x) => s + x, 0) / sorted.length,
          percentiles: PERCENTILES.map((p) =>
            sorted.length === 0 ? 0 : sorted[Math.floor(p * (sorted.length - 1))]!,
          ),
        },
        bandPsi: populationStability(bandCounts[0]!, counts),
        scorePsi: populationStability(reference, bins),
      })
    },
    options.progress,
  )
  const seen = new Set(months.flatMap((m) => m.bands.map((b) => b.band)))
  return {
    model: model.id,
    bands: bandIds.filter((b) => seen.has(b)),
    horizonDays,
    months,
    warnings: warningsOf(months, alpha, psiLimit),
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const monthName = (t: number) => new Date(t).toISOString().slice(0, 7)

function warningsOf(months: readonly DriftMonth[], alpha: number, psiLimit: number): DriftWarning[] {
  const warnings: DriftWarning[] = []
  months.forEach((m, i) => {
    if (i === 0) return
    const name = monthName(m.start)
    if (m.complete) {
      for (const b of m.bands) {
        let leads = 0
        let conversions = 0
        for (const earlier of months.slice(0, i)) {
          if (!earlier.complete) continue
          const row = earlier.bands.find((x) => x.band === b.band)
          leads += row?.leads ?? 0
          conversions += row?.conversions ?? 0
        }
        const test = twoProportionTest(b.conversions, b.leads, conversions, leads)
        if (test.z < 0 && test.p < alpha) {
          warnings.push({
            kind: 'conversion',
            month: m.start,
            band: b.band,
            message: `${name}: ${b.band} leads converted ${pct(b.rate)} against ${pct(conversions / leads)} in the months before (p = ${test.p.toPrecision(2)})`,
          })
        }
      }
    }
    if (m.bandPsi > psiLimit) {
      warnings.push({
        kind: 'band-mix',
        month: m.start,
        band: null,
        message: `${name}: the mix of bands shifted against ${monthName(months[0]!.start)} (PSI ${m.bandPsi.toFixed(2)})`,
      })
    }
    if (m.scorePsi > psiLimit) {
      warnings.push({
        kind: 'score-mix',
        month: m.start,
        band: null,
        message: `${name}: the distribution of scores shifted against ${monthName(months[0]!.start)} (PSI ${m.scorePsi.toFixed(2)})`,
      })
    }
  })
  return warnings
}
