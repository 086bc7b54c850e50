/**
 * Owner assignment: when a contact without an owner reaches the hand-off (MQL) stage of the
 * primary model, the rule gives it the next owner of a list, round robin, skipping owners
 * who already got their weekly capacity (weeks start on Monday, 00:00 UTC). The choice is
 * made in the transaction that writes the transition, with the rule's state locked, so two
 * processes never hand out the same turn; it is recorded as an `owner` transition.
 * @module
 */
import { z } from 'zod'
import { fieldIssueText, fieldMessage } from '../i18n/api.js'
import type { StoreOps } from '../store/index.js'
import { InvalidRequestError } from './errors.js'

/** The assignment rule, as stored under the setting `assignment`. */
export interface AssignmentRule {
  readonly enabled: boolean
  /** Owner ids (e.g. e-mail addresses), in turn order. */
  readonly owners: readonly string[]
  /** The most new MQLs an owner gets per week; null: no limit. */
  readonly weeklyCapacity: number | null
}

const RULE_KEY = 'assignment'
const STATE_KEY = 'assignment.state'
const WEEK_MS = 7 * 86_400_000
/** 1970-01-05 was a Monday. */
const MONDAY = 4 * 86_400_000

const ruleSchema = z.strictObject({
  enabled: z.boolean().default(true),
  owners: z
    .array(z.string().trim().min(1).max(320))
    .max(1000)
    .refine((l) => new Set(l).size === l.length, fieldMessage('field.ownersRepeat')),
  weeklyCapacity: z.number().int().positive().nullable().default(null),
})

const stateSchema = z.object({
  cursor: z.number().int().nonnegative(),
  week: z.number().int(),
  counts: z.record(z.string(), z.number().int().nonnegative()),
})

type AssignmentState = z.infer<typeof stateSchema>

/** The start of the week of `at` (Monday 00:00 UTC). */
export function weekStart(at: number): number {
  return Math.floor((at - MONDAY) / WEEK_MS) * WEEK_MS + MONDAY
}

/** Parses a rule (from the API or the CLI); throws `InvalidRequestError` naming the field. */
export function parseAssignmentRule(input: unknown): AssignmentRule {
  const parsed = ruleSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.path.join('.') || '(body)'
    throw new InvalidRequestError(`assignment.${path}: ${issue.message}`, {
      hint: { key: 'assignment.hint' },
      text: { key: 'assignment.field', values: { path }, texts: { problem: fieldIssueText(issue, false) } },
    })
  }
  return parsed.data
}

/** The stored rule, or null when none is set. */
export async function readAssignmentRule(tx: StoreOps, lock = false): Promise<AssignmentRule | null> {
  const value = await tx.getSetting(RULE_KEY, { lock })
  if (value === undefined) return null
  const parsed = ruleSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** Stores the rule (null removes it). */
export async function writeAssignmentRule(
  tx: StoreOps,
  rule: AssignmentRule | null,
  at: number,
): Promise<void> {
  await tx.putSetting(RULE_KEY, rule === null ? undefined : rule, at)
}

/** This week's assignments per owner. */
export async function assignmentCounts(tx: StoreOps, at: number): Promise<Record<string, number>> {
  const state = stateSchema.safeParse(await tx.getSetting(STATE_KEY))
  return state.success && state.data.week === weekStart(at) ? state.data.counts : {}
}

/**
 * The owner for a new MQL, taking its turn (call inside the transaction that writes the
 * transition); null when no rule is enabled or every owner is at capacity.
 */
export async function assignOwner(tx: StoreOps, at: number): Promise<string | null> {
  const rule = await readAssignmentRule(tx, true)
  if (rule === null || !rule.enabled || rule.owners.length === 0) return null
  const week = weekStart(at)
  const stored = stateSchema.safeParse(await tx.getSetting(STATE_KEY, { lock: true }))
  const state: AssignmentState = stored.success ? stored.data : { cursor: 0, week, counts: {} }
  if (state.week !== week) {
    state.week = week
    state.counts = {}
  }
  const n = rule.owners.length
  for (let i = 0; i < n; i++) {
    const index = (state.cursor + i) % n
    const owner = rule.owners[index]!
    const count = state.counts[owner] ?? 0
    if (rule.weeklyCapacity !== null && count >= rule.weeklyCapacity) continue
    state.cursor = (index + 1) % n
    state.counts[owner] = count + 1
    await tx.putSetting(STATE_KEY, state, at)
    return owner
  }
  return null
}
