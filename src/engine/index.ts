/**
 * The scoring service: ingestion, real-time and time-based rescoring, model versions, keys.
 * The only layer that combines the pure core with the storage port.
 * @module
 */

export type { AssignmentRule } from './assignment.js'
export { type Clock, type ManualClock, manualClock, systemClock } from './clock.js'
export type { ContactDetail, TimelineEvent } from './contact-view.js'
export { DEFAULT_MODEL_PATH, defaultModelSource } from './default-model.js'
export { type DemoOptions, type DemoSummary, seedDemoWorkspace } from './demo-workspace.js'
export {
  type AssignmentView,
  type ContactUpsert,
  createEngine,
  type DraftResult,
  type Engine,
  type EngineOptions,
  type IngestOptions,
  type IngestResult,
  type Rejection,
  type WebhookSenderSettings,
} from './engine.js'
export * from './errors.js'
export { type CreatedKey, hashKey, KeyRing, type StaticKeys, type VerifiedKey } from './key-ring.js'
export * from './logger.js'
export * from './message-schema.js'
export * from './metrics.js'
export { compileSource, type PublishedModel } from './models.js'
export { MAX_MESSAGE_BYTES, SKEW_TOLERANCE_MS } from './normalize.js'
export type { PreviewChange, PreviewResult } from './preview.js'
export type { PublishJob } from './publish-job.js'
export type { TickResult } from './time-rescorer.js'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './webhooks/backoff.js'
export type { AccountWebhookPayload, ContactWebhookPayload, LedgerLine } from './webhooks/payload.js'
export type { EndpointChange, EndpointInput, EndpointView } from './webhooks/service.js'
export { WebhookService } from './webhooks/service.js'
export {
  newWebhookSecret,
  SIGNATURE_HEADER,
  signatureHeader,
  type VerifyOptions,
  verifyWebhookSignature,
} from './webhooks/signature.js'
