/**
 * `leadscore keys create|list|revoke`: API keys. A write key may only send events (give it to
 * Segment, RudderStack or analytics.js); an admin key may do everything (the API, the queue
 * page). A key is printed once, when created: the database keeps only its hash.
 * @module
 */
import { defineCommand } from 'citty'
import { systemClock } from '../../engine/index.js'
import { KeyRing } from '../../engine/key-ring.js'
import { silentLogger } from '../../engine/logger.js'
import { StoreNotFoundError } from '../../store/index.js'
import { CliError, cliContext } from '../context.js'
import { dbArg, openDatabase } from './serve.js'

const createCommand = defineCommand({
  meta: { name: 'create', description: 'Create an API key and print it (once)' },
  args: {
    ...dbArg,
    kind: {
      type: 'enum',
      options: ['write', 'admin'],
      description: 'write: send events only; admin: everything',
      required: true,
    },
    label: { type: 'string', description: 'A note to tell keys apart (e.g. "segment production")' },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const kind = args.kind
    if (kind !== 'write' && kind !== 'admin') {
      throw new CliError(`--kind ${String(kind)} is not a key kind`, {
        hint: 'use --kind write or --kind admin',
      })
    }
    const store = await openDatabase(ctx, args.db)
    try {
      const key = await new KeyRing(store, systemClock, silentLogger).create(kind, args.label ?? null)
      ctx.stdout.write(`${key.secret}\n`)
      ctx.stderr.write(
        `created ${kind} key ${key.id}${key.label ? ` (${key.label})` : ''}: it is shown once, keep it somewhere safe\n` +
          (kind === 'write'
            ? 'use it as the writeKey of Segment or RudderStack SDKs, or: curl -u KEY: http://127.0.0.1:4400/v1/track ...\n'
            : 'use it as Authorization: Bearer KEY, or paste it into the queue page\n'),
      )
    } finally {
      await store.close()
    }
  },
})

const listCommand = defineCommand({
  meta: { name: 'list', description: 'List API keys (never their secrets)' },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const keys = await store.listKeys()
      if (keys.length === 0) ctx.stderr.write('no keys yet: leadscore keys create --kind write|admin\n')
      for (const k of keys) {
        const used =
          k.lastUsedAt === null ? 'never used' : `last used ${new Date(k.lastUsedAt).toISOString()}`
        const status = k.revokedAt === null ? used : `revoked ${new Date(k.revokedAt).toISOString()}`
        ctx.stdout.write(
          `${k.id}\t${k.kind}\t${k.label ?? ''}\tcreated ${new Date(k.createdAt).toISOString()}\t${status}\n`,
        )
      }
    } finally {
      await store.close()
    }
  },
})

const revokeCommand = defineCommand({
  meta: { name: 'revoke', description: 'Revoke an API key (by its id, from `keys list`)' },
  args: {
    ...dbArg,
    id: { type: 'positional', description: 'The key id (key_...)', required: true },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const key = await store.revokeKey(args.id, systemClock.now())
      ctx.stderr.write(`revoked ${key.kind} key ${key.id}; running servers refuse it within 10 seconds\n`)
    } catch (error) {
      if (error instanceof StoreNotFoundError) {
        throw new CliError(`no key ${args.id}`, { hint: 'list the keys with `leadscore keys list`' })
      }
      throw error
    } finally {
      await store.close()
    }
  },
})

export const keysCommand = defineCommand({
  meta: { name: 'keys', description: 'Create, list and revoke API keys' },
  subCommands: { create: createCommand, list: listCommand, revoke: revokeCommand },
})
