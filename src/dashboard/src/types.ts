/** The shapes of the API answers the dashboard reads. */
import type { Classes } from '../../core/classify.js'
import type { Issue } from '../../core/model/issue.js'
import type { Ledger } from '../../core/result.js'

export type { Ledger, PartLedger, RuleLedger } from '../../core/result.js'

export interface Session {
  signedIn: boolean
  csrfToken?: string
  role?: 'admin' | 'sales'
  via?: 'password' | 'key'
  email?: string | null
  name?: string | null
  features?: Record<string, boolean>
  /** The language the user chose (null: none; absent for admin-key sessions). */
  locale?: string | null
}

/** The classes of a score: grade, level, label, band, stage, journey, segments. */
export type ScoreClasses = Classes

export interface QueueScore extends ScoreClasses {
  model: string
  version: number
  total: number
  fit: number
  engagement: number
  likelihood: number | null
  lastActivityAt: number | null
  scoredAt: number
}

export interface QueueItem {
  id: string
  name: string | null
  email: string | null
  title: string | null
  company: string | null
  accountId: string | null
  stage: string | null
  owner: string | null
  score: QueueScore
}

export interface QueuePage {
  model: string
  items: QueueItem[]
  nextCursor: string | null
}

export interface CountRow {
  value: string | null
  count: number
}

export interface BandThreshold {
  id: string
  label: string | null
  min: number | null
}

export interface ModelInfo {
  id: string
  version: number
  primary: boolean
  name: string | null
  totalMax: number
  bands: BandThreshold[]
  stages: { id: string; label: string | null }[]
  journey: { id: string; label: string | null }[]
  segments: { id: string; label: string | null }[]
  committee: { id: string; label: string | null }[]
  predictive: boolean
  /** The event names the engagement rules count. */
  events: string[]
}

export interface LiveScore extends ScoreClasses {
  asOf: number
  fit: number
  engagement: number
  total: number
  likelihood: number | null
}

export interface TimelineEvent {
  id: string
  name: string
  ts: number
  properties: Record<string, unknown>
  points: number
  rules: { id: string; label: string | undefined; points: number }[]
}

export interface Transition {
  kind: string
  from: string | null
  to: string | null
  at: number
  cause: unknown
}

export interface ContactDetail {
  contact: {
    id: string
    properties: Record<string, unknown>
    accountId: string | null
    stage: string | null
    owner: string | null
    createdAt: number
  }
  aliases: string[]
  account: {
    record: { id: string; properties: Record<string, unknown> }
    scores: { modelId: string; total: number; band: string | null; committee: CommitteeRole[] }[]
  } | null
  model: { id: string; version: number; primary: boolean }
  live: LiveScore & { ledger: Ledger }
  timeline: TimelineEvent[]
  events: number
  history: { at: number; fit: number; engagement: number; total: number }[]
  stageHistory: Transition[]
  /** The stored likelihood of each predictive model, with what raised and lowered it most. */
  predictions?: Prediction[]
}

/** One feature's push on a prediction, in likelihood points. */
export interface PredictionReason {
  feature: string
  value: string
  points: number
}

export interface Prediction {
  model: string
  version: number
  likelihood: number
  predictedAt: number
  /** The likelihood of an average lead, percent. */
  base: number | null
  raised: PredictionReason[]
  lowered: PredictionReason[]
}

export interface CommitteeRole {
  id: string
  label: string | null | undefined
  points: number
  members: string[]
  engaged: string[]
  covered: boolean
}

export interface AccountItem {
  id: string
  name: string | null
  properties: Record<string, unknown>
  score: {
    total: number
    fit: number
    engagement: number
    band: string | null
    contacts: number
    committee: CommitteeRole[]
  }
}

export interface AccountDetail {
  account: { id: string; properties: Record<string, unknown> }
  scores: {
    modelId: string
    total: number
    fit: number
    engagement: number
    band: string | null
    committee: CommitteeRole[]
  }[]
  members: {
    id: string
    name: string | null
    title: unknown
    stage: string | null
    score: { total: number; band: string | null; label: string | null } | null
  }[]
}

/** A problem in a model source, with its line and column. */
export type ModelIssue = Issue

export interface ModelSummary {
  id: string
  version: number
  status: 'draft' | 'published' | 'archived'
  primary: boolean
  createdAt: number
  publishedAt: number | null
}

export interface PreviewResult {
  model: { id: string; version: number }
  baseline: { id: string; version: number } | null
  asOf: number
  contacts: number
  bands: { before: Record<string, number>; after: Record<string, number> }
  stages: { before: Record<string, number>; after: Record<string, number> }
  meanTotal: { before: number | null; after: number }
  bandChanges: number
  changes: {
    contactId: string
    name: string | null
    before: { total: number | null; band: string | null; stage: string | null }
    after: { total: number; band: string | null; stage: string | null }
  }[]
  /** When the contacts and events it scored were read (it scores as of then). */
  snapshotAt: number
  /** Fresher data is being read: a later preview will use it. */
  refreshing: boolean
  ms: number
}

export interface PublishJob {
  model: string
  version: number
  status: 'running' | 'done' | 'failed' | string
  scored: number
  startedAt: number
  finishedAt: number | null
  error: string | null
}
