/**
 * The storage port: everything the scoring service keeps, behind one interface. Adapters:
 * SQLite (`openSqliteStore`, the default) and PostgreSQL (`openPostgresStore`); the
 * conformance suite (`store.case.ts`) holds both to the same behaviour.
 *
 * All times are epoch milliseconds (integers), given by the caller: the store does not read
 * the clock, except for leases, which use the database's clock (see `acquireLeases`).
 * @module
 */

import type { Properties } from '../core/index.js'
import type { AccountRecord, AccountScoreRecord, AccountWrite } from './records/account.js'
import type {
  AliasResult,
  AliasWrite,
  AnonymousTraitsWrite,
  ContactRecord,
  ContactWrite,
} from './records/contact.js'
import type { ContactPage, ContactQuery, CountQuery, CountRow } from './records/contact-query.js'
import type {
  ContactEventsOptions,
  EventWrite,
  InsertEventsResult,
  StoredEvent,
  StreamEventsOptions,
} from './records/event.js'
import type { KeyRecord, KeyWrite } from './records/key.js'
import type { LeaseGrant, LeaseRequest } from './records/lease.js'
import type { ContactMerge, MergeResult } from './records/merge.js'
import type { ModelDraft, ModelRecord, PublishModel } from './records/model.js'
import type {
  PendingContact,
  PendingRescore,
  PendingRescoreQuery,
  PendingRescoreWrite,
} from './records/pending-rescore.js'
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
} from './records/predictive.js'
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
} from './records/rescore.js'
import type { DueContact, DueQuery, ScoreBatch, ScorePoint, ScoreRecord } from './records/score.js'
import type { ScoreHistoryQuery, TransitionQuery, TransitionRecord } from './records/transition.js'
import type {
  SessionOwner,
  SessionRecord,
  SessionWrite,
  UserRecord,
  UserUpdate,
  UserWrite,
} from './records/user.js'
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
} from './records/webhook.js'

/** What a store and a transaction can both do. Each call on a store is atomic by itself. */
export interface StoreOps {
  // events

  /**
   * Stores a batch of events in one transaction. Ids already stored, or repeated in the
   * batch, are not stored again and are reported as duplicates. An invalid event fails the
   * whole batch with a `StoreInputError` and stores nothing.
   */
  insertEvents(events: readonly EventWrite[]): Promise<InsertEventsResult>
  /**
   * A contact's events: those stored with its id, and those stored with only an anonymous
   * id merged into it. In time order (then by id).
   */
  contactEvents(contactId: string, options?: ContactEventsOptions): Promise<StoredEvent[]>
  /** `contactEvents` of several contacts in one read, in the order of `contactIds` (each id once). */
  eventsOfContacts(contactIds: readonly string[]): Promise<ContactEventList[]>
  /**
   * `contactEvents` of every contact in a range of ids, in one read by the contacts' index
   * (no list of ids): the contacts that have events, in the store's id order. With
   * `contactsAfter`, pages of a whole-store reading (the model preview's snapshot).
   */
  eventsOfContactRange(range: ContactRange): Promise<ContactEventList[]>
  /** Stored events by id, in the order of `ids` (unknown ids left out). */
  eventsById(ids: readonly string[]): Promise<StoredEvent[]>

  // rescores owed (see `PendingRescoreWrite`)

  /** Records that contacts are owed a rescore (in the unit of work that calls for it). */
  enqueueRescores(rescores: readonly PendingRescoreWrite[]): Promise<void>
  /** The rescores owed to `contactIds`, oldest first, removed from the queue: call it in the transaction that rescores them. */
  takeRescores(contactIds: readonly string[]): Promise<PendingRescore[]>
  /** Contacts owed a rescore, oldest first (each once). */
  pendingRescores(query: PendingRescoreQuery): Promise<PendingContact[]>
  /** How many rescores are owed, and since when. */
  pendingRescoreStats(): Promise<{ rows: number; oldest: number | null }>

