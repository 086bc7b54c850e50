/**
 * What training says, in the user's language: its warnings (their `code` stays), its progress
 * and the errors of the data it cannot learn from. The learner (src/predict) gives its warnings
 * and steps by code with their figures, said here from the catalog. Texts without a code (the
 * service's own, src/engine/predictive; the steps of a job and warnings stored by earlier
 * versions; the input errors) are recognised by their English wording, as the API recognises the
 * engine's, and a text the catalog does not know stays in English.
 * @module
 */
import type { CliKey } from '../../i18n/cli.js'
import { cliTranslator } from '../../i18n/cli.js'
import type { Locale } from '../../i18n/locale.js'
import type { MessageValues } from '../../i18n/translator.js'
import { PredictInputError } from '../../predict/table.js'
import type { TrainingStep } from '../../predict/train.js'
import type { TrainingWarning } from '../../predict/warnings.js'
import { CliError } from '../context.js'
import { formatFor, type HumanFormat } from '../human-format.js'

type Known = readonly [RegExp, CliKey, (m: RegExpExecArray, f: HumanFormat) => MessageValues]

const none = () => ({})
/** A percentage as the learner writes it (`12.5%`), said again in the language. */
const share = (text: string, f: HumanFormat) => f.pct(Number(text) / 100)
/** A number as the learner writes it (`0.973`), said again with as many decimals. */
const decimal = (text: string, f: HumanFormat) => f.fixed(Number(text), text.split('.')[1]?.length ?? 0)

const WARNINGS: readonly Known[] = [
  [
    /^every one of the (\d+) leads has the same label \((none|all) converted\): there is nothing to learn$/,
    'warning.oneClass',
    (m) => ({ rows: Number(m[1]), which: m[2] }),
  ],
  [
    /^check the label column and --positive, or add leads with the other outcome$/,
    'warning.oneClass.action',
    none,
  ],
  [
    /^only (\d+) leads (converted|did not convert) \(under (\d+)\): the scores and figures will be noisy$/,
    'warning.fewConversions',
    (m) => ({ count: Number(m[1]), converted: m[2] === 'converted' ? 'yes' : 'no', min: Number(m[3]) }),
  ],
  [
    /^wait for more outcomes or widen the period of the data; treat the model as a rough guide$/,
    'warning.fewConversions.action',
    none,
  ],
  [
    /^only (\d+) leads with a known outcome \(under (\d+)\)$/,
    'warning.fewLeads',
    (m) => ({ count: Number(m[1]), min: Number(m[2]) }),
  ],
  [/^add more past leads; until then prefer a hand-written scoring model$/, 'warning.fewLeads.action', none],
  [
    /^"(.*)" alone predicts the label almost perfectly \(AUC ([\d.]+)(?: on the (\d+)% of leads where it is filled in)?\): probably written after the outcome was known$/s,
    'warning.leak',
    (m, f) => ({
      feature: m[1],
      auc: decimal(m[2]!, f),
      filled: m[3] === undefined ? 'all' : share(m[3], f),
    }),
  ],
  [
    /^check when "(.*)" is filled in; if it is set by sales after a lead is worked, leave it out with --exclude "(.*)"$/s,
    'warning.leak.action',
    (m) => ({ feature: m[1] }),
  ],
  [
    /^the cross-validated AUC is ([\d.]+): lead scores this good almost always mean a column gives the outcome away$/,
    'warning.aucTooHigh',
    (m, f) => ({ auc: decimal(m[1]!, f) }),
  ],
  [
    /^look at the most important features and leave out \(--exclude\) any that is filled in after the outcome$/,
    'warning.aucTooHigh.action',
    none,
  ],
  [
    /^the latest leads convert at ([\d.]+)% against ([\d.]+)% before: the past is a poor guide to now$/,
    'warning.timeShift',
    (m, f) => ({ now: share(m[1]!, f), before: share(m[2]!, f) }),
  ],
  [
    /^check for a change in how leads are labelled or sourced; train on recent leads only, and recalibrate often$/,
    'warning.timeShift.action',
    none,
  ],
  [
    /^(\d+) of (\d+) conversions have no time: their behaviour is taken as of the training time, so what converted leads did after converting \(product use, invoices\) can leak into the model$/,
    'warning.untimed',
    (m) => ({ count: Number(m[1]), conversions: Number(m[2]) }),
  ],
  [
    /^name the property with the time of the conversion \(outcome time, e\.g\. converted_at\), or use a stage or an outcome event$/,
    'warning.untimed.property',
    none,
  ],
  [
    /^set stages through the API or events as they happen, so each conversion has a time$/,
    'warning.untimed.action',
    none,
  ],
  [
    /^behaviour alone nearly tells the outcome \((.*)\): converted contacts are seen at the moment they converted, when they were most active, and the others as of now$/s,
    'warning.behaviour',
    (m) => ({ features: m[1] }),
  ],
  [
    /^train with a horizon \(--horizon 90d, "horizonDays": 90\): everyone as of 90 days ago, converted if they did within the 90 days since$/,
    'warning.behaviour.action',
    none,
  ],
]

