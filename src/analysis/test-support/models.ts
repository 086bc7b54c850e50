/**
 * Models for the analysis tests: one that scores the planted signals (webinar, pro plan),
 * and one that scores noise, so it must backtest worse.
 * @module
 */
import { type CompiledModel, compileModel } from '../../core/compile.js'
import { loadModel } from '../../core/model/index.js'

/** The source of a model that gives `webinar` and `pro` points to those signals and `free` to the free plan. */
export function modelSource(
  id: string,
  points: { webinar: number; pro: number; free: number; pages: number },
): string {
  return `# a test model
format: leadscore/v1
id: ${id}
fit:
  max: 40
  groups:
    - id: plan
      rules:
        # the plan people chose
        - { id: pro-plan, label: pro plan, when: { plan: pro }, points: ${points.pro} }
        - { id: free-plan, when: { plan: free }, points: ${points.free} }
  grades: { A: 20, B: 10 }
engagement:
  max: 60
  decay: { halfLifeDays: 60 }
  groups:
    - id: web
      rules:
        - { id: pages, when: { event: page }, points: ${points.pages} }
        - id: webinar
          when: { event: Webinar Attended }
          points: ${points.webinar} # attended live
bands:
  - { id: hot, when: { score.total: { gte: 25 } } }
  - { id: warm, when: { score.total: { gte: 10 } } }
  - { id: cold }
stages:
  - { id: lead }
  - { id: mql, when: { score.total: { gte: 25 } } }
  - { id: customer }
`
}

export function compile(source: string): CompiledModel {
  const loaded = loadModel(source)
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'))
  return compileModel(loaded.model)
}

export const GOOD = modelSource('good', { webinar: 30, pro: 30, free: 0, pages: 1 })
export const NOISE = modelSource('noise', { webinar: 1, pro: 0, free: 30, pages: 1 })
