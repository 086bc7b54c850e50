/**
 * The language of an API answer: `?lang=` when given, else the signed-in dashboard user's
 * setting, else `Accept-Language` (q-values honoured), else English. Error messages, model
 * issues and model labels follow it; codes and ids never change with it.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { type Locale, localeFromAcceptLanguage, localeOf } from '../i18n/index.js'
import type { AppEnv } from './auth.js'

/** The locale the request asks for (see the module comment for the order). */
export function requestLocale(c: Context<AppEnv>): Locale {
  const asked = localeOf(c.req.query('lang'))
  if (asked) return asked
  const user = localeOf(c.get('userLocale') ?? userSetting(c))
  if (user) return user
  return localeFromAcceptLanguage(c.req.header('accept-language'))
}

/**
 * Records the signed-in user's language (from the dashboard session), so that it wins over
 * `Accept-Language` for the rest of the request; `?lang=` still wins over it.
 */
export function setUserLocale(c: Context<AppEnv>, locale: string | null | undefined): void {
  c.set('userLocale', locale ?? null)
  c.set('locale', requestLocale(c))
}

/** A `user` variable with a `locale`, when some middleware set one (read defensively). */
function userSetting(c: Context<AppEnv>): string | undefined {
  const user: unknown = (c.var as Readonly<Record<string, unknown>>)['user']
  if (user === null || typeof user !== 'object') return undefined
  const locale = (user as Readonly<Record<string, unknown>>)['locale']
  return typeof locale === 'string' ? locale : undefined
}

/** Sets `c.get('locale')` for the handlers, and `Content-Language` on the answer. */
export function useLocale(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('locale', requestLocale(c))
    await next()
    // the session middleware may have named the user's language since
    const locale = requestLocale(c)
    c.set('locale', locale)
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) {
      c.header('Content-Language', locale)
      c.header('Vary', 'Accept-Language', { append: true })
    }
  }
}
