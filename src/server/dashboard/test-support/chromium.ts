/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser): where it
 * is, and the flags that work as root on this project's machines.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

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
