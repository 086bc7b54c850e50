/**
 * The SQLite schema. Times are INTEGER epoch ms, scores REAL, JSON as TEXT (written by
 * `JSON.stringify`, never from input strings), booleans 0/1. Text compares bytewise
 * (BINARY), like PostgreSQL's `COLLATE "C"`.
 * @module
 */
import { DEFAULT_PARTITION_COUNT } from '../partition.js'
import type { Migration } from '../sql/migration.js'

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
      `INSERT INTO meta (key, value) VALUES ('partitions', '${DEFAULT_PARTITION_COUNT}')`,

      `CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        properties TEXT NOT NULL,
        account_id TEXT,
        stage TEXT,
        owner TEXT,
        search TEXT NOT NULL,
        partition INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE INDEX contacts_account ON contacts (account_id) WHERE account_id IS NOT NULL`,
      `CREATE INDEX contacts_owner ON contacts (owner) WHERE owner IS NOT NULL`,
      `CREATE INDEX contacts_stage ON contacts (stage) WHERE stage IS NOT NULL`,
      // the queue walks scores in order and tests each contact's owner, stage, account here,
      // reading the (large) contact row only for the rows it returns
      `CREATE INDEX contacts_queue ON contacts (id, owner, stage, account_id)`,

      `CREATE TABLE aliases (
        anonymous_id TEXT PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts (id),
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
      `CREATE INDEX aliases_contact ON aliases (contact_id)`,

      `CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        properties TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,

      `CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        contact_id TEXT,
        anonymous_id TEXT,
        name TEXT NOT NULL,
        ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        properties TEXT NOT NULL,
        CHECK (contact_id IS NOT NULL OR anonymous_id IS NOT NULL)
      )`,
      `CREATE INDEX events_contact ON events (contact_id, ts) WHERE contact_id IS NOT NULL`,
      `CREATE INDEX events_anonymous ON events (anonymous_id, ts) WHERE contact_id IS NULL`,

      `CREATE TABLE models (
        id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
        is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        published_at INTEGER,
        PRIMARY KEY (id, version),
        CHECK (is_primary = 0 OR status = 'published')
      )`,
      `CREATE UNIQUE INDEX models_one_published ON models (id) WHERE status = 'published'`,
      `CREATE UNIQUE INDEX models_one_primary ON models (is_primary) WHERE is_primary = 1`,

      `CREATE TABLE contact_scores (
        model_id TEXT NOT NULL,
        contact_id TEXT NOT NULL REFERENCES contacts (id),
        model_version INTEGER NOT NULL,
        partition INTEGER NOT NULL,
        fit REAL NOT NULL,
        engagement REAL NOT NULL,
        total REAL NOT NULL,
        grade TEXT,
        level TEXT,
        label TEXT,
        band TEXT,
        stage TEXT,
        journey TEXT,
        segments TEXT NOT NULL,
        likelihood REAL,
        last_activity_at INTEGER,
        scored_at INTEGER NOT NULL,
        next_change_at INTEGER,
        state TEXT,
        PRIMARY KEY (model_id, contact_id),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX scores_contact ON contact_scores (contact_id)`,
      `CREATE INDEX scores_total ON contact_scores (model_id, total, contact_id)`,
      `CREATE INDEX scores_fit ON contact_scores (model_id, fit, contact_id)`,
      `CREATE INDEX scores_engagement ON contact_scores (model_id, engagement, contact_id)`,
      `CREATE INDEX scores_likelihood ON contact_scores (model_id, coalesce(likelihood, -1), contact_id)`,
      `CREATE INDEX scores_activity ON contact_scores (model_id, coalesce(last_activity_at, -9007199254740991), contact_id)`,
      `CREATE INDEX scores_band_total ON contact_scores (model_id, band, total, contact_id)`,
      `CREATE INDEX scores_due ON contact_scores (model_id, next_change_at, contact_id) WHERE next_change_at IS NOT NULL`,

      `CREATE TABLE contact_segments (
        model_id TEXT NOT NULL,
        segment TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        PRIMARY KEY (model_id, segment, contact_id)
      ) WITHOUT ROWID`,
      `CREATE INDEX segments_contact ON contact_segments (model_id, contact_id)`,

      `CREATE TABLE account_scores (
        model_id TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts (id),
        model_version INTEGER NOT NULL,
        fit REAL NOT NULL,
        engagement REAL NOT NULL,
        total REAL NOT NULL,
        band TEXT,
        contacts INTEGER NOT NULL,
        committee TEXT NOT NULL,
        scored_at INTEGER NOT NULL,
        PRIMARY KEY (model_id, account_id),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX account_scores_account ON account_scores (account_id)`,
      `CREATE INDEX account_scores_total ON account_scores (model_id, total, account_id)`,

      `CREATE TABLE transitions (
        seq INTEGER PRIMARY KEY,
        contact_id TEXT REFERENCES contacts (id),
        account_id TEXT REFERENCES accounts (id),
        model_id TEXT NOT NULL,
        model_version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        from_value TEXT,
        to_value TEXT,
        at INTEGER NOT NULL,
        cause TEXT NOT NULL,
        CHECK ((contact_id IS NULL) <> (account_id IS NULL)),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX transitions_contact ON transitions (contact_id, at) WHERE contact_id IS NOT NULL`,
      `CREATE INDEX transitions_account ON transitions (account_id, at) WHERE account_id IS NOT NULL`,
      `CREATE INDEX transitions_model ON transitions (model_id, at)`,

      `CREATE TABLE score_history (
        seq INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts (id),
        model_id TEXT NOT NULL,
        model_version INTEGER NOT NULL,
        at INTEGER NOT NULL,
        fit REAL NOT NULL,
        engagement REAL NOT NULL,
        total REAL NOT NULL,
        cause TEXT NOT NULL,
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX score_history_contact ON score_history (contact_id, model_id, at)`,

      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('write', 'admin')),
        hash TEXT NOT NULL UNIQUE,
        label TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      )`,

      `CREATE TABLE lease_holders (holder TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
      `CREATE TABLE leases (
        partition INTEGER PRIMARY KEY,
        holder TEXT,
        expires_at INTEGER NOT NULL
      )`,
      `WITH RECURSIVE p(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM p WHERE n + 1 < ${DEFAULT_PARTITION_COUNT})
       INSERT INTO leases (partition, holder, expires_at) SELECT n, NULL, 0 FROM p`,
    ],
  },
  {
    version: 2,
    name: 'webhooks: endpoints, outbox, attempts; settings',
    statements: [
      `CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        types TEXT NOT NULL,
        filter TEXT,
        model_id TEXT,
        description TEXT,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        order_key TEXT NOT NULL,
        partition INTEGER NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        delivered_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        last_latency_ms INTEGER,
        claimed_by TEXT,
        claimed_until INTEGER
      )`,
      // what is due, and the head of each (endpoint, contact) line
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending'`,
      `CREATE INDEX webhook_deliveries_line ON webhook_deliveries (endpoint_id, order_key, seq) WHERE status = 'pending'`,
      `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, seq)`,
      `CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (endpoint_id, seq) WHERE status = 'dead'`,
      `CREATE TABLE webhook_attempts (
        delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error TEXT,
        PRIMARY KEY (delivery_id, attempt)
      )`,
      `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'dashboard users and sessions',
    statements: [
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        disabled_at INTEGER,
        last_sign_in_at INTEGER
      )`,
      `CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT REFERENCES users (id),
        key_id TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        CHECK ((user_id IS NULL) <> (key_id IS NULL))
      )`,
      `CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL`,
      `CREATE INDEX sessions_key ON sessions (key_id) WHERE key_id IS NOT NULL`,
      `CREATE INDEX sessions_expires ON sessions (expires_at)`,
    ],
  },
  {
    version: 4,
    name: 'traits of anonymous visitors, kept until they are identified',
    statements: [
      `CREATE TABLE anonymous_traits (
        anonymous_id TEXT PRIMARY KEY,
        traits TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 5,
    name: "dashboard users' language",
    statements: [`ALTER TABLE users ADD COLUMN locale TEXT`],
  },
  {
    version: 6,
    name: 'predictive models, training jobs and predictions',
    statements: [
      `CREATE TABLE predictive_models (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        outcome TEXT NOT NULL,
        evaluation TEXT NOT NULL,
        warnings TEXT NOT NULL,
        model TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activated_at INTEGER,
        PRIMARY KEY (id, version)
      )`,
      `CREATE UNIQUE INDEX predictive_models_active ON predictive_models (id) WHERE active = 1`,
      `CREATE TABLE training_jobs (
        id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        started_by TEXT NOT NULL CHECK (started_by IN ('api', 'schedule', 'cli')),
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        request TEXT NOT NULL,
        step TEXT NOT NULL,
        done INTEGER NOT NULL,
        total INTEGER NOT NULL,
        model_version INTEGER,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      )`,
      `CREATE INDEX training_jobs_model ON training_jobs (model_id, created_at)`,
      `CREATE INDEX training_jobs_created ON training_jobs (created_at)`,
      `CREATE TABLE contact_predictions (
        model_id TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        model_version INTEGER NOT NULL,
        likelihood REAL NOT NULL,
        reasons TEXT NOT NULL,
        predicted_at INTEGER NOT NULL,
        PRIMARY KEY (model_id, contact_id)
      )`,
      `CREATE INDEX contact_predictions_contact ON contact_predictions (contact_id)`,
    ],
  },
  {
    version: 7,
    name: 'rescores owed to contacts, kept until they are done',
    statements: [
      `CREATE TABLE pending_rescores (
        seq INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL,
        partition INTEGER NOT NULL,
        event_ids TEXT NOT NULL,
        rebuild INTEGER NOT NULL CHECK (rebuild IN (0, 1)),
        cause TEXT NOT NULL,
        accounts TEXT NOT NULL,
        at INTEGER NOT NULL
      )`,
      `CREATE INDEX pending_rescores_contact ON pending_rescores (contact_id)`,
      `CREATE INDEX pending_rescores_partition ON pending_rescores (partition, seq)`,
    ],
  },
  {
    version: 8,
    name: 'contacts merged into another',
    statements: [
      // a contact merged into another: where its messages go now
      `ALTER TABLE contacts ADD COLUMN merged_into TEXT`,
      `CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL`,
    ],
  },
]
