/**
 * Human-readable API documentation (`GET /docs`): the OpenAPI document rendered as one HTML
 * page, grouped by topic, with each operation's parameters and request body schema.
 * @module
 */

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

interface Operation {
  tags?: string[]
  summary?: string
  description?: string
  security?: unknown[]
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[]
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses?: Record<string, { description: string }>
}

function typeOf(schema: unknown): string {
  if (schema === null || typeof schema !== 'object') return ''
  const s = schema as Record<string, unknown>
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map(String).join(' | ')
  const type = s['type']
  const fallback = s['default'] === undefined ? '' : ` (default ${JSON.stringify(s['default'])})`
  return `${typeof type === 'string' ? type : 'any'}${fallback}`
}

/** The documentation page for an OpenAPI document. */
export function docsPage(doc: Record<string, unknown>): string {
  const info = doc['info'] as { title: string; version: string; description: string }
  const paths = doc['paths'] as Record<string, Record<string, Operation>>
  const byTag = new Map<string, string[]>()
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other'
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}${p.required ? ', required' : ''}</td><td>${escapeHtml(typeOf(p.schema))}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`,
        )
        .join('')
      const body = op.requestBody?.content['application/json']?.schema
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description)}</li>`)
        .join('')
      const auth = op.security && op.security.length > 0 ? 'API key' : 'no key'
      const html = `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(op.summary ?? '')} <span class="auth">${auth}</span></p>
  ${op.description ? `<p class="desc">${escapeHtml(op.description)}</p>` : ''}
  ${params ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>What</th></tr>${params}</table>` : ''}
  ${body ? `<details><summary>Request body (JSON Schema)</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''}
  <ul class="responses">${responses}</ul>
</section>`
      const list = byTag.get(tag) ?? []
      list.push(html)
      byTag.set(tag, list)
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('\n')}`)
    .join('\n')
  const toc = [...byTag.keys()].map((t) => `<a href="#${escapeHtml(t)}">${escapeHtml(t)}</a>`).join(' · ')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto;border-radius:6px}
.op{border-top:1px solid #e3e5e8;padding:.5rem 0}.method{display:inline-block;min-width:3.5rem;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:1px 6px}
.get{background:#2f7d4f}.post{background:#2d5fa8}.auth{color:#6b7280;font-size:13px;margin-left:.5rem}.desc{color:#374151}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #e3e5e8;padding:3px 8px;text-align:left;vertical-align:top}
</style></head><body>
<h1>${escapeHtml(info.title)} API <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Keys: send them as <code>Authorization: Bearer &lt;key&gt;</code> or as the Basic auth user. Create them with <code>leadscore keys create --kind write|admin</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<p>${toc}</p>
${sections}
</body></html>`
}
