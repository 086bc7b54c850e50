/**
 * Scoring models: loading, validation with actionable issues, and the JSON Schema of the format.
 * @module
 */
export {
  compareIssues,
  formatIssue,
  formatPath,
  type Issue,
  type IssueParams,
  type Locate,
  type PathSegment,
  type Position,
} from './issue.js'
export { MODEL_SCHEMA_ID, modelJsonSchema } from './json-schema.js'
export { type LoadOptions, type LoadResult, loadModel } from './load.js'
export { conditionSchema, modelSchema, schemaIssues } from './schema.js'
export type * from './types.js'
export { type ValidateOptions, validateModel } from './validate.js'
