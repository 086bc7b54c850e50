/**
 * The OpenAPI 3.1 description of the server (`GET /openapi.json`), generated from the zod
 * schemas that validate the requests, so the documentation cannot drift from what is
 * enforced.
 * @module
 */
import { z } from 'zod'
import { batchSchema, messageSchema } from '../engine/index.js'
import { ANALYSIS_ROUTE_DOCS } from './analysis-routes.js'
import { HANDOFF_ROUTE_DOCS } from './handoff-routes.js'
import { PREDICTIVE_ROUTE_DOCS } from './predictive-routes.js'
import {
  accountListQuery,
  contactCountsQuery,
  contactDetailQuery,
  contactListQuery,
  contactMergeBody,
  contactUpsertBody,
  draftBody,
  modelQuery,
  nativeEventsBody,
  previewBody,
  publishBody,
  rejectionsQuery,
  rollbackBody,
} from './schemas.js'

type Auth = 'write' | 'admin' | 'none'

/** One documented operation. */
export interface RouteDoc {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path, e.g. `/api/contacts/{id}`. */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  readonly auth: Auth
  readonly query?: z.ZodObject
  readonly body?: z.ZodType
  /** Path parameters and what they are. */
  readonly params?: Readonly<Record<string, string>>
  readonly responses: Readonly<Record<string, string>>
}

const INGEST_RESPONSES = {
  '200': 'Accepted: counts of accepted, duplicate and rejected messages, and why each rejected one was',
  '400': 'The body can never be accepted (not JSON, not an object)',
  '401': 'No valid key',
  '413': 'The body is over 500 KB',
  '429': 'The ingest queue is full: retry after Retry-After seconds',
}

const single = (type: string, short: string): RouteDoc[] =>
  [type, short].map((name) => ({
    method: 'post',
    path: `/v1/${name}`,
    tag: 'Ingestion (Segment-compatible)',
    summary: name === type ? `One ${type} message` : `One ${type} message (analytics.js short form)`,
    description: `The body is one message; its type is ${type} whatever it says.`,
    auth: 'write',
    body: messageSchema,
    responses: INGEST_RESPONSES,
  }))

