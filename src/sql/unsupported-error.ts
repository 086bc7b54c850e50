/**
 * The error of `compileToSql` for a model a dialect cannot express.
 * @module
 */
import type { DialectName } from './dialect.js'
import type { UnsupportedConstruct } from './values.js'

/** Lists every construct of a model that a dialect cannot express, with its path. */
export class SqlUnsupportedError extends Error {
  override readonly name = 'SqlUnsupportedError'

  readonly dialect: DialectName
  readonly constructs: readonly UnsupportedConstruct[]

  constructor(dialect: DialectName, constructs: readonly UnsupportedConstruct[]) {
    super(
      `${dialect} cannot express ${constructs.length === 1 ? 'one construct' : `${constructs.length} constructs`} of this model:\n${constructs
        .map((c) => `  ${c.path}: ${c.problem}`)
        .join('\n')}\nRewrite them (or score this model with leadscore's own engine).`,
    )
    this.dialect = dialect
    this.constructs = constructs
  }
}
