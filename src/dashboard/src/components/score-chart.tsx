/**
 * The score over time with the band thresholds as dashed lines. uPlot is loaded with the
 * first chart (its own chunk), so pages without a chart never download it.
 */
import { useEffect, useRef } from 'preact/hooks'
import { score, timeTicks } from '../format.js'
import { useT } from '../i18n.js'
import { useLabels } from '../labels.js'
import type { BandThreshold } from '../types.js'

export interface ScorePoint {
  at: number
  total: number
  fit: number
  engagement: number
}

const COLORS: Record<string, string> = { hot: '#c2410c', warm: '#a16207', cold: '#3f5f99' }

export function ScoreChart({
  points,
  bands,
  max,
}: {
  points: ScorePoint[]
  bands: BandThreshold[]
  max: number
}) {
  const t = useT()
  const labels = useLabels()
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let chart: { destroy(): void } | undefined
    let gone = false
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      const el = box.current
      if (gone || !el) return
      const xs = points.map((p) => p.at / 1000)
      const thresholds = bands.filter((b) => b.min !== null)
      chart = new UPlot(
        {
          width: el.clientWidth || 600,
          height: 240,
          scales: { x: { time: true }, y: { range: [0, Math.max(max, ...points.map((p) => p.total))] } },
          axes: [
            { stroke: '#596275', values: (_u, splits) => timeTicks(splits) },
            { stroke: '#596275', size: 40 },
          ],
          legend: { show: true, live: false },
          series: [
            {},
            { label: t.t('score.total'), stroke: '#3b4fd8', width: 2, points: { show: points.length < 40 } },
            { label: t.t('score.fit'), stroke: '#8a93a6', width: 1 },
            { label: t.t('score.engagement'), stroke: '#1c7440', width: 1 },
          ],
          hooks: {
            draw: [
              (u) => {
                const ctx = u.ctx
                ctx.save()
                ctx.setLineDash([5, 4])
                ctx.lineWidth = 1
                ctx.font = `${11 * devicePixelRatio}px system-ui`
                for (const b of thresholds) {
                  const y = u.valToPos(b.min!, 'y', true)
                  ctx.strokeStyle = COLORS[b.id] ?? '#8a93a6'
                  ctx.fillStyle = ctx.strokeStyle
                  ctx.beginPath()
                  ctx.moveTo(u.bbox.left, y)
                  ctx.lineTo(u.bbox.left + u.bbox.width, y)
                  ctx.stroke()
                  const label = `${labels.band(b.id)} ≥ ${score(b.min)}`
                  ctx.fillText(
                    label,
                    u.bbox.left + u.bbox.width - ctx.measureText(label).width * devicePixelRatio - 6,
                    y - 4,
                  )
                }
                ctx.restore()
              },
            ],
          },
        },
        [xs, points.map((p) => p.total), points.map((p) => p.fit), points.map((p) => p.engagement)],
        el,
      )
    })
    return () => {
      gone = true
      chart?.destroy()
    }
  }, [points, bands, max, t, labels])
  return (
    <figure style={{ margin: 0 }}>
      <div
        ref={box}
        class="chart"
        role="img"
        aria-label={t.t('chart.scoreOverTime', {
          points: points.length,
          now: score(points.at(-1)?.total ?? 0),
        })}
      />
    </figure>
  )
}