  // contacts and identity

  /** Creates or changes contacts (in order; see `ContactWrite`); returns them as stored. */
  upsertContacts(contacts: readonly ContactWrite[]): Promise<ContactRecord[]>
  getContact(id: string): Promise<ContactRecord | undefined>
  /** The contacts found among `ids`, in the order of `ids`. */
  getContacts(ids: readonly string[]): Promise<ContactRecord[]>
  /**
   * `getContacts`, each locked until the transaction ends as `upsertContacts` locks the
   * contacts it writes (PostgreSQL; a SQLite transaction holds the write lock): how a rescore
   * of contacts that exist takes them without writing them.
   */
  lockContacts(ids: readonly string[]): Promise<ContactRecord[]>
  /**
   * Merges a known contact into another (see `ContactMerge`): its events, anonymous ids and
   * missing properties move; it keeps pointing to `into`. Throws `StoreNotFoundError` for an
   * unknown contact, `StoreInputError` for one merged already.
   */
  mergeContacts(merge: ContactMerge): Promise<MergeResult>
  /** The contacts among `ids` merged into another, and the contact each leads to. */
  mergedInto(ids: readonly string[]): Promise<Map<string, string>>
  /** Contacts by id (merged ones left out), in keyset pages, in the store's id order: a whole-store reading. */
  contactsAfter(query: ContactsAfterQuery): Promise<ContactRecord[]>
  /** Merges anonymous ids into contacts (which must exist). The first merge of an anonymous id wins. */
  linkAliases(links: readonly AliasWrite[]): Promise<AliasResult[]>
  /** The anonymous ids merged into a contact, sorted. */
  aliasesOf(contactId: string): Promise<string[]>
  /** The contact an anonymous id was merged into. */
  contactOfAlias(anonymousId: string): Promise<string | undefined>
  /** Keeps traits of anonymous visitors (merged key by key, later writes win) until they are identified. */
  putAnonymousTraits(writes: readonly AnonymousTraitsWrite[]): Promise<void>
  /** The traits kept for these anonymous ids, removed from the store (they move to a contact). */
  takeAnonymousTraits(anonymousIds: readonly string[]): Promise<{ anonymousId: string; traits: Properties }[]>

  // accounts

  upsertAccounts(accounts: readonly AccountWrite[]): Promise<AccountRecord[]>
  getAccount(id: string): Promise<AccountRecord | undefined>
  /** The contacts whose `accountId` is `accountId`, by id. */
  accountContacts(accountId: string): Promise<ContactRecord[]>
  /** An account's scores, one per model. */
  accountScores(accountId: string): Promise<AccountScoreRecord[]>
  /**
   * `accountScores`, locked until the transaction ends (PostgreSQL): a rollup takes it before
   * it reads the members, so two rollups of one account never write a stale view over a fresh one.
   */
  lockAccountScores(accountId: string): Promise<AccountScoreRecord[]>

  // scores

