/** The JSON API as the dashboard calls it: the session cookie, the CSRF token, errors as values. */

let csrfToken = ''
let acceptLanguage = 'en'

/** The language the server answers in (its messages, its labels): the page's. */
export function setApiLocale(locale: string): void {
  acceptLanguage = locale
}

export function setCsrf(token: string): void {
  csrfToken = token
}

/** An error answer of the API: `{ error: { code, message, hint, issues? } }`. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly hint: string | undefined
  readonly details: Record<string, unknown>
  constructor(
    status: number,
    body: { code?: string; message?: string; hint?: string } & Record<string, unknown>,
  ) {
    super(body.message ?? '')
    this.status = status
    this.code = body.code ?? 'error'
    this.hint = body.hint
    this.details = body
  }
}

/** Called when the session has ended, to show the sign-in page. */
let onSignedOut: () => void = () => undefined
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': acceptLanguage }
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  if (res.status === 204) return undefined as T
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok) {
    const error = new ApiError(res.status, (body['error'] ?? {}) as Record<string, unknown>)
    if (res.status === 401 && !path.startsWith('/auth/')) onSignedOut()
    throw error
  }
  return body as T
}

/** `?a=1&b=2` from an object (empty values left out). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}
