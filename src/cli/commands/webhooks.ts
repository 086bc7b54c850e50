/**
 * `leadscore webhooks add|list|remove|pause|resume|rotate-secret|deliveries|redeliver`:
 * webhook endpoints on the database a server uses (it picks changes up within a tick).
 * @module
 */
import { defineCommand } from 'citty'
import { systemClock } from '../../engine/index.js'
import { WebhookService } from '../../engine/webhooks/service.js'
import { type DeliveryStatus, type Store, WEBHOOK_EVENT_TYPES } from '../../store/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { humanFormat } from '../human-format.js'
import { humanTime } from '../time.js'
import { table } from './analyze/output.js'
import { dbArg, openDatabase } from './serve.js'

async function withService<T>(
  ctx: CliContext,
  db: string | undefined,
  fn: (s: WebhookService, store: Store) => Promise<T>,
) {
  const store = await openDatabase(ctx, db)
  try {
    return await fn(new WebhookService(store, systemClock), store)
  } finally {
    await store.close()
  }
}

const iso = (t: number | null) => (t === null ? '-' : new Date(t).toISOString())

const addCommand = defineCommand({
  meta: { name: 'add', description: help('help.webhooks.add') },
  args: {
    ...dbArg,
    url: { type: 'positional', description: help('help.webhooks.url'), required: true },
    on: {
      type: 'string',
      description: help('help.webhooks.on', { types: WEBHOOK_EVENT_TYPES.join(', ') }),
      required: true,
    },
    filter: {
      type: 'string',
      description: help('help.webhooks.filter'),
    },
    model: { type: 'string', description: help('help.webhooks.model') },
    description: { type: 'string', description: help('help.webhooks.label') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const types = args.on
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
    await withService(ctx, args.db, async (hooks) => {
      const { endpoint, secret } = await hooks.create({
        url: args.url,
        types,
        filter: args.filter,
        model: args.model,
        description: args.description,
      })
      ctx.stdout.write(`${secret}\n`)
      const t = textOf(ctx)
      ctx.stderr.write(
        `${t.t('webhooks.created', { id: endpoint.id, url: endpoint.url, types: endpoint.types.join(', ') })}\n${t.t('webhooks.secretOnce')}\n`,
      )
    })
  },
})

const listCommand = defineCommand({
  meta: { name: 'list', description: help('help.webhooks.list') },
  args: { ...dbArg, json: { type: 'boolean', description: help('help.json') } },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withService(ctx, args.db, async (hooks, store) => {
      const list = await hooks.list()
      if (args.json) {
        ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
        return
      }
      const { t, count } = humanFormat(ctx)
      if (list.length === 0) {
        ctx.stderr.write(`${t.t('webhooks.none')}\n`)
        return
      }
      const waiting = (n: number) => (n >= 1000 ? `${count(1000)}+` : count(n))
      const rows: string[][] = []
      for (const e of list) {
        const pending = await store.listDeliveries({ endpointId: e.id, status: 'pending', limit: 1000 })
        const dead = await store.listDeliveries({ endpointId: e.id, status: 'dead', limit: 1000 })
        rows.push([
          e.id,
          t.t('webhooks.state', { status: e.status }),
          e.url,
          e.types.join(','),
          e.filter === null ? '' : JSON.stringify(e.filter),
          t.t('webhooks.queue', { pending: waiting(pending.length), dead: waiting(dead.length) }),
        ])
      }
      ctx.stdout.write(
        table(
          ['id', t.t('col.status'), 'URL', t.t('col.events'), t.t('col.filter'), t.t('col.deliveries')],
          rows,
          ['left', 'left', 'left', 'left', 'left', 'left'],
        ),
      )
    })
  },
})

const idArg = {
  id: { type: 'positional', description: help('help.webhooks.id'), required: true },
} as const

const removeCommand = defineCommand({
  meta: { name: 'remove', description: help('help.webhooks.remove') },
  args: { ...dbArg, ...idArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withService(ctx, args.db, (hooks) => hooks.remove(args.id))
    ctx.stderr.write(`${textOf(ctx).t('webhooks.removed', { id: args.id })}\n`)
  },
})

