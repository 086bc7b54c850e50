/**
 * `leadscore assignment set|show|clear`: the owner assignment rule. New MQLs without an
 * owner get the next owner of the list, round robin, skipping owners at their weekly
 * capacity; each assignment is recorded as an `owner` transition (webhook `owner.assigned`).
 * @module
 */
import { defineCommand } from 'citty'
import {
  assignmentCounts,
  parseAssignmentRule,
  readAssignmentRule,
  weekStart,
  writeAssignmentRule,
} from '../../engine/assignment.js'
import { systemClock } from '../../engine/index.js'
import type { Store } from '../../store/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { dbArg, openDatabase } from './serve.js'

async function withStore<T>(ctx: CliContext, db: string | undefined, fn: (store: Store) => Promise<T>) {
  const store = await openDatabase(ctx, db)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

async function show(ctx: CliContext, store: Store): Promise<void> {
  const now = systemClock.now()
  const rule = await readAssignmentRule(store)
  if (rule === null) {
    ctx.stdout.write(`${textOf(ctx).t('assignment.none')}\n`)
    return
  }
  const counts = await assignmentCounts(store, now)
  const t = textOf(ctx)
  ctx.stdout.write(
    `${t.t('assignment.rule', {
      enabled: rule.enabled ? 'yes' : 'no',
      owners: rule.owners.length,
      capacity: rule.weeklyCapacity ?? 'none',
    })}\n`,
  )
  const start = weekStart(now)
  const day =
    t.locale === 'en'
      ? new Date(start).toISOString().slice(0, 10)
      : t.date(start, { dateStyle: 'medium', timeZone: 'UTC' })
  ctx.stdout.write(`${t.t('assignment.week', { start: day })}\n`)
  for (const owner of rule.owners) ctx.stdout.write(`  ${owner}\t${counts[owner] ?? 0}\n`)
}

const setCommand = defineCommand({
  meta: { name: 'set', description: help('help.assignment.set') },
  args: {
    ...dbArg,
    owners: {
      type: 'string',
      description: help('help.assignment.owners'),
      required: true,
    },
    'weekly-capacity': {
      type: 'string',
      description: help('help.assignment.capacity'),
    },
    disabled: { type: 'boolean', description: help('help.assignment.paused') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const capacity = args['weekly-capacity']
    if (capacity !== undefined && !/^\d+$/.test(capacity))
      throw new CliError(
        { key: 'assignment.capacity', values: { value: capacity } },
        { hint: { key: 'assignment.capacity.hint' } },
      )
    const rule = parseAssignmentRule({
      owners: args.owners
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      weeklyCapacity: capacity === undefined ? null : Number(capacity),
      enabled: args.disabled !== true,
    })
    await withStore(ctx, args.db, async (store) => {
      await store.transaction((tx) => writeAssignmentRule(tx, rule, systemClock.now()))
      await show(ctx, store)
    })
  },
})

const showCommand = defineCommand({
  meta: { name: 'show', description: help('help.assignment.show') },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, (store) => show(ctx, store))
  },
})

const clearCommand = defineCommand({
  meta: { name: 'clear', description: help('help.assignment.clear') },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    await withStore(ctx, args.db, (store) =>
      store.transaction((tx) => writeAssignmentRule(tx, null, systemClock.now())),
    )
    ctx.stderr.write(`${textOf(ctx).t('assignment.removed')}\n`)
  },
})

export const assignmentCommand = defineCommand({
  meta: {
    name: 'assignment',
    description: help('help.assignment'),
  },
  subCommands: { set: setCommand, show: showCommand, clear: clearCommand },
})