/** Every documented route. */
export const ROUTES: readonly RouteDoc[] = [
  ...['/v1/batch', '/v1/b'].map(
    (path): RouteDoc => ({
      method: 'post',
      path,
      tag: 'Ingestion (Segment-compatible)',
      summary: path === '/v1/b' ? 'A batch of messages (analytics.js batching mode)' : 'A batch of messages',
      description:
        'What Segment and RudderStack SDKs send. Gzip (Content-Encoding: gzip) and any Content-Type are accepted. Messages are deduplicated on messageId; the response comes once they are durable and scored.',
      auth: 'write',
      body: batchSchema,
      responses: INGEST_RESPONSES,
    }),
  ),
  ...single('track', 't'),
  ...single('identify', 'i'),
  ...single('page', 'p'),
  ...single('screen', 's'),
  ...single('group', 'g'),
  ...single('alias', 'a'),
  {
    method: 'post',
    path: '/api/events',
    tag: 'Contacts',
    summary: 'Send events (native JSON)',
    auth: 'write',
    body: nativeEventsBody,
    responses: INGEST_RESPONSES,
  },
  {
    method: 'get',
    path: '/api/contacts',
    tag: 'Contacts',
    summary: 'The ranked queue',
    description:
      'Contacts by score, filtered, in pages (`nextCursor`); `format=csv` streams all of them as CSV.',
    auth: 'admin',
    query: contactListQuery,
    responses: { '200': 'A page of contacts with their scores', '400': 'A bad filter or cursor' },
  },
  {
    method: 'post',
    path: '/api/contacts',
    tag: 'Contacts',
    summary: 'Create or change contacts',
    description: 'Properties merge key by key; the contacts are rescored before the response.',
    auth: 'admin',
    body: contactUpsertBody,
    responses: { '200': 'The contacts as stored', '422': 'An unknown stage' },
  },
  {
    method: 'post',
    path: '/api/contacts/{id}/merge',
    tag: 'Contacts',
    summary: 'Merge a duplicate into this contact',
    description:
      'The contact `from` joins the contact of the path: its events, anonymous ids, the properties this one lacks, its account and owner when this one has none, and the later lifecycle stage. This contact is rescored from all the events; later messages for `from` come here, and reading `from` reads this contact. A Segment `alias` whose `previousId` is a known contact does the same.',
    auth: 'admin',
    params: { id: 'The contact that remains' },
    body: contactMergeBody,
    responses: {
      '200': 'The contact that remains, as stored',
      '404': 'No such contact',
      '409': 'One of them was merged into another already',
      '422': 'A contact merged into itself',
    },
  },
  {
    method: 'get',
    path: '/api/contacts/counts',
    tag: 'Contacts',
    summary: 'How many contacts have each value of a dimension',
    auth: 'admin',
    query: contactCountsQuery,
    responses: { '200': 'Counts, most first' },
  },
  {
    method: 'get',
    path: '/api/contacts/{id}',
    tag: 'Contacts',
    summary: 'One contact, scored now, with the ledger, timeline and history',
    description:
      'With `predictions`: the stored likelihood of each predictive model (percent, calibrated) with the features that raised and lowered it most, in points ("Lead Source = Referral +12 pts").',
    auth: 'admin',
    params: { id: 'The contact id' },
    query: contactDetailQuery,
    responses: { '200': 'The contact', '404': 'No such contact' },
  },
  {
    method: 'get',
    path: '/api/accounts',
    tag: 'Accounts',
    summary: 'Accounts ranked by score, with their buying committee',
    auth: 'admin',
    query: accountListQuery,
    responses: { '200': 'A page of accounts' },
  },
  {
    method: 'get',
    path: '/api/accounts/{id}',
    tag: 'Accounts',
    summary: 'One account with its scores and members',
    auth: 'admin',
    params: { id: 'The account id' },
    query: modelQuery,
    responses: { '200': 'The account', '404': 'No such account' },
  },
  {
    method: 'get',
    path: '/api/segments',
    tag: 'Accounts',
    summary: "The model's segments and how many contacts are in each",
    auth: 'admin',
    query: modelQuery,
    responses: { '200': 'Segments with counts' },
  },
  {
    method: 'get',
    path: '/api/models',
    tag: 'Models',
    summary: 'Models, their latest and published versions, and publish jobs',
    auth: 'admin',
    responses: { '200': 'The models' },
  },
  {
    method: 'post',
    path: '/api/models',
    tag: 'Models',
    summary: 'Create a draft version from a model source',
    description: 'Send `{ "source": "..." }`, or the YAML itself with Content-Type text/yaml.',
    auth: 'admin',
    body: draftBody,
    responses: {
      '201': 'The draft and its warnings',
      '422': 'The source does not validate: issues with line and column',
    },
  },
  {
    method: 'get',
    path: '/api/models/{id}/versions',
    tag: 'Models',
    summary: 'Every version of a model',
    auth: 'admin',
    params: { id: 'The model id' },
    responses: { '200': 'The versions', '404': 'No such model' },
  },
  {
    method: 'get',
    path: '/api/models/{id}/versions/{version}',
    tag: 'Models',
    summary: 'One version with its source',
    auth: 'admin',
    params: { id: 'The model id', version: 'The version number' },
    responses: { '200': 'The version', '404': 'No such version' },
  },
  {
    method: 'post',
    path: '/api/models/{id}/preview',
    tag: 'Models',
    summary: 'Score every contact with a version and compare with the published scores',
    auth: 'admin',
    params: { id: 'The model id' },
    body: previewBody,
    responses: { '200': 'Counts by band and stage before and after, and the contacts that change band' },
  },
  {
    method: 'post',
    path: '/api/models/{id}/versions/{version}/publish',
    tag: 'Models',
    summary: 'Publish a version and rescore every contact with it',
    auth: 'admin',
    params: { id: 'The model id', version: 'The version number' },
    body: publishBody,
    responses: { '202': 'The publish job (rescoring runs in the background)' },
  },
  {
    method: 'post',
    path: '/api/models/{id}/rollback',
    tag: 'Models',
    summary: 'Publish an earlier version again',
    auth: 'admin',
    params: { id: 'The model id' },
    body: rollbackBody,
    responses: { '202': 'The publish job', '409': 'No earlier published version' },
  },
  {
    method: 'post',
    path: '/api/models/{id}/versions/{version}/archive',
    tag: 'Models',
    summary: 'Stop scoring with a (shadow) version',
    auth: 'admin',
    params: { id: 'The model id', version: 'The version number' },
    responses: { '200': 'The archived version', '409': 'It is the primary model' },
  },
  {
    method: 'get',
    path: '/api/ingest/rejections',
    tag: 'Operations',
    summary: 'The most recent rejected messages and why',
    auth: 'admin',
    query: rejectionsQuery,
    responses: { '200': 'Rejections, newest first' },
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Liveness and readiness',
    auth: 'none',
    responses: { '200': 'Healthy', '503': 'The database does not answer' },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    auth: 'none',
    responses: { '200': 'Metrics in the Prometheus text format' },
  },
  ...ANALYSIS_ROUTE_DOCS,
  ...HANDOFF_ROUTE_DOCS,
  ...PREDICTIVE_ROUTE_DOCS,
]

function jsonSchema(schema: z.ZodType): unknown {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  return rest
}

function parameters(route: RouteDoc): unknown[] {
  const out: unknown[] = []
  for (const [name, description] of Object.entries(route.params ?? {})) {
    out.push({ name, in: 'path', required: true, description, schema: { type: 'string' } })
  }
  if (route.query) {
    for (const [name, field] of Object.entries(route.query.shape as Record<string, z.ZodType>)) {
      const schema = jsonSchema(field) as Record<string, unknown>
      const { description, ...rest } = schema
      out.push({
        name,
        in: 'query',
        required: !field.safeParse(undefined).success,
        ...(description === undefined ? {} : { description }),
        schema: rest,
      })
    }
  }
  return out
}

/** The OpenAPI document. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of ROUTES) {
    const operation: Record<string, unknown> = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      security: route.auth === 'none' ? [] : [{ basic: [] }, { bearer: [] }],
      parameters: parameters(route),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, description]) => [status, { description }]),
      ),
    }
    if (route.body) {
      operation['requestBody'] = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body) } },
      }
    }
    paths[route.path] ??= {}
    paths[route.path]![route.method] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Leadscore',
      version,
      description:
        'Self-hosted lead scoring. Send events as you would to Segment (`/v1/*`, write keys); read the ranked queue, explanations and models with the native API (`/api/*`, admin keys). Times are epoch milliseconds unless named otherwise.',
    },
    components: {
      securitySchemes: {
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'The key as the user name, empty password (what Segment SDKs send)',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
      },
    },
    paths,
  }
}