function statusCommand(name: 'pause' | 'resume') {
  return defineCommand({
    meta: {
      name,
      description: name === 'pause' ? help('help.webhooks.pause') : help('help.webhooks.resume'),
    },
    args: { ...dbArg, ...idArg },
    async run({ args, data }) {
      const ctx = cliContext(data)
      const e = await withService(ctx, args.db, (hooks) =>
        hooks.update(args.id, { status: name === 'pause' ? 'paused' : 'active' }),
      )
      ctx.stderr.write(`${textOf(ctx).t('webhooks.status', { id: e.id, status: e.status })}\n`)
    },
  })
}

const rotateCommand = defineCommand({
  meta: {
    name: 'rotate-secret',
    description: help('help.webhooks.rotate'),
  },
  args: {
    ...dbArg,
    ...idArg,
    'grace-hours': {
      type: 'string',
      description: help('help.webhooks.grace'),
    },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const grace = args['grace-hours'] === undefined ? 24 : Number(args['grace-hours'])
    if (!Number.isFinite(grace))
      throw new CliError({ key: 'webhooks.grace', values: { value: String(args['grace-hours']) } })
    const { endpoint, secret } = await withService(ctx, args.db, (hooks) =>
      hooks.rotateSecret(args.id, grace),
    )
    ctx.stdout.write(`${secret}\n`)
    ctx.stderr.write(
      `${textOf(ctx).t('webhooks.rotated', { id: endpoint.id, until: iso(endpoint.previousSecretValidUntil) })}\n`,
    )
  },
})

const deliveriesCommand = defineCommand({
  meta: { name: 'deliveries', description: help('help.webhooks.deliveries') },
  args: {
    ...dbArg,
    ...idArg,
    status: { type: 'string', description: help('help.webhooks.status') },
    limit: { type: 'string', description: help('help.webhooks.limit') },
    json: { type: 'boolean', description: help('help.json') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const status = args.status as DeliveryStatus | undefined
    if (status !== undefined && !['pending', 'delivered', 'dead'].includes(status))
      throw new CliError(
        { key: 'webhooks.badStatus', values: { status: String(status) } },
        { hint: { key: 'help.webhooks.status' } },
      )
    const limit = args.limit === undefined ? 50 : Number(args.limit)
    const page = await withService(ctx, args.db, (hooks) => hooks.deliveries(args.id, { status, limit }))
    if (args.json) {
      ctx.stdout.write(`${JSON.stringify(page, null, 2)}\n`)
      return
    }
    const { t, count } = humanFormat(ctx)
    if (page.deliveries.length === 0) {
      ctx.stderr.write(`${t.t('webhooks.noDeliveries')}\n`)
      return
    }
    ctx.stdout.write(
      table(
        [
          'id',
          t.t('col.event'),
          t.t('col.orderKey'),
          t.t('col.status'),
          t.t('col.attempts'),
          'HTTP',
          t.t('col.latency'),
          t.t('col.created'),
          t.t('col.lastError'),
        ],
        page.deliveries.map((d) => [
          d.id,
          d.type,
          d.orderKey,
          t.t('webhooks.delivery', { status: d.status }),
          count(d.attempts),
          d.lastStatus === null ? '-' : String(d.lastStatus),
          d.lastLatencyMs === null ? '-' : t.t('milliseconds', { ms: count(d.lastLatencyMs) }),
          humanTime(ctx, d.createdAt),
          d.lastError ?? '',
        ]),
        ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
      ),
    )
  },
})

const redeliverCommand = defineCommand({
  meta: {
    name: 'redeliver',
    description: help('help.webhooks.retry'),
  },
  args: {
    ...dbArg,
    delivery: { type: 'positional', description: help('help.webhooks.deliveryId'), required: true },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const d = await withService(ctx, args.db, (hooks) => hooks.redeliver(args.delivery))
    ctx.stderr.write(`${textOf(ctx).t('webhooks.requeued', { id: d.id })}\n`)
  },
})

export const webhooksCommand = defineCommand({
  meta: {
    name: 'webhooks',
    description: help('help.webhooks'),
  },
  subCommands: {
    add: addCommand,
    list: listCommand,
    remove: removeCommand,
    pause: statusCommand('pause'),
    resume: statusCommand('resume'),
    'rotate-secret': rotateCommand,
    deliveries: deliveriesCommand,
    redeliver: redeliverCommand,
  },
})
