/**
 * The store over SQL, for every dialect: `SqlOps` binds the operations to an executor (the
 * store's, or a transaction's); `SqlStore` adds transactions, streaming, leases and closing.
 * @module
 */

import type { Properties } from '../../core/index.js'
import type { AccountRecord, AccountScoreRecord, AccountWrite } from '../records/account.js'
import type {
  AliasResult,
  AliasWrite,
  AnonymousTraitsWrite,
  ContactRecord,
  ContactWrite,
} from '../records/contact.js'
import type { ContactPage, ContactQuery, CountQuery, CountRow } from '../records/contact-query.js'
import type {
  ContactEventsOptions,
  EventWrite,
  InsertEventsResult,
  StoredEvent,
  StreamEventsOptions,
} from '../records/event.js'
import type { KeyRecord, KeyWrite } from '../records/key.js'
import type { LeaseGrant, LeaseRequest } from '../records/lease.js'
import type { ContactMerge, MergeResult } from '../records/merge.js'
import type { ModelDraft, ModelRecord, PublishModel } from '../records/model.js'
import type {
  PendingContact,
  PendingRescore,
  PendingRescoreQuery,
  PendingRescoreWrite,
} from '../records/pending-rescore.js'
import type {
  ContactIdsQuery,
  PredictionBatch,
  PredictionRecord,
  PredictiveModelRecord,
  PredictiveModelSummary,
  PredictiveModelWrite,
  StalePredictionsQuery,
  TrainingJobRecord,
  TrainingJobUpdate,
  TrainingJobWrite,
} from '../records/predictive.js'
import type {
  AccountMemberScore,
  AccountPage,
  AccountQuery,
  AccountRollupInput,
  AccountsWithMembersQuery,
  ContactEventList,
  ContactRange,
  ContactsAfterQuery,
  ScoreWithState,
  StaleContactsQuery,
} from '../records/rescore.js'
import type { DueContact, DueQuery, ScoreBatch, ScorePoint, ScoreRecord } from '../records/score.js'
import type { ScoreHistoryQuery, TransitionQuery, TransitionRecord } from '../records/transition.js'
import type {
  SessionOwner,
  SessionRecord,
  SessionWrite,
  UserRecord,
  UserUpdate,
  UserWrite,
} from '../records/user.js'
import type {
  AttemptRecord,
  AttemptWrite,
  ClaimQuery,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryWrite,
  EndpointPatch,
  EndpointRecord,
  EndpointWrite,
  OutboxStats,
} from '../records/webhook.js'
import type { Store, StoreOps } from '../store.js'
import * as q from './contact-query-sql.js'
import * as contacts from './contacts-sql.js'
import * as events from './events-sql.js'
import type { Executor, RootExecutor } from './executor.js'
import * as keys from './keys-sql.js'
import * as leases from './leases-sql.js'
import * as merging from './merge-sql.js'
import * as models from './models-sql.js'
import * as pending from './pending-rescores-sql.js'
import * as predictive from './predictive-sql.js'
import * as rescore from './rescore-sql.js'
import * as scores from './scores-sql.js'
import * as users from './users-sql.js'
import * as webhooks from './webhooks-sql.js'

export class SqlOps implements StoreOps {
  protected readonly exec: Executor
  readonly partitionCount: number
  constructor(exec: Executor, partitionCount: number) {
    this.exec = exec
    this.partitionCount = partitionCount
  }

