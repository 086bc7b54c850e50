/**
 * The PostgreSQL schema: the SQLite one in PostgreSQL types. Times are BIGINT epoch ms
 * (exact, like SQLite), scores DOUBLE PRECISION, JSON columns `json` (the text as written:
 * unlike `jsonb` it keeps `\u0000` and any key), ids `COLLATE "C"` (bytewise, like SQLite).
 * @module
 */
import { DEFAULT_PARTITION_COUNT } from '../partition.js'
import type { Migration } from '../sql/migration.js'

const ID = 'TEXT COLLATE "C"'

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `INSERT INTO meta (key, value) VALUES ('partitions', '${DEFAULT_PARTITION_COUNT}')`,

      `CREATE TABLE contacts (
        id ${ID} PRIMARY KEY,
        properties JSON NOT NULL,
        account_id ${ID},
        stage TEXT,
        owner TEXT,
        search TEXT NOT NULL,
        partition INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX contacts_account ON contacts (account_id) WHERE account_id IS NOT NULL`,
      `CREATE INDEX contacts_owner ON contacts (owner) WHERE owner IS NOT NULL`,
      `CREATE INDEX contacts_stage ON contacts (stage) WHERE stage IS NOT NULL`,

      `CREATE TABLE aliases (
        anonymous_id ${ID} PRIMARY KEY,
        contact_id ${ID} NOT NULL REFERENCES contacts (id),
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX aliases_contact ON aliases (contact_id)`,

      `CREATE TABLE accounts (
        id ${ID} PRIMARY KEY,
        properties JSON NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,

      `CREATE TABLE events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id ${ID} NOT NULL UNIQUE,
        contact_id ${ID},
        anonymous_id ${ID},
        name TEXT NOT NULL,
        ts BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        properties JSON NOT NULL,
        CHECK (contact_id IS NOT NULL OR anonymous_id IS NOT NULL)
      )`,
      `CREATE INDEX events_contact ON events (contact_id, ts) WHERE contact_id IS NOT NULL`,
      `CREATE INDEX events_anonymous ON events (anonymous_id, ts) WHERE contact_id IS NULL`,

      `CREATE TABLE models (
        id ${ID} NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
        is_primary BOOLEAN NOT NULL DEFAULT false,
        source TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        PRIMARY KEY (id, version),
        CHECK (NOT is_primary OR status = 'published')
      )`,
      `CREATE UNIQUE INDEX models_one_published ON models (id) WHERE status = 'published'`,
      `CREATE UNIQUE INDEX models_one_primary ON models (is_primary) WHERE is_primary`,

      `CREATE TABLE contact_scores (
        model_id ${ID} NOT NULL,
        contact_id ${ID} NOT NULL REFERENCES contacts (id),
        model_version INTEGER NOT NULL,
        partition INTEGER NOT NULL,
        fit DOUBLE PRECISION NOT NULL,
        engagement DOUBLE PRECISION NOT NULL,
        total DOUBLE PRECISION NOT NULL,
        grade TEXT,
        level TEXT,
        label TEXT,
        band TEXT,
        stage TEXT,
        journey TEXT,
        segments JSON NOT NULL,
        likelihood DOUBLE PRECISION,
        last_activity_at BIGINT,
        scored_at BIGINT NOT NULL,
        next_change_at BIGINT,
        state JSON,
        PRIMARY KEY (model_id, contact_id),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX scores_contact ON contact_scores (contact_id)`,
      `CREATE INDEX scores_total ON contact_scores (model_id, total, contact_id)`,
      `CREATE INDEX scores_fit ON contact_scores (model_id, fit, contact_id)`,
      `CREATE INDEX scores_engagement ON contact_scores (model_id, engagement, contact_id)`,
      `CREATE INDEX scores_likelihood ON contact_scores (model_id, (coalesce(likelihood, -1)), contact_id)`,
      `CREATE INDEX scores_activity ON contact_scores (model_id, (coalesce(last_activity_at, -9007199254740991)), contact_id)`,
      `CREATE INDEX scores_band_total ON contact_scores (model_id, band, total, contact_id)`,
      `CREATE INDEX scores_due ON contact_scores (model_id, next_change_at, contact_id) WHERE next_change_at IS NOT NULL`,

      `CREATE TABLE contact_segments (
        model_id ${ID} NOT NULL,
        segment TEXT NOT NULL,
        contact_id ${ID} NOT NULL,
        PRIMARY KEY (model_id, segment, contact_id)
      )`,
      `CREATE INDEX segments_contact ON contact_segments (model_id, contact_id)`,

      `CREATE TABLE account_scores (
        model_id ${ID} NOT NULL,
        account_id ${ID} NOT NULL REFERENCES accounts (id),
        model_version INTEGER NOT NULL,
        fit DOUBLE PRECISION NOT NULL,
        engagement DOUBLE PRECISION NOT NULL,
        total DOUBLE PRECISION NOT NULL,
        band TEXT,
        contacts INTEGER NOT NULL,
        committee JSON NOT NULL,
        scored_at BIGINT NOT NULL,
        PRIMARY KEY (model_id, account_id),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX account_scores_account ON account_scores (account_id)`,
      `CREATE INDEX account_scores_total ON account_scores (model_id, total, account_id)`,

      `CREATE TABLE transitions (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id ${ID} REFERENCES contacts (id),
        account_id ${ID} REFERENCES accounts (id),
        model_id ${ID} NOT NULL,
        model_version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        from_value TEXT,
        to_value TEXT,
        at BIGINT NOT NULL,
        cause JSON NOT NULL,
        CHECK ((contact_id IS NULL) <> (account_id IS NULL)),
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX transitions_contact ON transitions (contact_id, at) WHERE contact_id IS NOT NULL`,
      `CREATE INDEX transitions_account ON transitions (account_id, at) WHERE account_id IS NOT NULL`,
      `CREATE INDEX transitions_model ON transitions (model_id, at)`,

      `CREATE TABLE score_history (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id ${ID} NOT NULL REFERENCES contacts (id),
        model_id ${ID} NOT NULL,
        model_version INTEGER NOT NULL,
        at BIGINT NOT NULL,
        fit DOUBLE PRECISION NOT NULL,
        engagement DOUBLE PRECISION NOT NULL,
        total DOUBLE PRECISION NOT NULL,
        cause JSON NOT NULL,
        FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
      )`,
      `CREATE INDEX score_history_contact ON score_history (contact_id, model_id, at)`,

      `CREATE TABLE api_keys (
        id ${ID} PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('write', 'admin')),
        hash TEXT NOT NULL UNIQUE,
        label TEXT,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT
      )`,

      `CREATE TABLE lease_holders (holder TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)`,
      `CREATE TABLE leases (
        partition INTEGER PRIMARY KEY,
        holder TEXT,
        expires_at BIGINT NOT NULL
      )`,
      `INSERT INTO leases (partition, holder, expires_at)
       SELECT n, NULL, 0 FROM generate_series(0, ${DEFAULT_PARTITION_COUNT - 1}) AS n`,
    ],
  },
  {
    version: 2,
    name: 'webhooks: endpoints, outbox, attempts; settings',
    statements: [
      `CREATE TABLE webhook_endpoints (
        id ${ID} PRIMARY KEY,
        url TEXT NOT NULL,
        types TEXT NOT NULL,
        filter TEXT,
        model_id ${ID},
        description TEXT,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at BIGINT,
        status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE webhook_deliveries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id ${ID} NOT NULL UNIQUE,
        endpoint_id ${ID} NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        order_key ${ID} NOT NULL,
        partition INTEGER NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        last_attempt_at BIGINT,
        delivered_at BIGINT,
        last_status INTEGER,
        last_error TEXT,
        last_latency_ms INTEGER,
        claimed_by TEXT,
        claimed_until BIGINT
      )`,
      // what is due, and the head of each (endpoint, contact) line
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending'`,
      `CREATE INDEX webhook_deliveries_line ON webhook_deliveries (endpoint_id, order_key, seq) WHERE status = 'pending'`,
      `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, seq)`,
      `CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (endpoint_id, seq) WHERE status = 'dead'`,
      `CREATE TABLE webhook_attempts (
        delivery_id ${ID} NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        at BIGINT NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        error TEXT,
        PRIMARY KEY (delivery_id, attempt)
      )`,
      `CREATE TABLE settings (key ${ID} PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'dashboard users and sessions',
    statements: [
      `CREATE TABLE users (
        id ${ID} PRIMARY KEY,
        email ${ID} NOT NULL UNIQUE,
        name TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        disabled_at BIGINT,
        last_sign_in_at BIGINT
      )`,
      `CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id ${ID} REFERENCES users (id),
        key_id ${ID},
        role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
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
        anonymous_id ${ID} PRIMARY KEY,
        traits TEXT NOT NULL,
        updated_at BIGINT NOT NULL
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
        id ${ID} NOT NULL,
        version INTEGER NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        outcome JSON NOT NULL,
        evaluation JSON NOT NULL,
        warnings JSON NOT NULL,
        model JSON NOT NULL,
        created_at BIGINT NOT NULL,
        activated_at BIGINT,
        PRIMARY KEY (id, version)
      )`,
      `CREATE UNIQUE INDEX predictive_models_active ON predictive_models (id) WHERE active = 1`,
      `CREATE TABLE training_jobs (
        id ${ID} PRIMARY KEY,
        model_id ${ID} NOT NULL,
        started_by TEXT NOT NULL CHECK (started_by IN ('api', 'schedule', 'cli')),
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        request JSON NOT NULL,
        step TEXT NOT NULL,
        done INTEGER NOT NULL,
        total INTEGER NOT NULL,
        model_version INTEGER,
        error TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        updated_at BIGINT NOT NULL,
        finished_at BIGINT
      )`,
      `CREATE INDEX training_jobs_model ON training_jobs (model_id, created_at)`,
      `CREATE INDEX training_jobs_created ON training_jobs (created_at)`,
      `CREATE TABLE contact_predictions (
        model_id ${ID} NOT NULL,
        contact_id ${ID} NOT NULL,
        model_version INTEGER NOT NULL,
        likelihood DOUBLE PRECISION NOT NULL,
        reasons JSON NOT NULL,
        predicted_at BIGINT NOT NULL,
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
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id ${ID} NOT NULL,
        partition INTEGER NOT NULL,
        event_ids JSON NOT NULL,
        rebuild INTEGER NOT NULL CHECK (rebuild IN (0, 1)),
        cause JSON NOT NULL,
        accounts JSON NOT NULL,
        at BIGINT NOT NULL
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
      `ALTER TABLE contacts ADD COLUMN merged_into TEXT COLLATE "C"`,
      `CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL`,
    ],
  },
]
