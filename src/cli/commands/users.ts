/**
 * `leadscore users add|list|remove`: the people who sign in to the dashboard. `admin` users
 * can do everything; `sales` users read the queue, leads and accounts. The password comes
 * from a hidden prompt, from standard input (`--password-stdin`), or from
 * `LEADSCORE_USER_PASSWORD`; the database keeps only its scrypt hash.
 * @module
 */
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { defineCommand } from 'citty'
import { systemClock } from '../../engine/index.js'
import { addUser, UserError } from '../../server/dashboard/users.js'
import { StoreInputError, StoreNotFoundError, type UserRole } from '../../store/index.js'
import { type CliContext, CliError, cliContext, textOf } from '../context.js'
import { help } from '../help.js'
import { humanTime } from '../time.js'
import { dbArg, openDatabase } from './serve.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** Asks for the password twice without echoing it. */
async function prompt(ctx: CliContext): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) ctx.stderr.write(chunk)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      ctx.stderr.write(question)
      muted = true
      rl.question('', (answer) => {
        muted = false
        ctx.stderr.write('\n')
        resolve(answer)
      })
    })
  try {
    const t = textOf(ctx)
    const first = await ask(`${t.t('users.password')} `)
    const second = await ask(`${t.t('users.again')} `)
    if (first !== second)
      throw new CliError({ key: 'users.passwordsDiffer' }, { hint: { key: 'users.passwordsDiffer.hint' } })
    return first
  } finally {
    rl.close()
  }
}

async function password(ctx: CliContext, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin()
  const env = ctx.env['LEADSCORE_USER_PASSWORD']
  if (env !== undefined && env !== '') return env
  if (!process.stdin.isTTY)
    throw new CliError(
      { key: 'users.noPassword' },
      {
        hint: { key: 'users.noPassword.hint' },
      },
    )
  return prompt(ctx)
}

const addCommand = defineCommand({
  meta: { name: 'add', description: help('help.users.add') },
  args: {
    ...dbArg,
    email: { type: 'positional', description: help('help.users.email'), required: true },
    role: {
      type: 'enum',
      options: ['admin', 'sales'],
      default: 'sales',
      description: help('help.users.role'),
    },
    name: { type: 'string', description: help('help.users.name') },
    'password-stdin': { type: 'boolean', description: help('help.users.passwordStdin') },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const role = args.role as UserRole
    if (role !== 'admin' && role !== 'sales')
      throw new CliError(
        { key: 'users.role', values: { role: String(args.role) } },
        {
          hint: { key: 'users.role.hint' },
        },
      )
    const secret = await password(ctx, args['password-stdin'] === true)
    const store = await openDatabase(ctx, args.db)
    try {
      const user = await addUser(
        store,
        { email: args.email, name: args.name ?? null, role, password: secret },
        systemClock.now(),
      )
      ctx.stdout.write(`${user.id}\n`)
      ctx.stderr.write(`${textOf(ctx).t('users.added', { role: user.role, email: user.email })}\n`)
    } catch (error) {
      if (error instanceof UserError)
        throw new CliError(error.message, {
          hint: { key: error.code === 'weak_password' ? 'users.weakPassword.hint' : 'users.list.hint' },
        })
      if (error instanceof StoreInputError)
        throw new CliError(error.message, { hint: { key: 'users.email.hint' } })
      throw error
    } finally {
      await store.close()
    }
  },
})

const listCommand = defineCommand({
  meta: { name: 'list', description: help('help.users.list') },
  args: { ...dbArg },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const users = await store.listUsers()
      const t = textOf(ctx)
      if (users.length === 0) ctx.stderr.write(`${t.t('users.none')}\n`)
      for (const u of users) {
        const status = t.t(
          'users.status',
          u.disabledAt !== null
            ? { status: 'disabled', at: humanTime(ctx, u.disabledAt) }
            : u.lastSignInAt === null
              ? { status: 'never', at: '' }
              : { status: 'seen', at: humanTime(ctx, u.lastSignInAt) },
        )
        ctx.stdout.write(`${u.id}\t${u.email}\t${u.role}\t${u.name ?? ''}\t${status}\n`)
      }
    } finally {
      await store.close()
    }
  },
})

const removeCommand = defineCommand({
  meta: { name: 'remove', description: help('help.users.remove') },
  args: {
    ...dbArg,
    email: { type: 'positional', description: help('help.users.emailOf'), required: true },
  },
  async run({ args, data }) {
    const ctx = cliContext(data)
    const store = await openDatabase(ctx, args.db)
    try {
      const user = await store.findUserByEmail(args.email).catch(() => undefined)
      if (user === undefined) throw new StoreNotFoundError(args.email)
      await store.deleteUser(user.id)
      ctx.stderr.write(`${textOf(ctx).t('users.removed', { email: user.email })}\n`)
    } catch (error) {
      if (error instanceof StoreNotFoundError)
        throw new CliError(
          { key: 'users.unknown', values: { email: args.email } },
          { hint: { key: 'users.list.hint' } },
        )
      throw error
    } finally {
      await store.close()
    }
  },
})

export const usersCommand = defineCommand({
  meta: { name: 'users', description: help('help.users') },
  subCommands: { add: addCommand, list: listCommand, remove: removeCommand },
})
