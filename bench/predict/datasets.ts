/**
 * The public lead-conversion datasets of /work/shared/data, with the honest feature sets of
 * its README and the scikit-learn / XGBoost baselines quoted in issue #5.
 * @module
 */
import { join } from 'node:path'

export interface BenchDataset {
  readonly name: string
  readonly file: string
  readonly label: string
  /** Columns left out: known only after the outcome (see the data README). */
  readonly exclude: readonly string[]
  readonly missingValues: readonly string[]
  /** Best baseline ROC AUC (5-fold stratified, shuffle, seed 0), by learner. */
  readonly baselines: Readonly<Record<string, number>>
}

export const DATA_DIR = process.env.LEADSCORE_DATA_DIR ?? '/work/shared/data'

/** The nine columns of the X Education data written after the outcome. */
export const X_EDUCATION_LEAKS = [
  'Tags',
  'Lead Quality',
  'Lead Profile',
  'Last Notable Activity',
  'Last Activity',
  'Asymmetrique Activity Index',
  'Asymmetrique Profile Index',
  'Asymmetrique Activity Score',
  'Asymmetrique Profile Score',
] as const

export const DATASETS: readonly BenchDataset[] = [
  {
    name: 'X Education leads',
    file: join(DATA_DIR, 'x-education-leads/Leads.csv'),
    label: 'Converted',
    exclude: [...X_EDUCATION_LEAKS, 'Prospect ID', 'Lead Number'],
    missingValues: ['Select'],
    baselines: { HistGradientBoosting: 0.8725, LogisticRegression: 0.8647 },
  },
  {
    name: 'UCI bank marketing',
    file: join(DATA_DIR, 'uci-bank-marketing/bank-additional-full.csv'),
    label: 'y',
    exclude: ['duration'],
    missingValues: [],
    baselines: { HistGradientBoosting: 0.8039 },
  },
  {
    name: 'UCI online shoppers',
    file: join(DATA_DIR, 'uci-online-shoppers/online_shoppers_intention.csv'),
    label: 'Revenue',
    exclude: ['PageValues'],
    missingValues: [],
    baselines: { HistGradientBoosting: 0.7804 },
  },
]
