/**
 * The charts of the reports: bars (lift by decile) and lines (conversion by band, month by
 * month). uPlot is loaded with the first chart, in its own chunk, as for the score chart.
 * Each chart is an image with a text alternative; the numbers are also in a table nearby.
 */
import { useEffect, useRef } from 'preact/hooks'
import type uPlot from 'uplot'
import { decimal, timeTicks } from '../format.js'

const AXIS = '#596275'
const ACCENT = '#3b4fd8'

/** Draws a uPlot chart into the returned element; it is rebuilt when `deps` change. */
function useChart(
  make: (UPlot: typeof uPlot, width: number) => [uPlot.Options, uPlot.AlignedData],
  deps: readonly unknown[],
) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let chart: uPlot | undefined
    let gone = false
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      const el = box.current
      if (gone || !el) return
      const [options, data] = make(UPlot, el.clientWidth || 600)
      chart = new UPlot(options, data, el)
    })
    return () => {
      gone = true
      chart?.destroy()
    }
  }, deps)
  return box
}

export interface BarChartProps {
  /** One label per bar (the x axis). */
  labels: string[]
  values: number[]
  /** The series' name, in the legend. */
  name: string
  /** A dashed horizontal line, e.g. lift 1 (no better than random). */
  reference?: { value: number; label: string }
  /** The text alternative. */
  description: string
}

export function BarChart({ labels, values, name, reference, description }: BarChartProps) {
  const box = useChart(
    (UPlot, width) => [
      {
        width,
        height: 220,
        scales: {
          x: { time: false, range: [0.4, labels.length + 0.6] },
          y: { range: [0, Math.max(reference?.value ?? 0, ...values) * 1.1 || 1] },
        },
        axes: [
          {
            stroke: AXIS,
            splits: () => labels.map((_, i) => i + 1),
            values: (_u, splits) => splits.map((s) => labels[s - 1] ?? ''),
            grid: { show: false },
          },
          { stroke: AXIS, size: 44, values: (_u, splits) => splits.map((s) => decimal(s)) },
        ],
        legend: { show: false },
        cursor: { show: false },
        series: [
          {},
          {
            label: name,
            fill: ACCENT,
            stroke: ACCENT,
            width: 0,
            paths: UPlot.paths.bars!({ size: [0.6, 64] }),
            points: { show: false },
          },
        ],
        hooks: {
          draw: reference
            ? [
                (u) => {
                  const ctx = u.ctx
                  const y = u.valToPos(reference.value, 'y', true)
                  ctx.save()
                  ctx.setLineDash([5, 4])
                  ctx.strokeStyle = '#c2410c'
                  ctx.fillStyle = '#c2410c'
                  ctx.font = `${11 * devicePixelRatio}px system-ui`
                  ctx.beginPath()
                  ctx.moveTo(u.bbox.left, y)
                  ctx.lineTo(u.bbox.left + u.bbox.width, y)
                  ctx.stroke()
                  const w = ctx.measureText(reference.label).width
                  ctx.fillText(reference.label, u.bbox.left + u.bbox.width - w - 6, y - 4)
                  ctx.restore()
                },
              ]
            : [],
        },
      },
      [labels.map((_, i) => i + 1), values],
    ],
    [labels.join('\u0000'), values.join(','), reference?.value, reference?.label],
  )
  return <div ref={box} class="chart" role="img" aria-label={description} />
}

export interface LineSeries {
  label: string
  color: string
  /** One value per x; null where there is nothing to show. */
  values: (number | null)[]
}

export interface LineChartProps {
  /** Times in ms. */
  xs: number[]
  series: LineSeries[]
  /** Formats a y value (axis and legend). */
  format: (value: number) => string
  description: string
}

export function LineChart({ xs, series, format, description }: LineChartProps) {
  const box = useChart(
    (_UPlot, width) => [
      {
        width,
        height: 220,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { stroke: AXIS, values: (_u, splits) => timeTicks(splits) },
          { stroke: AXIS, size: 64, values: (_u, splits) => splits.map((s) => format(s)) },
        ],
        legend: { show: true, live: false },
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            spanGaps: false,
            points: { show: true, size: 6 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
          })),
        ],
      },
      [xs.map((x) => x / 1000), ...series.map((s) => s.values)],
    ],
    [xs.join(','), JSON.stringify(series)],
  )
  return <div ref={box} class="chart" role="img" aria-label={description} />
}
