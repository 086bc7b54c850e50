import { describe, expect, it } from 'vitest'
import { sayApi } from '../../i18n/api.js'
import { connectionError, describeTarget } from './connection-error.js'

const URL = 'postgres://sales:secret@db.example.com:6543/leads'

describe('connectionError', () => {
  it('names the server, database and user, never the password, and says what to check', () => {
    expect(describeTarget(URL)).toEqual({ server: 'db.example.com:6543', database: 'leads', user: 'sales' })
    const error = connectionError(
      URL,
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    )
    expect(error.message).toBe(
      'cannot connect to PostgreSQL at db.example.com:6543, database leads, user sales: the connection was refused: is the server running and listening on that host and port? (connect ECONNREFUSED). The URL comes from --db or LEADSCORE_DB',
    )
    expect(error.message).not.toContain('secret')
  })

  it('says each failure in Spanish and Dutch, and an unknown one with its own words', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      '28P01',
      '28000',
      '3D000',
      '42501',
      '57P03',
    ]) {
      const error = connectionError(URL, Object.assign(new Error('x'), { code }))
      const english = sayApi(error.text!, 'en')
      expect(english).toBe(error.message)
      for (const locale of ['es', 'nl'] as const) {
        const said = sayApi(error.text!, locale)
        expect(said).not.toBe(english)
        expect(said).toContain('db.example.com:6543')
        // the English reason is not left in
        expect(said).not.toContain(english.split(': ')[1]!)
      }
    }
    const other = connectionError(URL, new Error('something odd'))
    expect(sayApi(other.text!, 'es')).toBe(
      'no se puede conectar con PostgreSQL en db.example.com:6543, base de datos leads, usuario sales: something odd. La URL viene de --db o LEADSCORE_DB',
    )
  })
})
