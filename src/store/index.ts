/**
 * Storage: the `Store` port and its adapters (SQLite, PostgreSQL).
 * @module
 */
export * from './errors.js'
export { mergeProperties } from './json.js'
export { openStore } from './open-store.js'
export { DEFAULT_PARTITION_COUNT, partitionOf } from './partition.js'
export { openPostgresStore, type PostgresStoreOptions } from './postgres/open-postgres-store.js'
export type * from './records/account.js'
export type * from './records/contact.js'
export * from './records/contact-query.js'
export type * from './records/event.js'
export type * from './records/key.js'
export type * from './records/lease.js'
export type * from './records/model.js'
export type * from './records/rescore.js'
export type * from './records/score.js'
export * from './records/transition.js'
export * from './records/user.js'
export * from './records/webhook.js'
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/open-sqlite-store.js'
export * from './state-codec.js'
export type { Store, StoreOps } from './store.js'
