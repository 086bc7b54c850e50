/**
 * What `leadscore serve` prints when it is ready, in the user's language, and how programs
 * (tests, benchmarks, supervisors) find the address in it whatever the language: the first
 * line starts with `Leadscore <version>` and ends with the URL in every catalog.
 * @module
 */
import type { CliKey } from '../i18n/cli.js'
import type { Translator } from '../i18n/translator.js'

/** The line of the banner with the address, in any language. */
const RUNNING_AT = /^Leadscore \S+ .*?(https?:\/\/[^\s/]+)$/m

/** The address the server listens on, from its stderr so far; undefined until it says it. */
export function servingUrl(log: string): string | undefined {
  return RUNNING_AT.exec(log)?.[1]
}

/** The keys and demo of a first start, shown once. */
export interface FirstStart {
  readonly adminKey: string
  readonly writeKey: string
  readonly demo?: { readonly contacts: number; readonly accounts: number; readonly events: number }
}

export interface Banner {
  readonly version: string
  readonly url: string
  /** The database, safe to print (no password). */
  readonly database: string
  readonly dialect: string
  /** Set on the first start: the keys created then, and the demo workspace. */
  readonly firstStart?: FirstStart
}

/** The banner's lines (the first one empty, to set it apart from the log). */
export function bannerLines(t: Translator<CliKey>, banner: Banner): string[] {
  const { url, firstStart } = banner
  const lines = [
    '',
    t.t('serve.running', { version: banner.version, url }),
    t.t('serve.database', { location: banner.database, dialect: banner.dialect }),
  ]
  if (firstStart === undefined) lines.push(t.t('serve.keys.existing'))
  else {
    const { adminKey: admin, writeKey: write, demo } = firstStart
    if (demo) lines.push(t.t('serve.demo', { ...demo }))
    lines.push(
      '',
      t.t('serve.keys.once'),
      t.t('serve.key.admin', { key: admin }),
      t.t('serve.key.write', { key: write }),
      '',
      t.t('serve.open', { url: `${url}/#key=${admin}` }),
      t.t('serve.send'),
      `    curl -u '${write}:' ${url}/v1/track -d '{"userId":"jane@example.com","event":"Demo Requested","properties":{"form_id":"demo"}}'`,
      t.t('serve.readBack', {
        command: `curl -H 'Authorization: Bearer ${admin}' ${url}/api/contacts/jane@example.com`,
      }),
      t.t('serve.sdk'),
    )
  }
  lines.push(t.t('serve.docs', { url: `${url}/docs` }), t.t('serve.stop'), '')
  return lines
}
