/**
 * The Segment-spec messages the engine ingests (what Segment, RudderStack and analytics.js
 * send), as zod schemas: they validate each message's structure and document it in the
 * OpenAPI description. Unknown keys are allowed and ignored, as Segment does.
 * @module
 */
import { z } from 'zod'
import { fieldMessage } from '../i18n/api.js'

export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const
/** A Segment message type. */
export type MessageType = (typeof MESSAGE_TYPES)[number]

const id = z.union([z.string(), z.number()], { error: fieldMessage('field.idType') }).nullish()
const time = z.union([z.string(), z.number()], { error: fieldMessage('field.timeType') }).nullish()
const bag = z.record(z.string(), z.unknown(), { error: 'must be an object' }).nullish()

/** `context.campaign`: the UTM parameters of the visit (analytics.js parses them from the URL). */
export const campaignSchema = z
  .looseObject({
    source: z.unknown().optional(),
    medium: z.unknown().optional(),
    name: z.unknown().optional(),
    term: z.unknown().optional(),
    content: z.unknown().optional(),
  })
  .meta({ description: 'UTM parameters: source, medium, name (the campaign), term, content' })

/** `context`: where the message came from. Only the fields below are read. */
export const contextSchema = z
  .looseObject({
    campaign: campaignSchema.nullish(),
    page: bag.meta({
      description: 'The page (path, url, title, referrer, search): page properties fall back to it',
    }),
    traits: bag.meta({ description: 'Traits of the user; used when an identify has no `traits`' }),
    groupId: id.meta({ description: 'The account the user acts for (B2B SaaS spec): sets the membership' }),
  })
  .meta({ description: 'Context of the message; other keys are accepted and ignored' })

/** One Segment message (any type). */
export const messageSchema = z
  .looseObject({
    type: z.enum(MESSAGE_TYPES, { error: `must be one of ${MESSAGE_TYPES.join(', ')}` }).meta({
      description:
        'The call: identify, track, page, screen, group or alias (set by the route for /v1/<type>)',
    }),
    messageId: id.meta({
      description: 'Unique id of the message: a retried message with the same id is stored once',
    }),
    userId: id.meta({ description: 'The known user (the contact id)' }),
    anonymousId: id.meta({
      description: 'The anonymous visitor id; merged into the user when both are sent',
    }),
    timestamp: time.meta({ description: 'When it happened (ISO-8601)' }),
    originalTimestamp: time.meta({ description: 'When it happened on the device (RudderStack sends this)' }),
    sentAt: time.meta({ description: 'When the client sent it: corrects the client clock skew' }),
    event: z
      .string({ error: 'must be a string' })
      .nullish()
      .meta({ description: 'track: the event name (e.g. "Demo Requested")' }),
    name: z.string({ error: 'must be a string' }).nullish().meta({ description: 'page/screen: its name' }),
    category: z.string({ error: 'must be a string' }).nullish().meta({ description: 'page: its category' }),
    properties: bag.meta({ description: 'track/page/screen: the event properties' }),
    traits: bag.meta({ description: 'identify: user traits; group: account traits' }),
    groupId: id.meta({ description: 'group: the account id' }),
    previousId: id.meta({ description: 'alias: the previous (anonymous) id to merge into userId' }),
    context: contextSchema.nullish(),
  })
  .meta({ description: 'A Segment-spec message' })

/** A message as validated by `messageSchema`. */
export type Message = z.infer<typeof messageSchema>

/** A batch (`POST /v1/batch`, `/v1/b`): messages plus fields that apply to all of them. */
export const batchSchema = z
  .looseObject({
    batch: z.array(z.unknown(), { error: 'must be a list of messages' }).meta({
      description: 'The messages; each is validated on its own (a bad one is rejected, the others are kept)',
    }),
    writeKey: z.string().optional().meta({ description: 'The write key (or use Basic auth: key as user)' }),
    sentAt: time.meta({ description: 'When the batch was sent: corrects clock skew for every message' }),
    context: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Merged into the context of every message' }),
  })
  .meta({ description: 'A batch of Segment-spec messages, at most 500 KB and 2,500 messages' })
