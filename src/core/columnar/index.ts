export * from './accounts.js'
export * from './events.js'
export * from './score.js'
export { ScoreCache } from './score-cache.js'