  /**
   * Writes a rescore atomically: scores (replacing the contact's row for that model, with
   * its segments), account scores, transitions and history points. A row that breaks a
   * rule (an unknown contact, account or model version) fails the whole batch.
   */
  applyScores(batch: ScoreBatch): Promise<void>
  /** A contact's scores, one per model that scored it, by model id. */
  contactScores(contactId: string): Promise<ScoreRecord[]>
  /** The stored scoring state of a contact under a model (what `ScoreWrite.state` held), or undefined. */
  scoreState(contactId: string, modelId: string): Promise<unknown>
  /** The ranked queue, in keyset pages that neither skip nor repeat while contacts are added. */
  listContacts(query: ContactQuery): Promise<ContactPage>
  /** How many contacts (scored by the model, filtered) have each value of a dimension. */
  countContacts(query: CountQuery): Promise<CountRow[]>
  /** Contacts whose `nextChangeAt` has come, earliest first (then by id). */
  dueContacts(query: DueQuery): Promise<DueContact[]>
  /**
   * Ids of contacts with no score from `query.version` of `query.model` (no score from that
   * model, or one from another version), by id, in keyset pages: what a publish still has to
   * score.
   */
  staleContacts(query: StaleContactsQuery): Promise<string[]>
  /** Ids of the accounts that have members, by id, in keyset pages. */
  accountsWithMembers(query: AccountsWithMembersQuery): Promise<string[]>
  /** The scores of `contactIds` under one model (no state: lighter), in the order of `contactIds` (unscored ones left out). */
  scoresOf(modelId: string, contactIds: readonly string[]): Promise<ScoreRecord[]>
  /** The scores of `contactIds` under one model, with their stored state, in the order of `contactIds` (unscored ones left out). */
  scoresWithState(modelId: string, contactIds: readonly string[]): Promise<ScoreWithState[]>
  /** The contacts of an account, by id, each with its score under `modelId` (or null). */
  accountMembers(accountId: string, modelId: string): Promise<AccountMemberScore[]>
  /**
   * Many accounts at once, by id (unknown ones left out), each with its scores locked as
   * `lockAccountScores` locks them and its members as `accountMembers` gives them, read in a
   * few queries: what rolling up a page of accounts reads.
   */
  accountRollups(accountIds: readonly string[], modelId: string): Promise<AccountRollupInput[]>
  /** Accounts scored by a model, by total (highest first, then id), in keyset pages. */
  listAccounts(query: AccountQuery): Promise<AccountPage>
  /** Transitions in storage order (`seq`). */
  listTransitions(query: TransitionQuery): Promise<TransitionRecord[]>
  /** A contact's score history under a model, oldest first. */
  scoreHistory(query: ScoreHistoryQuery): Promise<ScorePoint[]>

  // models

  /** Stores a new draft version of a model (version = the id's highest + 1). */
  createModelVersion(draft: ModelDraft): Promise<ModelRecord>
  getModel(id: string, version: number): Promise<ModelRecord | undefined>
  /** Every version of a model, oldest first. */
  listModelVersions(id: string): Promise<ModelRecord[]>
  /** The latest version of each model, by id. */
  listModels(): Promise<ModelRecord[]>
  /** The published versions (at most one per id), primary first, then by id. */
  publishedModels(): Promise<ModelRecord[]>
  /**
   * Publishes a version: the id's previously published version is archived, atomically.
   * Throws `StoreNotFoundError` when the version does not exist.
   */
  publishModel(request: PublishModel): Promise<ModelRecord>
  /** Archives a version (no longer published or primary). */
  archiveModel(id: string, version: number): Promise<ModelRecord>
  /** Makes the published version of a model the primary one. */
  setPrimaryModel(id: string): Promise<ModelRecord>

  // keys

  createKey(key: KeyWrite): Promise<KeyRecord>
  /** The key with this hash, revoked or not (the caller checks `revokedAt`). */
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>
  listKeys(): Promise<KeyRecord[]>
  /** Records a use of a key (`lastUsedAt`, which only moves forward). */
  touchKey(id: string, at: number): Promise<void>
  revokeKey(id: string, at: number): Promise<KeyRecord>

  // webhooks (deliveries are written by `applyScores`, with the transitions that cause them)