  insertEvents(list: readonly EventWrite[]): Promise<InsertEventsResult> {
    return events.insertEvents(this.exec, list)
  }
  contactEvents(contactId: string, options?: ContactEventsOptions): Promise<StoredEvent[]> {
    return events.contactEvents(this.exec, contactId, options)
  }
  eventsOfContacts(contactIds: readonly string[]): Promise<ContactEventList[]> {
    return rescore.eventsOfContacts(this.exec, contactIds)
  }
  eventsOfContactRange(range: ContactRange): Promise<ContactEventList[]> {
    return rescore.eventsOfContactRange(this.exec, range)
  }
  contactsAfter(query: ContactsAfterQuery): Promise<ContactRecord[]> {
    return rescore.contactsAfter(this.exec, query)
  }
  mergeContacts(merge: ContactMerge): Promise<MergeResult> {
    return merging.mergeContacts(this.exec, merge, this.partitionCount)
  }
  mergedInto(ids: readonly string[]): Promise<Map<string, string>> {
    return merging.mergedInto(this.exec, ids)
  }
  eventsById(ids: readonly string[]): Promise<StoredEvent[]> {
    return pending.eventsById(this.exec, ids)
  }
  enqueueRescores(rescores: readonly PendingRescoreWrite[]): Promise<void> {
    return pending.enqueueRescores(this.exec, rescores, this.partitionCount)
  }
  takeRescores(contactIds: readonly string[]): Promise<PendingRescore[]> {
    return pending.takeRescores(this.exec, contactIds)
  }
  pendingRescores(query: PendingRescoreQuery): Promise<PendingContact[]> {
    return pending.pendingRescores(this.exec, query)
  }
  pendingRescoreStats(): Promise<{ rows: number; oldest: number | null }> {
    return pending.pendingRescoreStats(this.exec)
  }
  upsertContacts(list: readonly ContactWrite[]): Promise<ContactRecord[]> {
    return contacts.upsertContacts(this.exec, list, this.partitionCount)
  }
  async getContact(id: string): Promise<ContactRecord | undefined> {
    return (await contacts.getContacts(this.exec, [id]))[0]
  }
  getContacts(ids: readonly string[]): Promise<ContactRecord[]> {
    return contacts.getContacts(this.exec, ids)
  }
  lockContacts(ids: readonly string[]): Promise<ContactRecord[]> {
    return contacts.lockContacts(this.exec, ids)
  }
  linkAliases(links: readonly AliasWrite[]): Promise<AliasResult[]> {
    return contacts.linkAliases(this.exec, links)
  }
  aliasesOf(contactId: string): Promise<string[]> {
    return contacts.aliasesOf(this.exec, contactId)
  }
  contactOfAlias(anonymousId: string): Promise<string | undefined> {
    return contacts.contactOfAlias(this.exec, anonymousId)
  }
  putAnonymousTraits(writes: readonly AnonymousTraitsWrite[]): Promise<void> {
    return contacts.putAnonymousTraits(this.exec, writes)
  }
  takeAnonymousTraits(
    anonymousIds: readonly string[],
  ): Promise<{ anonymousId: string; traits: Properties }[]> {
    return contacts.takeAnonymousTraits(this.exec, anonymousIds)
  }
  upsertAccounts(list: readonly AccountWrite[]): Promise<AccountRecord[]> {
    return contacts.upsertAccounts(this.exec, list)
  }
  getAccount(id: string): Promise<AccountRecord | undefined> {
    return contacts.getAccount(this.exec, id)
  }
  accountContacts(accountId: string): Promise<ContactRecord[]> {
    return contacts.accountContacts(this.exec, accountId)
  }
  accountScores(accountId: string): Promise<AccountScoreRecord[]> {
    return contacts.accountScores(this.exec, accountId)
  }
  lockAccountScores(accountId: string): Promise<AccountScoreRecord[]> {
    return contacts.accountScores(this.exec, accountId, { lock: true })
  }
  applyScores(batch: ScoreBatch): Promise<void> {
    return scores.applyScores(this.exec, batch, this.partitionCount)
  }
  contactScores(contactId: string): Promise<ScoreRecord[]> {
    return scores.contactScores(this.exec, contactId)
  }
  scoreState(contactId: string, modelId: string): Promise<unknown> {
    return scores.scoreState(this.exec, contactId, modelId)
  }
  listContacts(query: ContactQuery): Promise<ContactPage> {
    return q.listContacts(this.exec, query)
  }
  countContacts(query: CountQuery): Promise<CountRow[]> {
    return q.countContacts(this.exec, query)
  }
  dueContacts(query: DueQuery): Promise<DueContact[]> {
    return scores.dueContacts(this.exec, query)
  }
  staleContacts(query: StaleContactsQuery): Promise<string[]> {
    return rescore.staleContacts(this.exec, query)
  }
  accountsWithMembers(query: AccountsWithMembersQuery): Promise<string[]> {
    return rescore.accountsWithMembers(this.exec, query)
  }
  scoresOf(modelId: string, contactIds: readonly string[]): Promise<ScoreRecord[]> {
    return rescore.scoresOf(this.exec, modelId, contactIds)
  }
  scoresWithState(modelId: string, contactIds: readonly string[]): Promise<ScoreWithState[]> {
    return rescore.scoresWithState(this.exec, modelId, contactIds)
  }
  accountMembers(accountId: string, modelId: string): Promise<AccountMemberScore[]> {
    return rescore.accountMembers(this.exec, accountId, modelId)
  }
  accountRollups(accountIds: readonly string[], modelId: string): Promise<AccountRollupInput[]> {
    return rescore.accountRollups(this.exec, accountIds, modelId)
  }
  listAccounts(query: AccountQuery): Promise<AccountPage> {
    return rescore.listAccounts(this.exec, query)
  }
  listTransitions(query: TransitionQuery): Promise<TransitionRecord[]> {
    return scores.listTransitions(this.exec, query)
  }
  scoreHistory(query: ScoreHistoryQuery): Promise<ScorePoint[]> {
    return scores.scoreHistory(this.exec, query)
  }
  createModelVersion(draft: ModelDraft): Promise<ModelRecord> {
    return models.createModelVersion(this.exec, draft)
  }
  getModel(id: string, version: number): Promise<ModelRecord | undefined> {
    return models.getModel(this.exec, id, version)
  }
  listModelVersions(id: string): Promise<ModelRecord[]> {
    return models.listModelVersions(this.exec, id)
  }
  listModels(): Promise<ModelRecord[]> {
    return models.listModels(this.exec)
  }
  publishedModels(): Promise<ModelRecord[]> {
    return models.publishedModels(this.exec)
  }
  publishModel(request: PublishModel): Promise<ModelRecord> {
    return models.publishModel(this.exec, request)
  }
  archiveModel(id: string, version: number): Promise<ModelRecord> {
    return models.archiveModel(this.exec, id, version)
  }
  setPrimaryModel(id: string): Promise<ModelRecord> {
    return models.setPrimaryModel(this.exec, id)
  }
  createKey(key: KeyWrite): Promise<KeyRecord> {
    return keys.createKey(this.exec, key)
  }
  findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    return keys.findKeyByHash(this.exec, hash)
  }
  listKeys(): Promise<KeyRecord[]> {
    return keys.listKeys(this.exec)
  }
  touchKey(id: string, at: number): Promise<void> {
    return keys.touchKey(this.exec, id, at)
  }
  revokeKey(id: string, at: number): Promise<KeyRecord> {
    return keys.revokeKey(this.exec, id, at)
  }
  createEndpoint(endpoint: EndpointWrite): Promise<EndpointRecord> {
    return webhooks.createEndpoint(this.exec, endpoint)
  }
  getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    return webhooks.getEndpoint(this.exec, id)
  }
  listEndpoints(): Promise<EndpointRecord[]> {
    return webhooks.listEndpoints(this.exec)
  }
  updateEndpoint(id: string, patch: EndpointPatch): Promise<EndpointRecord> {
    return webhooks.updateEndpoint(this.exec, id, patch)
  }
  deleteEndpoint(id: string): Promise<void> {
    return webhooks.deleteEndpoint(this.exec, id)
  }
  insertDeliveries(deliveries: readonly DeliveryWrite[]): Promise<void> {
    return webhooks.insertDeliveries(this.exec, deliveries, this.partitionCount)
  }
  claimDeliveries(query: ClaimQuery): Promise<DeliveryRecord[]> {
    return webhooks.claimDeliveries(this.exec, query)
  }
  recordAttempts(attempts: readonly AttemptWrite[]): Promise<void> {
    return webhooks.recordAttempts(this.exec, attempts)
  }
  releaseDeliveries(holder: string): Promise<void> {
    return webhooks.releaseDeliveries(this.exec, holder)
  }
  getDelivery(id: string): Promise<DeliveryRecord | undefined> {
    return webhooks.getDelivery(this.exec, id)
  }
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    return webhooks.listDeliveries(this.exec, query)
  }
  deliveryAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return webhooks.deliveryAttempts(this.exec, deliveryId)
  }
  redeliver(id: string, at: number): Promise<DeliveryRecord> {
    return webhooks.redeliver(this.exec, id, at)
  }
  outboxStats(): Promise<OutboxStats> {
    return webhooks.outboxStats(this.exec)
  }
  pruneDeliveries(before: number): Promise<number> {
    return webhooks.pruneDeliveries(this.exec, before)
  }
  getSetting(key: string, options?: { lock?: boolean | undefined }): Promise<unknown> {
    return webhooks.getSetting(this.exec, key, options?.lock === true)
  }
  putSetting(key: string, value: unknown, at: number): Promise<void> {
    return webhooks.putSetting(this.exec, key, value, at)
  }
  holdsLeases(holder: string, partitions: readonly number[]): Promise<boolean> {
    return leases.holdsLeases(this.exec, holder, partitions)
  }

  // users and sessions

  createUser(user: UserWrite): Promise<UserRecord> {
    return users.createUser(this.exec, user)
  }
  getUser(id: string): Promise<UserRecord | undefined> {
    return users.getUser(this.exec, id)
  }
  findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return users.findUserByEmail(this.exec, email)
  }
  listUsers(): Promise<UserRecord[]> {
    return users.listUsers(this.exec)
  }
  updateUser(update: UserUpdate): Promise<UserRecord> {
    return users.updateUser(this.exec, update)
  }
  deleteUser(id: string): Promise<void> {
    return users.deleteUser(this.exec, id)
  }
  createSession(session: SessionWrite): Promise<SessionRecord> {
    return users.createSession(this.exec, session)
  }
  getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return users.getSession(this.exec, tokenHash)
  }
  touchSession(tokenHash: string, seenAt: number, expiresAt: number): Promise<void> {
    return users.touchSession(this.exec, tokenHash, seenAt, expiresAt)
  }
  deleteSession(tokenHash: string): Promise<void> {
    return users.deleteSession(this.exec, tokenHash)
  }
  deleteSessions(owner: SessionOwner): Promise<number> {
    return users.deleteSessions(this.exec, owner)
  }
  deleteExpiredSessions(now: number): Promise<number> {
    return users.deleteExpiredSessions(this.exec, now)
  }

  // predictive models, training jobs, predictions

  createPredictiveModel(model: PredictiveModelWrite): Promise<PredictiveModelRecord> {
    return predictive.createPredictiveModel(this.exec, model)
  }
  getPredictiveModel(id: string, version: number): Promise<PredictiveModelRecord | undefined> {
    return predictive.getPredictiveModel(this.exec, id, version)
  }
  activePredictiveModel(id: string): Promise<PredictiveModelRecord | undefined> {
    return predictive.activePredictiveModel(this.exec, id)
  }
  listPredictiveModels(id?: string): Promise<PredictiveModelSummary[]> {
    return predictive.listPredictiveModels(this.exec, id)
  }
  activatePredictiveModel(id: string, version: number, at: number): Promise<PredictiveModelRecord> {
    return predictive.activatePredictiveModel(this.exec, id, version, at)
  }
  startTrainingJob(
    job: TrainingJobWrite,
    options: { staleBefore: number; notSince?: number | undefined },
  ): Promise<{ job: TrainingJobRecord; created: boolean }> {
    return predictive.startTrainingJob(this.exec, job, options)
  }
  updateTrainingJob(update: TrainingJobUpdate): Promise<TrainingJobRecord> {
    return predictive.updateTrainingJob(this.exec, update)
  }
  getTrainingJob(id: string): Promise<TrainingJobRecord | undefined> {
    return predictive.getTrainingJob(this.exec, id)
  }
  listTrainingJobs(query: {
    modelId?: string | undefined
    limit?: number | undefined
  }): Promise<TrainingJobRecord[]> {
    return predictive.listTrainingJobs(this.exec, query)
  }
  writePredictions(batch: PredictionBatch): Promise<void> {
    return predictive.writePredictions(this.exec, batch)
  }
  contactPredictions(contactId: string): Promise<PredictionRecord[]> {
    return predictive.contactPredictions(this.exec, contactId)
  }
  stalePredictions(query: StalePredictionsQuery): Promise<string[]> {
    return predictive.stalePredictions(this.exec, query)
  }
  contactIds(query: ContactIdsQuery): Promise<string[]> {
    return predictive.contactIds(this.exec, query)
  }
}

