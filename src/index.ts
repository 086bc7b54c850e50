/**
 * Leadscore as a library: the pure scoring core. Compile a model, evaluate contacts and
 * accounts, fold events incrementally, score columns in bulk, validate model documents.
 *
 * @example
 * import { compileModel, evaluateContact, loadModel } from 'leadscore'
 * const loaded = loadModel(yamlText)
 * if (loaded.ok) console.log(evaluateContact(compileModel(loaded.model), contact, events, Date.now()).total)
 * @module
 */

/** Does the model work? Signals, backtests, threshold from capacity, drift, suggested points (see docs/analysis.md). */
export * from './analysis/index.js'
export * from './core/index.js'
export * from './core/model/index.js'
/** Receivers of Leadscore webhooks verify their signature with this. */
export { type VerifyOptions, verifyWebhookSignature } from './engine/webhooks/signature.js'
/** Predictive scoring: train, evaluate, predict, explain (see docs/predictive.md). */
export * from './predict/index.js'