  createEndpoint(endpoint: EndpointWrite): Promise<EndpointRecord>
  getEndpoint(id: string): Promise<EndpointRecord | undefined>
  /** Every endpoint, oldest first. */
  listEndpoints(): Promise<EndpointRecord[]>
  /** Changes an endpoint; a new `secret` keeps the current one valid until `previousSecretExpiresAt`. Throws `StoreNotFoundError`. */
  updateEndpoint(id: string, patch: EndpointPatch): Promise<EndpointRecord>
  /** Deletes an endpoint with its deliveries and their log. Throws `StoreNotFoundError`. */
  deleteEndpoint(id: string): Promise<void>
  /** Writes deliveries into the outbox (those not caused by a score batch: pings). */
  insertDeliveries(deliveries: readonly DeliveryWrite[]): Promise<void>
  /**
   * Claims due deliveries for sending: of each (endpoint, order key) line only the oldest
   * pending one, when due, not claimed by another holder, and its endpoint active. Earliest
   * due first.
   */
  claimDeliveries(query: ClaimQuery): Promise<DeliveryRecord[]>
  /** Records attempts' outcomes and logs them, releasing their claims, in one transaction (unknown deliveries are skipped). */
  recordAttempts(attempts: readonly AttemptWrite[]): Promise<void>
  /** Gives back the deliveries `holder` claimed, unattempted. */
  releaseDeliveries(holder: string): Promise<void>
  getDelivery(id: string): Promise<DeliveryRecord | undefined>
  /** Deliveries, newest first. */
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>
  /** A delivery's attempts, in order. */
  deliveryAttempts(deliveryId: string): Promise<AttemptRecord[]>
  /** Puts a delivery back in the outbox, due at `at`, with a fresh retry schedule. Throws `StoreNotFoundError`. */
  redeliver(id: string, at: number): Promise<DeliveryRecord>
  outboxStats(): Promise<OutboxStats>
  /** Deletes delivered deliveries created before `before` (and their log); resolves to how many. */
  pruneDeliveries(before: number): Promise<number>

  // settings (small JSON values by key: the owner assignment rule, ...)

  /** A setting's value, or undefined. With `lock` (in a transaction), no one else changes it until the transaction ends. */
  getSetting(key: string, options?: { lock?: boolean | undefined }): Promise<unknown>
  /** Stores a setting (undefined deletes it). */
  putSetting(key: string, value: unknown, at: number): Promise<void>

  // leases

  /**
   * True when `holder` holds every one of `partitions` now (database clock). Inside a
   * transaction the leases are also locked until it ends, so they cannot be taken over
   * before the transaction's writes are committed: call it first in the transaction that
   * writes a partition's scores.
   */
  holdsLeases(holder: string, partitions: readonly number[]): Promise<boolean>

  // users and sessions

  /** Creates a dashboard user; an email already taken fails with `StoreConstraintError`. */
  createUser(user: UserWrite): Promise<UserRecord>
  getUser(id: string): Promise<UserRecord | undefined>
  /** The user with this email (compared case-insensitively). */
  findUserByEmail(email: string): Promise<UserRecord | undefined>
  /** Every user, by email. */
  listUsers(): Promise<UserRecord[]>
  /** Changes a user; a new role or password, or disabling, also ends the user's sessions. */
  updateUser(update: UserUpdate): Promise<UserRecord>
  /** Deletes a user and the user's sessions. */
  deleteUser(id: string): Promise<void>
  createSession(session: SessionWrite): Promise<SessionRecord>
  /** The session with this token hash, expired or not (the caller checks `expiresAt`). */
  getSession(tokenHash: string): Promise<SessionRecord | undefined>
  /** Records a use of a session and moves its expiry (a later use is never undone by an earlier one). */
  touchSession(tokenHash: string, seenAt: number, expiresAt: number): Promise<void>
  deleteSession(tokenHash: string): Promise<void>
  /** Ends every session of a user or of an admin key; resolves to how many. */
  deleteSessions(owner: SessionOwner): Promise<number>
  /** Removes the sessions expired at `now`; resolves to how many. */
  deleteExpiredSessions(now: number): Promise<number>

  // predictive models, training jobs, predictions

