/**
 * Adding dashboard users, shared by the settings API and `leadscore users add`: the
 * password is checked and hashed here, ids are random.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { StoreConstraintError } from '../../store/errors.js'
import type { Store, UserRecord, UserRole } from '../../store/index.js'
import type { Said } from './messages.js'
import { hashPassword, MIN_LENGTH, passwordProblem, passwordRule } from './password.js'

/** A user that cannot be added or changed as asked: `code` says why. */
export class UserError extends Error {
  override readonly name = 'UserError'
  readonly code: 'weak_password' | 'email_taken'
  /** The message in the dashboard catalog, to say it in the request's language. */
  readonly said: Said
  constructor(code: UserError['code'], message: string, said: Said) {
    super(message)
    this.code = code
    this.said = said
  }
}

/** The hash of a new password, after checking it is long enough. */
export async function newPasswordHash(password: string): Promise<string> {
  const problem = passwordProblem(password)
  if (problem !== undefined)
    throw new UserError(
      'weak_password',
      problem,
      passwordRule(password) === 'short'
        ? { key: 'server.passwordShort', values: { min: MIN_LENGTH } }
        : { key: 'server.passwordLong', values: { max: 1024 } },
    )
  return hashPassword(password)
}

export interface NewUser {
  readonly email: string
  readonly name?: string | null | undefined
  readonly role: UserRole
  readonly password: string
}

/** Creates a dashboard user. */
export async function addUser(store: Store, input: NewUser, at: number): Promise<UserRecord> {
  const passwordHash = await newPasswordHash(input.password)
  try {
    return await store.createUser({
      id: `usr_${randomBytes(6).toString('hex')}`,
      email: input.email,
      name: input.name ?? null,
      role: input.role,
      passwordHash,
      createdAt: at,
    })
  } catch (error) {
    if (error instanceof StoreConstraintError && error.constraint === 'unique') {
      const email = input.email.trim().toLowerCase()
      throw new UserError('email_taken', `a user with the email ${email} exists`, {
        key: 'server.emailTaken',
        values: { email },
      })
    }
    throw error
  }
}
