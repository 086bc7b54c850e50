/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser): where it
 * is, and the flags that work as root on this project's machines.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { beforeAll, describe, it } from 'vitest'

/** `LEADSCORE_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env['LEADSCORE_CHROMIUM'] ?? '/usr/bin/chromium'
}

export function chromiumInstalled(): boolean {
  return existsSync(chromiumPath())
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

const ci = ['true', '1'].includes((process.env['CI'] ?? '').toLowerCase())

/**
 * A suite that needs Chromium: skipped with a message where there is none, except with
 * CI=true, where it fails (browser tests are mandatory in CI).
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (!chromiumInstalled() && !ci) {
    describe.skip(`${name}: no Chromium at ${chromiumPath()} (apt-get install chromium, or set LEADSCORE_CHROMIUM)`, () => {
      it('skipped', () => undefined)
    })
    return
  }
  describe(name, () => {
    beforeAll(() => {
      if (!chromiumInstalled())
        throw new Error(
          `CI=true and no Chromium at ${chromiumPath()}: install Debian's chromium (see .ci/run)`,
        )
    })
    body()
  })
}
