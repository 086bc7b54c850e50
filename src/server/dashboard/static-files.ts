/**
 * The built dashboard (`dist/dashboard`, made by `npm run build`), held in memory with a gzip
 * copy of each file. Hashed assets are cached for a year; the page itself is revalidated.
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticFile {
  readonly type: string
  readonly body: Uint8Array
  readonly gzip: Uint8Array | null
  readonly etag: string
}

/**
 * The folder of the built dashboard: `LEADSCORE_DASHBOARD_DIR`, else this package's
 * `dist/dashboard` (found from this file, whether it runs from `src/` or from `dist/`).
 */
export function defaultDashboardDir(): string {
  const configured = process.env['LEADSCORE_DASHBOARD_DIR']
  if (configured) return configured
  let dir = import.meta.dirname
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'dashboard')
    const up = dirname(dir)
    if (up === dir) return join(import.meta.dirname, '..', '..', 'dashboard')
    dir = up
  }
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path, out)
    else out.push(path)
  }
  return out
}

/** Every file of the built dashboard by URL path (`/index.html`, `/assets/...`); empty when not built. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  if (!existsSync(join(dir, 'index.html'))) return files
  for (const path of walk(dir)) {
    const body = readFileSync(path)
    const type = TYPES[extname(path)] ?? 'application/octet-stream'
    const compressible = /text|javascript|json|svg/.test(type) && body.length > 512
    const stat = statSync(path)
    files.set(`/${relative(dir, path).split(sep).join('/')}`, {
      type,
      body,
      gzip: compressible ? gzipSync(body, { level: 9 }) : null,
      etag: `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`,
    })
  }
  return files
}
