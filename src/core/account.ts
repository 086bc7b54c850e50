/**
 * Account (company) scoring from its people: the rollup of its contacts' engagement, the
 * buying committee's coverage by role, and optional fit rules on account properties.
 * @module
 */
import { contactScope, type ScoreFields } from './classify.js'
import type { CompiledModel } from './compile.js'
import type { Scope } from './conditions.js'
import type { ContactInput, Properties } from './input.js'
import { type CapApplied, clamp, type ScoreResult } from './result.js'
import { lookup } from './values.js'

/** A member of an account: the contact and its scores (a `ScoreResult` or any `ScoreFields`). */
export interface AccountMember {
  readonly contact: ContactInput
  readonly result: ScoreResult | ScoreFields
}

export interface CommitteeRole {
  readonly id: string
  readonly label: string | undefined
  readonly points: number
  /** Contacts who hold the role. */
  readonly members: readonly string[]
  /** Those of them who are engaged (`committee.engagedWhen`). */
  readonly engaged: readonly string[]
  /** Whether the role is covered (at least one engaged member) and its points count. */
  readonly covered: boolean
}

export interface AccountResult {
  readonly accountId: string
  readonly fit: number
  readonly engagement: number
  readonly total: number
  readonly band: string | null
  readonly contacts: number
  readonly committee: readonly CommitteeRole[]
  readonly ledger: {
    /** Each member's engagement as it entered the rollup (after `perContactMax`). */
    readonly members: readonly {
      readonly contactId: string
      readonly engagement: number
      readonly counted: number
    }[]
    readonly rollup: { readonly kind: string; readonly points: number }
    readonly committeePoints: number
    readonly fitRules: Readonly<Record<string, number>>
    readonly caps: readonly CapApplied[]
  }
}

/** What an account needs of one member: its engagement and the committee roles it holds. */
export interface AccountMemberFacts {
  readonly contactId: string
  readonly engagement: number
  /** The committee roles the member holds: bit i for role i (in model order). */
  readonly roles: number
  /** Whether the member is engaged (`committee.engagedWhen`). */
  readonly engaged: boolean
}

/** The facts of one member, from a scope over its properties and scores. */
export function memberFacts(
  model: CompiledModel,
  contactId: string,
  engagement: number,
  scope: Scope,
): AccountMemberFacts {
  const spec = model.accounts
  if (!spec) return { contactId, engagement, roles: 0, engaged: false }
  let roles = 0
  for (let r = 0; r < spec.roles.length; r++) if (spec.roles[r]!.when(scope)) roles |= 1 << r
  return { contactId, engagement, roles: roles >>> 0, engaged: spec.engagedWhen(scope) }
}

/**
 * Scores an account from its members' results (scored with the same model and time).
 * Returns `undefined` when the model has no `accounts` section.
 */
export function evaluateAccount(
  model: CompiledModel,
  account: { readonly id: string; readonly properties: Properties },
  members: readonly AccountMember[],
): AccountResult | undefined {
  return rollupAccount(
    model,
    account,
    members.map((m) => memberFacts(model, m.contact.id, m.result.engagement, memberScope(m))),
  )
}

/** Scores an account from the facts of its members. */
export function rollupAccount(
  model: CompiledModel,
  account: { readonly id: string; readonly properties: Properties },
  members: readonly AccountMemberFacts[],
): AccountResult | undefined {
  const spec = model.accounts
  if (!spec) return undefined
  const caps: CapApplied[] = []
  const perMember = members.map((m) => ({
    contactId: m.contactId,
    engagement: m.engagement,
    counted: spec.perContactMax === undefined ? m.engagement : Math.min(m.engagement, spec.perContactMax),
  }))
  const values = perMember.map((m) => m.counted)
  let rollup = 0
  switch (spec.rollup) {
    case 'sum':
      for (const v of values) rollup += v
      break
    case 'max':
      rollup = values.length === 0 ? 0 : Math.max(...values)
      break
    case 'mean':
      for (const v of values) rollup += v
      rollup = values.length === 0 ? 0 : rollup / values.length
      break
    case 'top3':
      for (const v of [...values].sort((a, b) => b - a).slice(0, 3)) rollup += v
      break
  }

  const committee: CommitteeRole[] = spec.roles.map((role, i) => {
    const holders = members.filter((m) => (m.roles & (1 << i)) !== 0)
    const engaged = holders.filter((m) => m.engaged)
    return {
      id: role.id,
      label: role.label,
      points: role.points,
      members: holders.map((m) => m.contactId),
      engaged: engaged.map((m) => m.contactId),
      covered: engaged.length > 0,
    }
  })
  let committeePoints = 0
  for (const r of committee) if (r.covered) committeePoints += r.points
  const engagement = clamp(rollup + committeePoints, 0, spec.engagementMax, caps)

  const fitRules: Record<string, number> = {}
  let fit = 0
  if (spec.fit) {
    const scope: Scope = {
      get: (field) => lookup(account.properties, field.startsWith('account.') ? field.slice(8) : field),
      history: () => false,
    }
    let raw = 0
    for (const group of spec.fit.groups) {
      let sum = 0
      for (const rule of group.rules) {
        const matched = rule.when(scope)
        fitRules[rule.id] = matched ? rule.points : 0
        if (matched) {
          sum += rule.points
          if (group.mode === 'first') break
        }
      }
      raw += clamp(sum, group.min, group.max, caps)
    }
    fit = clamp(raw, spec.fit.min, spec.fit.max, caps)
  }
  const total = fit + engagement
  const fields: ScoreFields = {
    fit,
    engagement,
    total,
    likelihood: null,
    group: () => undefined,
    rule: (id) => fitRules[id],
  }
  const bandScope = contactScope({ id: account.id, properties: account.properties }, fields, () => false)
  let band: string | null = null
  for (const b of spec.bands) {
    if (b.when === undefined || b.when(bandScope)) {
      band = b.id
      break
    }
  }
  return {
    accountId: account.id,
    fit,
    engagement,
    total,
    band,
    contacts: members.length,
    committee,
    ledger: {
      members: perMember,
      rollup: { kind: spec.rollup, points: rollup },
      committeePoints,
      fitRules,
      caps,
    },
  }
}

/** A scope over a member: its properties and its scores (for roles and `engagedWhen`). */
function memberScope(member: AccountMember): Scope {
  return contactScope(member.contact, scoreFieldsOf(member.result), () => false)
}

/** The score fields of a result (or the fields themselves). */
export function scoreFieldsOf(r: ScoreResult | ScoreFields): ScoreFields {
  if ('group' in r) return r
  return {
    fit: r.fit,
    engagement: r.engagement,
    total: r.total,
    likelihood: r.likelihood,
    group: (id) => r.groups[id],
    rule: (id) => r.rules[id],
  }
}
