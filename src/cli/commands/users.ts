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
import { type CliContext, CliError, cliContext } from '../context.js'
import { help } from '../help.js'
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
    const first = await ask('password: ')
    const second = await ask('again: ')
    if (first !== second) throw new CliError('the two passwords differ', { hint: 'run the command again' })
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
    throw new CliError('no password given', {
      hint: 'pipe it with --password-stdin, set LEADSCORE_USER_PASSWORD, or run in a terminal to be asked',
    })
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
      throw new CliError(`--role ${String(args.role)} is not a role`, {
        hint: 'use --role admin or --role sales',
      })
    const secret = await password(ctx, args['password-stdin'] === true)
    const store = await openDatabase(ctx, args.db)
    try {
      const user = await addUser(
        store,
        { email: args.email, name: args.name ?? null, role, password: secret },
        systemClock.now(),
      )
      ctx.stdout.write(`${user.id}\n`)
      ctx.stderr.write(
        `added ${user.role} user ${user.email}: they sign in at the dashboard with this email\n`,
      )
    } catch (error) {
      if (error instanceof UserError)
        throw new CliError(error.message, {
          hint:
            error.code === 'weak_password'
              ? 'choose a longer password'
              : 'list the users with `leadscore users list`',
        })
      if (error instanceof StoreInputError)
        throw new CliError(error.message, { hint: 'give an email like ana@example.com' })
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
      if (users.length === 0)
        ctx.stderr.write('no users yet: leadscore users add EMAIL [--role admin|sales]\n')
      for (const u of users) {
        const seen =
          u.lastSignInAt === null
            ? 'never signed in'
            : `last sign-in ${new Date(u.lastSignInAt).toISOString()}`
        const status = u.disabledAt === null ? seen : `disabled ${new Date(u.disabledAt).toISOString()}`
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
      ctx.stderr.write(`removed ${user.email}; their sessions have ended\n`)
    } catch (error) {
      if (error instanceof StoreNotFoundError)
        throw new CliError(`no user ${args.email}`, { hint: 'list the users with `leadscore users list`' })
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
