/**
 * The zod schemas that validate the native API's requests. They are also the source of the
 * OpenAPI description (`GET /openapi.json`), so the documentation is what is enforced.
 * @module
 */
import { z } from 'zod'
import { CONTACT_SORTS, COUNT_DIMENSIONS } from '../store/records/contact-query.js'

/** A comma-separated list in a query parameter (repeating the parameter works too). */
const list = (description: string) =>
  z
    .string()
    .optional()
    .meta({ description: `${description}; several values: comma-separated (any of them)` })

const limit = (max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a number from 1 to ${max}` })
    .int({ error: 'must be a whole number' })
    .min(1, { error: `must be at least 1` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .meta({ description: `How many per page (1-${max}, default ${fallback})` })

const model = z
  .string()
  .optional()
  .meta({ description: 'The model whose scores to use (default: the primary model)' })

/** `GET /api/contacts`: the ranked queue. */
export const contactListQuery = z.object({
  model,
  sort: z
    .enum(CONTACT_SORTS, { error: `must be one of ${CONTACT_SORTS.join(', ')}` })
    .default('total')
    .meta({ description: 'What to rank by (default total)' }),
  direction: z
    .enum(['asc', 'desc'], { error: 'must be asc or desc' })
    .default('desc')
    .meta({ description: 'Default desc (highest first)' }),
  band: list('Only these bands (hot, warm, cold, ...)'),
  grade: list('Only these grades (A-F)'),
  level: list('Only these engagement levels'),
  label: list('Only these labels (A1, B2, ...)'),
  stage: list('Only these lifecycle stages'),
  journey: list('Only these buyer-journey stages'),
  segment: list('Only contacts in all of these segments'),
  owner: list('Only contacts of these owners'),
  account: list('Only contacts of these accounts'),
  q: z.string().optional().meta({ description: 'Text in the name, email or company (case-insensitive)' }),
  limit: limit(1000, 50),
  cursor: z.string().optional().meta({ description: 'nextCursor of the previous page' }),
  format: z.enum(['json', 'csv', 'ndjson'], { error: 'must be json, csv or ndjson' }).default('json').meta({
    description: 'csv and ndjson stream every matching contact (all pages, from cursor) as CSV or JSON lines',
  }),
})

/** `GET /api/contacts/counts`. */
export const contactCountsQuery = z.object({
  model,
  by: z
    .enum(COUNT_DIMENSIONS, { error: `must be one of ${COUNT_DIMENSIONS.join(', ')}` })
    .meta({ description: 'The dimension to count by' }),
})

/** `GET /api/contacts/:id`. */
export const contactDetailQuery = z.object({
  model,
  limit: limit(5000, 200).meta({ description: 'How many of the newest events the timeline lists' }),
})

const properties = z.record(z.string(), z.unknown()).meta({ description: 'Properties (JSON values)' })
const nullableText = z.string().min(1).nullable().optional()

/** One contact of `POST /api/contacts`. */
export const contactUpsert = z
  .object({
    id: z.string({ error: 'must be a string (the contact id)' }).min(1, { error: 'must not be empty' }),
    properties: properties.optional().meta({ description: 'Merged into the stored properties key by key' }),
    replaceProperties: z
      .boolean()
      .optional()
      .meta({ description: 'Replace the properties instead of merging' }),
    accountId: nullableText.meta({ description: 'The account (company) id; null: none' }),
    stage: nullableText.meta({
      description: "Lifecycle stage set by a person or the CRM (one of the primary model's stages)",
    }),
    owner: nullableText.meta({ description: 'The sales owner' }),
  })
  .strict()

/** `POST /api/contacts`: one contact or `{ contacts: [...] }` (up to 1,000). */
export const contactUpsertBody = z.union([
  contactUpsert,
  z.object({ contacts: z.array(contactUpsert).min(1).max(1000) }).strict(),
])

/** `POST /api/contacts/{id}/merge`: the duplicate to merge into the contact of the path. */
export const contactMergeBody = z
  .object({
    from: z
      .string({ error: 'must be a string (the id of the contact to merge into this one)' })
      .min(1, { error: 'must not be empty' })
      .meta({
        description: 'The duplicate: its events, anonymous ids, missing properties, account and owner move',
      }),
  })
  .strict()

/** One event of `POST /api/events`. */
export const nativeEvent = z
  .object({
    id: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Unique id: a retried event with the same id is stored once' }),
    contactId: z.string().min(1).optional().meta({ description: 'The contact (the Segment userId)' }),
    anonymousId: z.string().min(1).optional().meta({ description: 'The anonymous visitor id' }),
    name: z
      .string({ error: 'must be a string (the event name)' })
      .min(1)
      .meta({ description: 'The event name' }),
    ts: z
      .union([z.string(), z.number()])
      .optional()
      .meta({ description: 'When it happened: ISO-8601 or epoch ms (default: now)' }),
    properties: properties.optional(),
  })
  .strict()

/** `POST /api/events`: one event, a list, or `{ events: [...] }` (up to 2,500). */
export const nativeEventsBody = z.union([
  nativeEvent,
  z.array(nativeEvent).min(1).max(2500),
  z.object({ events: z.array(nativeEvent).min(1).max(2500) }).strict(),
])

/** `POST /api/models`: a model source (or send the YAML itself with Content-Type text/yaml). */
export const draftBody = z
  .object({
    source: z
      .string({ error: 'must be the model document (YAML or JSON) as a string' })
      .min(1)
      .meta({ description: 'The model document, YAML or JSON (format leadscore/v1)' }),
  })
  .strict()

/** `POST /api/models/:id/preview`. */
export const previewBody = z
  .object({
    version: z.number().int().min(1).optional().meta({ description: 'Default: the latest version' }),
  })
  .strict()

/** `POST /api/models/:id/versions/:version/publish`. */
export const publishBody = z
  .object({
    primary: z.boolean().optional().meta({
      description:
        'Make it the primary model (default: it stays what the model was, or primary when none is)',
    }),
  })
  .strict()

/** `POST /api/models/:id/rollback`. */
export const rollbackBody = z
  .object({
    version: z.number().int().min(1).optional().meta({
      description: 'The version to publish again (default: the one published before the current one)',
    }),
  })
  .strict()

/** `GET /api/accounts`. */
export const accountListQuery = z.object({
  model,
  limit: limit(1000, 50),
  cursor: z.string().optional().meta({ description: 'nextCursor of the previous page' }),
})

/** `GET /api/segments`, `GET /api/accounts/:id`. */
export const modelQuery = z.object({ model })

/** `GET /api/ingest/rejections`. */
export const rejectionsQuery = z.object({ limit: limit(1000, 100) })
