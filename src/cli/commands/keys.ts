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
import { CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { humanTime } from '../time.js'
import { dbArg, openDatabase } from './serve.js'

const createCommand = defineCommand({
  meta: { name: 'create', description: help('help.keys.create') },
  args: {
    ...dbArg,
    kind: {
      type: 'enum',
      options: ['write', 'admin'],
      description: help('help.keys.kind'),
      required: true,
    },
    label: { type: 'string', description: help('help.keys.label') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const kind = args.kind
    if (kind !== 'write' && kind !== 'admin') {
      throw new CliError(
        { key: 'keys.kind.invalid', values: { kind: String(kind) } },
        { hint: { key: 'keys.kind.invalid.hint' } },
      )
    }
    const store = await openDatabase(ctx, args.db)
    try {
      const key = await new KeyRing(store, systemClock, silentLogger).create(kind, args.label ?? null)
      ctx.stdout.write(`${key.secret}\n`)
      const t = textOf(ctx)
      ctx.stderr.write(
        `${t.t('keys.created', { kind, id: key.id, label: key.label ? ` (${key.label})` : '' })}\n${t.t(
          kind === 'write' ? 'keys.use.write' : 'keys.use.admin',
        )}\n`,
      )
    } finally {
      await store.close()
    }
  },
})

const listCommand = defineCommand({
  meta: { name: 'list', description: help('help.keys.list') },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const keys = await store.listKeys()
      const t = textOf(ctx)
      if (keys.length === 0) ctx.stderr.write(`${t.t('keys.none')}\n`)
      for (const k of keys) {
        const status =
          k.revokedAt !== null
            ? { status: 'revoked', at: humanTime(ctx, k.revokedAt) }
            : k.lastUsedAt === null
              ? { status: 'never', at: '' }
              : { status: 'used', at: humanTime(ctx, k.lastUsedAt) }
        ctx.stdout.write(
          `${t.t('keys.row', {
            id: k.id,
            kind: k.kind,
            label: k.label ?? '',
            created: humanTime(ctx, k.createdAt),
            status: t.t('keys.status', status),
          })}\n`,
        )
      }
    } finally {
      await store.close()
    }
  },
})

const revokeCommand = defineCommand({
  meta: { name: 'revoke', description: help('help.keys.revoke') },
  args: {
    ...dbArg,
    id: { type: 'positional', description: help('help.keys.id'), required: true },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const key = await store.revokeKey(args.id, systemClock.now())
      ctx.stderr.write(`${textOf(ctx).t('keys.revoked', { kind: key.kind, id: key.id })}\n`)
    } catch (error) {
      if (error instanceof StoreNotFoundError) {
        throw new CliError(
          { key: 'keys.unknown', values: { id: args.id } },
          { hint: { key: 'keys.unknown.hint' } },
        )
      }
      throw error
    } finally {
      await store.close()
    }
  },
})

export const keysCommand = defineCommand({
  meta: { name: 'keys', description: help('help.keys') },
  subCommands: { create: createCommand, list: listCommand, revoke: revokeCommand },
})
