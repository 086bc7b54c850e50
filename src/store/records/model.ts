/**
 * Scoring models: versioned source documents with a status.
 * @module
 */

export type ModelStatus = 'draft' | 'published' | 'archived'

export interface ModelRecord {
  readonly id: string
  /** 1, 2, 3... per id. */
  readonly version: number
  readonly status: ModelStatus
  /** The model whose scores people see by default; at most one, and it is published. */
  readonly primary: boolean
  /** The model document as written (YAML or JSON). */
  readonly source: string
  readonly createdAt: number
  readonly publishedAt: number | null
}

export interface ModelDraft {
  readonly id: string
  readonly source: string
  readonly createdAt: number
}

export interface PublishModel {
  readonly id: string
  readonly version: number
  /**
   * Make it the primary model. Default: it is primary when the version it replaces was,
   * or when no model is primary yet.
   */
  readonly primary?: boolean | undefined
  readonly at: number
}
