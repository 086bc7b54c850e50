/**
 * The published models the engine scores with, compiled once per version, and compiling a
 * model source with its issues.
 * @module
 */
import { type CompiledModel, compileModel } from '../core/index.js'
import { compareIssues, type Issue, loadModel, type ModelDocument } from '../core/model/index.js'
import type { ModelRecord, Store } from '../store/index.js'
import { InvalidRequestError } from './errors.js'
import type { Logger } from './logger.js'

/** A published model version, ready to evaluate. */
export interface PublishedModel {
  readonly record: ModelRecord
  readonly compiled: CompiledModel
}

/** A model source that validated: its document, compiled form and warnings. */
export interface CompiledSource {
  readonly document: ModelDocument
  readonly compiled: CompiledModel
  readonly warnings: readonly Issue[]
}

/**
 * Validates and compiles a model source. Throws `InvalidRequestError` with every error
 * (path, line, column, hint) when it does not validate.
 */
export function compileSource(source: string): CompiledSource {
  const loaded = loadModel(source)
  if (!loaded.ok) {
    const errors = [...loaded.errors].sort(compareIssues)
    const first = errors[0]
    throw new InvalidRequestError(
      {
        key: 'model.invalid',
        values: {
          count: errors.length,
          first: `${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}`,
          line: first?.line === undefined ? 'none' : String(first.line),
          column: String(first?.column ?? 1),
        },
      },
      { hint: first?.hint ?? { key: 'model.invalid.hint' }, issues: errors },
    )
  }
  return { document: loaded.model, compiled: compileModel(loaded.model), warnings: loaded.warnings }
}

/** The published models, primary first, refreshed from the store. */
export class ModelRegistry {
  private readonly store: Store
  private readonly logger: Logger
  private readonly compiled = new Map<string, CompiledModel>()
  private current: readonly PublishedModel[] = []

  constructor(store: Store, logger: Logger) {
    this.store = store
    this.logger = logger
  }

  /** The published models: the primary first, then shadows by id. */
  get published(): readonly PublishedModel[] {
    return this.current
  }

  /** The primary model, if any. */
  get primary(): PublishedModel | undefined {
    return this.current.find((m) => m.record.primary)
  }

  /** The published version of model `id`, if any. */
  find(id: string): PublishedModel | undefined {
    return this.current.find((m) => m.record.id === id)
  }

  /** Reads the published versions from the store; true when they changed. */
  async refresh(): Promise<boolean> {
    const records = await this.store.publishedModels()
    const next: PublishedModel[] = []
    for (const record of records) {
      const compiled = this.compile(record)
      if (compiled) next.push({ record, compiled })
    }
    const key = (list: readonly PublishedModel[]) =>
      list.map((m) => `${m.record.id}@${m.record.version}${m.record.primary ? '*' : ''}`).join(',')
    const changed = key(next) !== key(this.current)
    this.current = next
    return changed
  }

  /** The compiled form of a stored version (cached), or undefined when its source does not validate. */
  compile(record: ModelRecord): CompiledModel | undefined {
    const key = `${record.id}@${record.version}`
    let model = this.compiled.get(key)
    if (model === undefined) {
      try {
        model = compileSource(record.source).compiled
      } catch (error) {
        this.logger.error('a stored model version does not validate; it is not used', {
          model: record.id,
          version: record.version,
          error,
        })
        return undefined
      }
      this.compiled.set(key, model)
    }
    return model
  }
}