export class SqlStore extends SqlOps implements Store {
  readonly dialect: 'sqlite' | 'postgres'
  readonly location: string | undefined

  private readonly root: RootExecutor
  /** `location`: where another connection opens the same store (`Store.location`). */
  constructor(root: RootExecutor, partitionCount: number, location?: string) {
    super(root, partitionCount)
    this.root = root
    this.dialect = root.dialect.name
    this.location = location
  }

  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    return this.root.transaction((exec) => fn(new SqlOps(exec, this.partitionCount)))
  }
  streamEvents(options?: StreamEventsOptions): AsyncIterable<StoredEvent[]> {
    return events.streamEvents(this.root, options)
  }
  acquireLeases(request: LeaseRequest): Promise<LeaseGrant> {
    return leases.acquireLeases(this.root, request, this.partitionCount)
  }
  releaseLeases(holder: string): Promise<void> {
    return leases.releaseLeases(this.root, holder)
  }
  optimize(): Promise<void> {
    return this.root.optimize()
  }
  close(): Promise<void> {
    return this.root.close()
  }
}

/** The partition count a migrated database was created with. */
export async function readPartitionCount(exec: Executor): Promise<number> {
  const [row] = await exec.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', ['partitions'])
  const n = Number(row?.value)
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`the database's partition count is invalid: ${row?.value}`)
  return n
}