const PROGRESS: readonly Known[] = [
  [
    /^cross-validating (\w+): fold (\d+) of (\d+)$/,
    'progress.fold',
    (m) => ({ learner: m[1], fold: m[2], folds: m[3] }),
  ],
  [/^fitting (\w+) on all (\d+) leads$/, 'progress.fit', (m) => ({ learner: m[1], count: Number(m[2]) })],
  [/^explaining the features$/, 'progress.explaining', none],
  [/^forward-in-time check on the latest (\d+) leads$/, 'progress.forward', (m) => ({ count: Number(m[1]) })],
  [/^starting$/, 'progress.starting', none],
  [/^reading the outcomes$/, 'progress.outcomes', none],
  [/^computing the features$/, 'progress.features', none],
  [/^storing the model$/, 'progress.storing', none],
  [/^predicting with (\S+) version (\d+)$/, 'progress.predicting', (m) => ({ model: m[1], version: m[2] })],
  [
    /^trained version (\d+) and predicted (\d+) contacts$/,
    'progress.trained',
    (m) => ({ version: m[1], count: Number(m[2]) }),
  ],
  [/^trained version (\d+) \(not activated\)$/, 'progress.trainedInactive', (m) => ({ version: m[1] })],
  [/^failed$/, 'progress.failed', none],
  [/^stopped$/, 'progress.stopped', none],
]

const INPUT_ERRORS: readonly Known[] = [
  [
    /^no column named "(.*)" \(the (label|id column|time column|excluded column)\) in the data$/s,
    'trainInput.noColumn',
    (m) => ({ name: m[1], role: m[2]!.split(' ')[0] }),
  ],
  [
    /^no row of the label column "(.*)" is "(.*)" \(its values: (.*)\)$/s,
    'trainInput.positive',
    (m) => ({ column: m[1], value: m[2], values: m[3] }),
  ],
  [
    /^did you mean (.*)\? the columns are: (.*)$/s,
    'trainInput.noColumn.close',
    (m) => ({ close: m[1], columns: m[2] }),
  ],
  [/^the columns are: (.*)$/s, 'trainInput.noColumn.hint', (m) => ({ columns: m[1] })],
  [/^the label column "(.*)" is empty$/s, 'trainInput.emptyLabel', (m) => ({ column: m[1] })],
  [/^fill in the outcome of past leads$/, 'trainInput.emptyLabel.hint', none],
  [
    /^the label column "(.*)" has (\d+) values \((.*)\); a label must have two: converted or not$/s,
    'trainInput.manyValues',
    (m) => ({ column: m[1], count: Number(m[2]), values: m[3] }),
  ],
  [
    /^pick the column that says whether each lead converted, or pass --positive VALUE to count one value as converted and every other as not$/,
    'trainInput.manyValues.hint',
    none,
  ],
  [/^pass one of its values to --positive$/, 'trainInput.positive.hint', none],
  [
    /^cannot tell which value of the label column "(.*)" means converted \((.*)\)$/s,
    'trainInput.ambiguous',
    (m) => ({ column: m[1], values: m[2] }),
  ],
  [
    /^pass --positive VALUE, for example --positive "(.*)"$/s,
    'trainInput.ambiguous.hint',
    (m) => ({ value: m[1] }),
  ],
  [
    /^only (\d+) of (\d+) cells of the time column "(.*)" are times$/s,
    'trainInput.fewTimes',
    (m) => ({ known: Number(m[1]), count: Number(m[2]), column: m[3] }),
  ],
  [
    /^give ISO-8601 times \(2024-03-01 or 2024-03-01T09:30:00Z\) or epoch milliseconds$/,
    'trainInput.fewTimes.hint',
    none,
  ],
  [
    /^only (\d+) leads of one outcome: (\d+)-fold cross-validation needs at least (\d+)$/,
    'trainInput.fewForFolds',
    (m) => ({ count: Number(m[1]), folds: m[2] }),
  ],
  [/^add more leads with known outcomes, or pass a smaller --cv$/, 'trainInput.fewForFolds.hint', none],
  [/^no column is left to learn from$/, 'trainInput.noFeatures', none],
  [
    /^not a predictive model \(its "format" is (.*), expected "(.*)"\)$/s,
    'trainInput.notModel',
    (m) => ({ format: m[1], expected: m[2] }),
  ],
  [/^give a file written by `leadscore train --out`$/, 'trainInput.notModel.hint', none],
  [
    /^model format version (.*); this leadscore reads version (\d+)$/s,
    'trainInput.version',
    (m) => ({ version: m[1], expected: m[2] }),
  ],
  [/^train the model again with this version of leadscore$/, 'trainInput.version.hint', none],
]

