/**
 * The errors a store throws. Messages say what was wrong and, where it helps, what to check.
 * @module
 */

/** Base class of the store's own errors. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError'
}

/** Input the store refuses (before writing anything): `field` says which, e.g. `events[3].ts`. */
export class StoreInputError extends StoreError {
  override readonly name = 'StoreInputError'
  /** The field that is wrong, e.g. `events[3].ts`. */
  readonly field: string
  /** What is wrong with it. */
  readonly problem: string
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`)
    this.field = field
    this.problem = problem
  }
}

/** A record the call needs does not exist. */
export class StoreNotFoundError extends StoreError {
  override readonly name = 'StoreNotFoundError'
}

/** The database cannot be opened or reached. */
export class StoreConnectionError extends StoreError {
  override readonly name = 'StoreConnectionError'
}

/** The database's schema is not one this version can use (e.g. written by a newer leadscore). */
export class StoreSchemaError extends StoreError {
  override readonly name = 'StoreSchemaError'
}

/** What kind of database rule a write broke. */
export type ConstraintKind = 'unique' | 'foreign key' | 'check' | 'not null'

/**
 * A write broke a rule of the database (e.g. a score for a contact that does not exist, a
 * key whose hash is already stored). The whole call (or transaction) wrote nothing.
 */
export class StoreConstraintError extends StoreError {
  override readonly name = 'StoreConstraintError'
  readonly constraint: ConstraintKind
  constructor(constraint: ConstraintKind, message: string, options?: ErrorOptions) {
    super(message, options)
    this.constraint = constraint
  }
}
