/**
 * Classification: grade and level from the parts, then bands, lifecycle stage, journey
 * stage and segments from conditions that may read every score field.
 * @module
 */
import type { CompiledClassifier, CompiledModel } from './compile.js'
import type { Scope } from './conditions.js'
import type { ContactInput } from './input.js'
import { lookup } from './values.js'

/** The numeric score fields a condition can read (`score.*`). */
export interface ScoreFields {
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly likelihood: number | null
  /** A group's points by id. */
  group(id: string): number | undefined
  /** A rule's points by id. */
  rule(id: string): number | undefined
}

export interface Classes {
  grade: string | null
  level: string | null
  label: string | null
  band: string | null
  stage: string | null
  journey: string | null
  segments: string[]
}

/** A mutable scope over a contact: properties, account, scores and classes as they are decided. */
export interface ContactScope extends Scope {
  readonly classes: Classes
}

/** A scope for classifier conditions over a contact and its scores. */
export function contactScope(
  contact: ContactInput,
  fields: ScoreFields,
  history: (index: number) => boolean,
): ContactScope {
  const classes: Classes = {
    grade: null,
    level: null,
    label: null,
    band: null,
    stage: null,
    journey: null,
    segments: [],
  }
  return {
    classes,
    history,
    get(field) {
      const ref = fieldRef(field)
      switch (ref.kind) {
        case 'property':
          return lookup(contact.properties, ref.name)
        case 'account':
          return lookup(contact.account, ref.name)
        case 'score':
          return scoreField(ref.name, fields, classes)
      }
    },
  }
}

/** Where a field name points: a contact property, an account property or a score field. */
interface FieldRef {
  readonly kind: 'property' | 'account' | 'score'
  readonly name: string
}

/** Field names come from compiled conditions, a small set: parse each once. */
const fieldRefs = new Map<string, FieldRef>()

function fieldRef(field: string): FieldRef {
  let ref = fieldRefs.get(field)
  if (ref === undefined) {
    ref = field.startsWith('score.')
      ? { kind: 'score', name: field.slice(6) }
      : field.startsWith('account.')
        ? { kind: 'account', name: field.slice(8) }
        : { kind: 'property', name: field }
    if (fieldRefs.size < 10_000) fieldRefs.set(field, ref)
  }
  return ref
}

function scoreField(name: string, fields: ScoreFields, classes: Classes): unknown {
  switch (name) {
    case 'total':
    case 'fit':
    case 'engagement':
    case 'likelihood':
      return fields[name]
    case 'grade':
    case 'level':
    case 'label':
    case 'band':
    case 'stage':
    case 'journey':
      return classes[name]
    case 'segments':
      return classes.segments.join('|')
  }
  if (name.startsWith('group.')) return fields.group(name.slice(6))
  if (name.startsWith('rule.')) return fields.rule(name.slice(5))
  return undefined
}

/** The letter of the first grade threshold `value` reaches, else F (null when the model has no grades). */
export function gradeOf(model: CompiledModel, fit: number): string | null {
  if (model.grades.length === 0) return null
  for (const [letter, threshold] of model.grades) if (fit >= threshold) return letter
  return 'F'
}

/** The first level threshold `value` reaches, else the level after the last (null when no levels). */
export function levelOf(model: CompiledModel, engagement: number): string | null {
  if (model.levels.length === 0) return null
  for (const [level, threshold] of model.levels) if (engagement >= threshold) return level
  return model.fallbackLevel ?? null
}

function firstMatch(list: readonly CompiledClassifier[], scope: Scope): string | null {
  for (const c of list) if (c.when === undefined || c.when(scope)) return c.id
  return null
}

/**
 * Classifies a contact. With `currentStage` (stateful scoring), the stage moves forward
 * only, or back through the current stage's `recycle`; without it (batch), it is the
 * highest automatic stage whose condition holds, else the first stage.
 */
export function classify(model: CompiledModel, scope: ContactScope, currentStage: string | null): Classes {
  const c = scope.classes
  const fit = scope.get('score.fit') as number
  const engagement = scope.get('score.engagement') as number
  c.grade = gradeOf(model, fit)
  c.level = levelOf(model, engagement)
  c.label = c.grade !== null && c.level !== null ? `${c.grade}${c.level}` : null
  c.band = firstMatch(model.bands, scope)
  c.stage = nextStage(model, currentStage, scope)
  c.journey = firstMatch(model.journey, scope)
  for (const s of model.segments) if (s.when === undefined || s.when(scope)) c.segments.push(s.id)
  return c
}

/** The lifecycle stage after this evaluation, from the current one (or none). */
export function nextStage(model: CompiledModel, currentStage: string | null, scope: Scope): string | null {
  const stages = model.stages
  if (stages.length === 0) return currentStage
  let highest = -1
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]!
    if (s.automatic && s.when!(scope)) {
      highest = i
      break
    }
  }
  const currentIndex = currentStage === null ? -1 : stages.findIndex((s) => s.id === currentStage)
  if (currentIndex < 0) return stages[Math.max(highest, 0)]!.id
  const current = stages[currentIndex]!
  if (highest > currentIndex) return stages[highest]!.id
  if (current.recycle?.when(scope)) return current.recycle.to
  return current.id
}
