/**
 * The names people see for a model's bands, stages, journey entries and segments, in their
 * language: the label in that language, else the English label, else the id.
 * @module
 */
import type { CompiledClassifier, CompiledModel } from './compile.js'
import { labelIn } from './model/label.js'

export {
  LABEL_LANGUAGES,
  type Label,
  type LabelLanguage,
  type LocalizedText,
  labelIn,
} from './model/label.js'

/** Id → the name shown to people, for each kind of class a model defines. */
export interface ModelLabels {
  readonly bands: Readonly<Record<string, string>>
  readonly stages: Readonly<Record<string, string>>
  readonly journey: Readonly<Record<string, string>>
  readonly segments: Readonly<Record<string, string>>
}

/**
 * The labels of `model` in `locale` (`es`, `nl-BE`, ...): for every band, stage, journey entry and
 * segment id, its label in that language, else its English label, else the id itself.
 *
 * @example
 * labelsOf(compileModel(document), 'es').bands // { hot: 'Caliente', warm: 'Templado', cold: 'Frío' }
 */
export function labelsOf(
  model: Pick<CompiledModel, 'bands' | 'stages' | 'journey' | 'segments'>,
  locale: string,
): ModelLabels {
  const names = (list: readonly CompiledClassifier[]) =>
    Object.fromEntries(list.map((c) => [c.id, labelIn(c.labels, locale) ?? c.id]))
  return {
    bands: names(model.bands),
    stages: names(model.stages),
    journey: names(model.journey),
    segments: names(model.segments),
  }
}
