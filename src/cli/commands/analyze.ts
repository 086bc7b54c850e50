/**
 * `leadscore analyze`: does the model work? Signals, suggested points, backtests, the
 * threshold from sales capacity, drift. Each subcommand lives in `analyze/`.
 * @module
 */
import { defineCommand } from 'citty'
import { help } from '../help.js'

export const analyzeCommand = defineCommand({
  meta: {
    name: 'analyze',
    description: help('help.analyze'),
  },
  subCommands: {
    signals: () => import('./analyze/signals.js').then((m) => m.signalsCommand),
    suggest: () => import('./analyze/suggest.js').then((m) => m.suggestCommand),
    backtest: () => import('./analyze/backtest.js').then((m) => m.backtestCommand),
    threshold: () => import('./analyze/threshold.js').then((m) => m.thresholdCommand),
    drift: () => import('./analyze/drift.js').then((m) => m.driftCommand),
  },
})