function recognise(table: readonly Known[], text: string, locale: Locale): string | undefined {
  if (locale === 'en') return undefined
  for (const [pattern, key, values] of table) {
    const match = pattern.exec(text)
    if (match) {
      const t = cliTranslator(locale)
      return t.t(key, values(match, formatFor(t)))
    }
  }
  return undefined
}

type Figures = Readonly<Record<string, string | number>>
interface ByCode {
  readonly message: CliKey
  readonly action: CliKey
  readonly values: (v: Figures, f: HumanFormat) => MessageValues
}

const same = (v: Figures): MessageValues => ({ ...v })
/** The learner's warnings by code: their figures said in the language. */
const WARNING_CODES: Partial<Record<TrainingWarning['code'], ByCode>> = {
  'one-class': { message: 'warning.oneClass', action: 'warning.oneClass.action', values: same },
  'few-conversions': {
    message: 'warning.fewConversions',
    action: 'warning.fewConversions.action',
    values: same,
  },
  'few-leads': { message: 'warning.fewLeads', action: 'warning.fewLeads.action', values: same },
  'probable-leak': {
    message: 'warning.leak',
    action: 'warning.leak.action',
    values: (v, f) => ({
      feature: v.feature,
      auc: f.fixed(Number(v.auc), 3),
      filled: v.filled === 'all' ? 'all' : f.pct(Number(v.filled)),
    }),
  },
  'auc-too-high': {
    message: 'warning.aucTooHigh',
    action: 'warning.aucTooHigh.action',
    values: (v, f) => ({ auc: f.fixed(Number(v.auc), 3) }),
  },
  'time-shift': {
    message: 'warning.timeShift',
    action: 'warning.timeShift.action',
    values: (v, f) => ({ now: f.pct(Number(v.now)), before: f.pct(Number(v.before)) }),
  },
}

/** A training warning's message and what to do, in `locale`: by its code and figures when it has them. */
export function warningText(w: TrainingWarning, locale: Locale): { message: string; action: string } {
  const byCode = WARNING_CODES[w.code]
  if (locale !== 'en' && byCode !== undefined && w.values !== undefined) {
    const t = cliTranslator(locale)
    const values = byCode.values(w.values, formatFor(t))
    return { message: t.t(byCode.message, values), action: t.t(byCode.action, values) }
  }
  return {
    message: recognise(WARNINGS, w.message, locale) ?? w.message,
    action: recognise(WARNINGS, w.action, locale) ?? w.action,
  }
}

/**
 * A training step in `locale`: by code when the learner gave it (`step`), else its English
 * text (`cross-validating gbdt: fold 2 of 5`, a job's `step`) recognised by its wording.
 */
export function progressText(message: string, locale: Locale, step?: TrainingStep): string {
  if (locale === 'en' || step === undefined) return recognise(PROGRESS, message, locale) ?? message
  const t = cliTranslator(locale)
  switch (step.code) {
    case 'fold':
      return t.t('progress.fold', { learner: step.learner, fold: step.fold, folds: step.folds })
    case 'fit':
      return t.t('progress.fit', { learner: step.learner, count: step.count })
    case 'forward':
      return t.t('progress.forward', { count: step.count })
    case 'explaining':
      return t.t('progress.explaining', {})
  }
}

/** A {@link PredictInputError} as a CLI error (with `prefix`, e.g. the file); other errors unchanged. */
export function asCliError(error: unknown, prefix = ''): unknown {
  if (!(error instanceof PredictInputError)) return error
  const { message, hint } = error
  return new CliError(
    { said: (locale) => prefix + (recognise(INPUT_ERRORS, message, locale) ?? message) },
    { hint: { said: (locale) => recognise(INPUT_ERRORS, hint, locale) ?? hint } },
  )
}
