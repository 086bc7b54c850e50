/**
 * What a webhook delivers: the event type, the transition with its cause, the model version,
 * the contact (or account) with its scores as of the transition, and the ledger's top rules:
 * enough for a CRM to act without calling back.
 * @module
 */
import type { AccountResult, ScoreResult } from '../../core/index.js'
import type { ContactRecord, TransitionWrite, WebhookEventType } from '../../store/index.js'

/** A rule's contribution in the ledger summary. */
export interface LedgerLine {
  readonly part: 'fit' | 'engagement'
  readonly group: string
  readonly rule: string
  readonly label: string | null
  readonly points: number
}

export interface TransitionPayload {
  readonly kind: TransitionWrite['kind']
  readonly from: string | null
  readonly to: string | null
  readonly at: string
  readonly cause: TransitionWrite['cause']
}

export interface ContactWebhookPayload {
  /** The delivery id (also in the `Leadscore-Delivery` header): deduplicate on it. */
  readonly id: string
  readonly type: WebhookEventType
  readonly createdAt: string
  readonly model: { readonly id: string; readonly version: number }
  readonly transition: TransitionPayload
  readonly contact: {
    readonly id: string
    readonly owner: string | null
    readonly stage: string | null
    readonly accountId: string | null
    readonly properties: Record<string, unknown>
    readonly scores: {
      readonly fit: number
      readonly engagement: number
      readonly total: number
      readonly grade: string | null
      readonly level: string | null
      readonly label: string | null
      readonly band: string | null
      readonly stage: string | null
      readonly journey: string | null
      readonly segments: readonly string[]
      readonly likelihood: number | null
    }
  }
  /** The rules that gave the most points (by absolute value), at most 5. */
  readonly topRules: readonly LedgerLine[]
}

export interface AccountWebhookPayload {
  readonly id: string
  readonly type: WebhookEventType
  readonly createdAt: string
  readonly model: { readonly id: string; readonly version: number }
  readonly transition: TransitionPayload
  readonly account: {
    readonly id: string
    readonly properties: Record<string, unknown>
    readonly scores: {
      readonly fit: number
      readonly engagement: number
      readonly total: number
      readonly band: string | null
      readonly contacts: number
      readonly committee: AccountResult['committee']
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

function transitionPayload(t: TransitionWrite): TransitionPayload {
  return { kind: t.kind, from: t.from, to: t.to, at: iso(t.at), cause: t.cause }
}

/** The rules with the largest contributions, largest first (ties by rule id). */
export function topRules(result: ScoreResult, n = 5): LedgerLine[] {
  const lines: LedgerLine[] = []
  for (const part of ['fit', 'engagement'] as const) {
    for (const group of result.ledger[part].groups) {
      for (const rule of group.rules) {
        if (rule.points === 0) continue
        lines.push({ part, group: group.id, rule: rule.id, label: rule.label ?? null, points: rule.points })
      }
    }
  }
  return lines
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.rule < b.rule ? -1 : 1))
    .slice(0, n)
}

export function contactPayload(args: {
  readonly id: string
  readonly type: WebhookEventType
  readonly createdAt: number
  readonly model: { readonly id: string; readonly version: number }
  readonly transition: TransitionWrite
  readonly contact: ContactRecord
  readonly result: ScoreResult
}): ContactWebhookPayload {
  const { contact, result: r } = args
  return {
    id: args.id,
    type: args.type,
    createdAt: iso(args.createdAt),
    model: args.model,
    transition: transitionPayload(args.transition),
    contact: {
      id: contact.id,
      owner: contact.owner,
      stage: contact.stage,
      accountId: contact.accountId,
      properties: contact.properties,
      scores: {
        fit: r.fit,
        engagement: r.engagement,
        total: r.total,
        grade: r.grade,
        level: r.level,
        label: r.label,
        band: r.band,
        stage: r.stage,
        journey: r.journey,
        segments: r.segments,
        likelihood: r.likelihood,
      },
    },
    topRules: topRules(r),
  }
}

export function accountPayload(args: {
  readonly id: string
  readonly type: WebhookEventType
  readonly createdAt: number
  readonly model: { readonly id: string; readonly version: number }
  readonly transition: TransitionWrite
  readonly accountId: string
  readonly properties: Record<string, unknown>
  readonly result: AccountResult
}): AccountWebhookPayload {
  const r = args.result
  return {
    id: args.id,
    type: args.type,
    createdAt: iso(args.createdAt),
    model: args.model,
    transition: transitionPayload(args.transition),
    account: {
      id: args.accountId,
      properties: args.properties,
      scores: {
        fit: r.fit,
        engagement: r.engagement,
        total: r.total,
        band: r.band,
        contacts: r.contacts,
        committee: r.committee,
      },
    },
  }
}
