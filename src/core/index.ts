/**
 * The pure core of Leadscore: compile a model, evaluate contacts and accounts, fold events
 * incrementally, score columns in bulk. No I/O, no clock: time is a parameter.
 * @module
 */

export * from './account.js'
export * from './classify.js'
export * from './columnar/index.js'
export * from './compact.js'
export * from './compile.js'
export * from './evaluate.js'
export * from './fields.js'
export * from './id-hash.js'
export * from './input.js'
export * from './labels.js'
export type * from './model/types.js'
export * from './result.js'
export * from './state.js'
