/**
 * Password hashing with scrypt (node:crypto): a random 16-byte salt per password, the
 * parameters stored with the hash (`scrypt$N$r$p$salt$hash`, base64url), compared in
 * constant time. The cost can rise later: old hashes keep their own parameters.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const N = 16_384
const R = 8
const P = 1
const KEY_BYTES = 32
/** The fewest characters a password may have. */
export const MIN_LENGTH = 10

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/** Why a new password is refused (too short, too long), or undefined when it is acceptable. */
export function passwordRule(password: string): 'short' | 'long' | undefined {
  if ([...password].length < MIN_LENGTH) return 'short'
  if (password.length > 1024) return 'long'
  return undefined
}

/** What is wrong with a new password, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const rule = passwordRule(password)
  if (rule === 'short') return `a password needs at least ${MIN_LENGTH} characters`
  if (rule === 'long') return 'a password has at most 1,024 characters'
  return undefined
}

/** The encoded scrypt hash of a password, with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Whether `password` is the one `encoded` was made from (false for a malformed hash). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = encoded.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const params = [Number(n), Number(r), Number(p)] as const
  if (!params.every((x) => Number.isSafeInteger(x) && x > 0) || params[0] > 1 << 20) return false
  const expected = Buffer.from(hash, 'base64url')
  if (expected.length !== KEY_BYTES) return false
  const actual = await derive(password, Buffer.from(salt, 'base64url'), ...params)
  return timingSafeEqual(actual, expected)
}
