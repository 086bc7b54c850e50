/**
 * Does the model work? Signals, suggested points, backtests, the threshold from sales
 * capacity, drift. Pure: leads (the columnar scorer's contacts and events) and outcomes in,
 * reports out; no I/O, no clock (every time is a parameter).
 * @module
 */
export * from './backtest.js'
export * from './drift.js'
export * from './events-before.js'
export * from './indicator-fit.js'
export * from './leads.js'
export * from './mql.js'
export * from './property-columns.js'
export * from './rolling.js'
export * from './rule-indicators.js'
export * from './signals.js'
export * from './snapshots.js'
export * from './suggest.js'
export * from './tests.js'
export * from './threshold.js'
export * from './wilson.js'