  /** Stores a trained model as a new version of its id (the id's highest + 1), not active. */
  createPredictiveModel(model: PredictiveModelWrite): Promise<PredictiveModelRecord>
  getPredictiveModel(id: string, version: number): Promise<PredictiveModelRecord | undefined>
  /** The active version of a predictive model id, if any. */
  activePredictiveModel(id: string): Promise<PredictiveModelRecord | undefined>
  /** Every version (of one id, or of all), by id then version, without the serialized models. */
  listPredictiveModels(id?: string): Promise<PredictiveModelSummary[]>
  /** Makes a version the active one of its id (the previous one is deactivated). Throws `StoreNotFoundError`. */
  activatePredictiveModel(id: string, version: number, at: number): Promise<PredictiveModelRecord>
  /**
   * Records a queued training job, unless another job of the model is queued or running
   * (updated at or after `staleBefore`; older ones are marked failed as abandoned) or, with
   * `notSince`, one was created at or after that time: then resolves to that job, `created: false`.
   */
  startTrainingJob(
    job: TrainingJobWrite,
    options: { staleBefore: number; notSince?: number | undefined },
  ): Promise<{ job: TrainingJobRecord; created: boolean }>
  /** Changes a job's status or progress. Throws `StoreNotFoundError`. */
  updateTrainingJob(update: TrainingJobUpdate): Promise<TrainingJobRecord>
  getTrainingJob(id: string): Promise<TrainingJobRecord | undefined>
  /** Jobs, newest first (default 50). */
  listTrainingJobs(query: {
    modelId?: string | undefined
    limit?: number | undefined
  }): Promise<TrainingJobRecord[]>
  /** Stores predictions (replacing a contact's previous one from that model) and copies them into the scoring models' `likelihood`. */
  writePredictions(batch: PredictionBatch): Promise<void>
  /** A contact's stored predictions, one per predictive model id. */
  contactPredictions(contactId: string): Promise<PredictionRecord[]>
  /** Contacts to predict again: no prediction from that model version, or changed (properties, new events) since. By id, keyset pages. */
  stalePredictions(query: StalePredictionsQuery): Promise<string[]>
  /** Every contact id, by id, in keyset pages. */
  contactIds(query: ContactIdsQuery): Promise<string[]>
}

/** A store: the operations, transactions, streaming, leases, and closing. */
export interface Store extends StoreOps {
  readonly dialect: 'sqlite' | 'postgres'
  /**
   * Where another connection opens this same store with `openStore` (a worker thread's own
   * connection): the SQLite file, the PostgreSQL URL (with `?schema=`). Undefined when no
   * other connection can (an in-memory database).
   */
  readonly location?: string | undefined
  /** How many scoring partitions contacts are hashed into (see `partitionOf`). */
  readonly partitionCount: number
  /**
   * Runs `fn` in one transaction: everything it writes through `tx` is committed together
   * when it resolves, and nothing when it throws (the error is rethrown). Use only `tx`
   * inside `fn`: in SQLite, calls on the store itself wait until the transaction ends. In
   * PostgreSQL, a transaction the server aborts as a deadlock or serialization failure is
   * run again (up to 3 times): keep `fn`'s effects inside `tx`.
   */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>
  /**
   * Every event stored before the call, in storage order, a page at a time, without loading
   * them all: a consistent snapshot (events stored meanwhile are not included, none is
   * skipped or repeated). Stop early with `break`.
   */
  streamEvents(options?: StreamEventsOptions): AsyncIterable<StoredEvent[]>
  /**
   * Leases scoring partitions to `holder`, renewing the ones it holds. Live holders share
   * the partitions evenly: a holder above its share gives the extras back (so call it
   * between units of work), one below it takes free or expired ones. Expiry is judged by
   * the database clock. See `LeaseGrant.validUntil`.
   */
  acquireLeases(request: LeaseRequest): Promise<LeaseGrant>
  /** Gives back all of `holder`'s leases (on shutdown). */
  releaseLeases(holder: string): Promise<void>
  /**
   * Refreshes the query planner's statistics (SQLite `PRAGMA optimize`, PostgreSQL
   * `ANALYZE`): call after bulk loads and periodically (e.g. hourly), so filtered queue
   * queries pick the right index.
   */
  optimize(): Promise<void>
  /** Closes the store; waits for running calls. */
  close(): Promise<void>
}
