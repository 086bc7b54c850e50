/**
 * Reading request bodies: the raw bytes up to a limit, gunzipped when `Content-Encoding:
 * gzip`, then parsed as JSON whatever the Content-Type says (RudderStack sends gzipped JSON
 * as `application/x-www-form-urlencoded`, analytics.js sends `text/plain`).
 * @module
 */
import { gunzip } from 'node:zlib'
import type { z } from 'zod'
import { sayApi } from '../i18n/api.js'
import { HttpError } from './http-error.js'

/** Reads the body, at most `limit` bytes (after decompression). */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(
      413,
      'too_large',
      { key: 'body.tooLarge', values: { kb: Math.round(limit / 1024) } },
      { hint: { key: 'body.tooLarge.hint' } },
    )
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) {
        await reader.cancel().catch(() => {})
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  const raw = Buffer.concat(chunks, size)
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return raw
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(
      415,
      'unsupported_encoding',
      { key: 'body.encoding', values: { encoding } },
      { hint: { key: 'body.encoding.hint' } },
    )
  }
  return new Promise<Buffer>((resolve, reject) => {
    gunzip(raw, { maxOutputLength: limit }, (error, out) => {
      if (!error) resolve(out)
      else if (
        (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ||
        error instanceof RangeError
      )
        reject(tooLarge())
      else {
        // zlib's English words for English readers; for the others, whether the data stops early
        const cut = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR'
        reject(
          new HttpError(
            400,
            'bad_gzip',
            { key: 'body.gzip', values: { detail: error.message } },
            {
              hint: { key: 'body.gzip.hint' },
              say: (locale) => ({
                message: sayApi(
                  { key: 'body.gzip.said', values: { problem: cut ? 'end' : 'other' } },
                  locale,
                ),
                hint: sayApi({ key: 'body.gzip.hint' }, locale),
              }),
            },
          ),
        )
      }
    })
  })
}

/** Parses JSON text; a 400 that says where it broke when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') {
    throw new HttpError(400, 'empty_body', { key: 'body.empty' }, { hint: { key: 'body.empty.hint' } })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep()
    // the JSON parser's English words for English readers; for the others, where it broke
    const where = jsonErrorAt(text, (error as Error).message)
    throw new HttpError(
      400,
      'bad_json',
      { key: 'body.json', values: { detail: (error as Error).message } },
      {
        hint: { key: 'body.json.hint' },
        say: (locale) => ({
          message: sayApi({ key: 'body.json.said', values: where }, locale),
          hint: sayApi({ key: 'body.json.hint' }, locale),
        }),
      },
    )
  }
  if (depthOver(value, MAX_JSON_DEPTH)) throw tooDeep()
  return value
}

/** Where JSON.parse stopped: a line and column, the end of the text, or unknown (`at`). */
function jsonErrorAt(text: string, message: string): { at: string; line: string; column: string } {
  if (/end of JSON input/i.test(message)) return { at: 'end', line: '', column: '' }
  const position = /at position (\d+)/.exec(message)?.[1]
  if (position === undefined) return { at: 'none', line: '', column: '' }
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  const column = Number(position) - before.lastIndexOf('\n')
  return { at: 'position', line: String(line), column: String(column) }
}

/** How deeply a body's objects and lists may nest (property bags are flat in practice). */
export const MAX_JSON_DEPTH = 64

function tooDeep(): HttpError {
  return new HttpError(
    400,
    'too_deep',
    { key: 'body.tooDeep', values: { depth: MAX_JSON_DEPTH } },
    { hint: { key: 'body.tooDeep.hint' } },
  )
}

/** True when `value` nests deeper than `max` (iteratively: no recursion on hostile input). */
function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth >= max) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}

/** Reads, parses and validates a JSON body with `schema`. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  limit: number,
): Promise<z.output<S>> {
  return schema.parse(parseJson(await readBody(request, limit)))
}

/** The query string as an object (repeated parameters joined with commas), for a zod schema. */
export function queryObject(url: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of new URL(url).searchParams) out[key] = key in out ? `${out[key]},${value}` : value
  return out
}

/** Splits a comma-separated filter value; undefined when absent or empty. */
export function values(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const list = text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
  return list.length === 0 ? undefined : list
}
