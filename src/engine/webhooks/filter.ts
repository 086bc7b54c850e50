/**
 * Webhook filters: a condition in the model's language (`{ score.grade: { in: [A, B] } }`)
 * over the contact after the transition: its properties, `account.*`, and `score.*`. It is
 * validated exactly like a model's conditions (it is compiled as the condition of a
 * one-segment model), with the issues' paths rewritten to `filter...`.
 * @module
 */
import { parse as parseYaml, YAMLError } from 'yaml'
import {
  type Classes,
  type ContactInput,
  compileModel,
  contactScope,
  type ScoreFields,
} from '../../core/index.js'
import { type Issue, loadModel } from '../../core/model/index.js'
import { InvalidRequestError } from '../errors.js'

/** What a filter reads: the contact, its account, its scores and classes after the transition. */
export interface FilterSubject {
  readonly contact: ContactInput
  readonly fields: ScoreFields
  readonly classes: Partial<Classes>
}

export type CompiledFilter = (subject: FilterSubject) => boolean

const PREFIX = 'segments[0].when'

/**
 * Compiles a filter given as a condition object or as YAML/JSON text. Throws
 * `InvalidRequestError` with the issues (paths `filter...`) when it does not validate, and
 * for `did` / `didNot` (a filter sees the contact's scores, not its event history).
 */
export function compileFilter(filter: unknown): CompiledFilter {
  let condition = filter
  if (typeof filter === 'string') {
    try {
      condition = parseYaml(filter)
    } catch (error) {
      // the YAML parser's own words for English readers; where it is, for everyone
      const at = error instanceof YAMLError ? error.linePos?.[0] : undefined
      throw new InvalidRequestError(`filter: not valid YAML or JSON: ${(error as Error).message}`, {
        hint: { key: 'webhook.filter.hint' },
        text: {
          key: 'webhook.filter.yaml',
          values: { line: at === undefined ? 'none' : String(at.line), column: String(at?.col ?? 1) },
        },
      })
    }
  }
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    throw new InvalidRequestError(
      { key: 'webhook.filter.notCondition' },
      { hint: { key: 'webhook.filter.hint' } },
    )
  }
  const source = JSON.stringify({
    format: 'leadscore/v1',
    id: 'webhook-filter',
    // a model must score something to validate: one rule that the filter never reads
    engagement: { max: 1, groups: [{ id: 'g', rules: [{ id: 'r', when: { event: 'x' }, points: 1 }] }] },
    segments: [{ id: 'filter', when: condition }],
  })
  const loaded = loadModel(source, { format: 'json' })
  if (!loaded.ok) {
    const issues = loaded.errors.map(rewrite)
    throw new InvalidRequestError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      hint: issues.find((i) => i.hint)?.hint ?? { key: 'webhook.filter.invalid.hint' },
      issues,
      summary: 'webhook.filter.invalid',
    })
  }
  const model = compileModel(loaded.model)
  if (model.history.length > 0) {
    throw new InvalidRequestError(
      { key: 'webhook.filter.history' },
      { hint: { key: 'webhook.filter.history.hint' } },
    )
  }
  const when = model.segments[0]?.when
  if (when === undefined) return () => true
  return ({ contact, fields, classes }) => {
    const scope = contactScope(contact, fields, () => false)
    Object.assign(scope.classes, classes)
    return when(scope)
  }
}

/** An issue of the synthetic model, located in the filter (no line: the filter has none of its own). */
function rewrite(issue: Issue): Issue {
  const path = issue.path.startsWith(PREFIX) ? `filter${issue.path.slice(PREFIX.length)}` : issue.path
  const { line: _line, column: _column, ...rest } = issue
  return { ...rest, path }
}
