/**
 * Where the cursor is in a YAML document, as a path of keys and list items (`[]`), read
 * from the indentation of the lines above (good enough for completion while typing, when
 * the document often does not parse).
 */

const KEY = /^(\s*)(-\s+)?([^\s#'"{[\]:-][^#:]*?|'[^']*'|"[^"]*")\s*:(\s|$)/
const DASH = /^(\s*)-(\s+|$)/

/** The path of the mapping the cursor line belongs to: keys, and `[]` for list items. */
export function yamlPathAt(lines: readonly string[], lineIndex: number, beforeCursor: string): string[] {
  const path: string[] = []
  const dash = DASH.exec(beforeCursor)
  let indent: number
  if (dash) {
    path.unshift('[]')
    indent = dash[1]!.length
  } else indent = /^\s*/.exec(beforeCursor)![0].length
  for (let i = lineIndex - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i]!
    if (/^\s*(#.*)?$/.test(line)) continue
    const lead = /^\s*/.exec(line)![0].length
    const key = KEY.exec(line)
    const itemDash = DASH.exec(line)
    const keyCol = key ? key[1]!.length + (key[2]?.length ?? 0) : Number.POSITIVE_INFINITY
    if (key && keyCol < indent) {
      path.unshift(key[3]!.replace(/^['"]|['"]$/g, ''))
      indent = keyCol
    }
    if (itemDash && lead < indent) {
      path.unshift('[]')
      indent = lead
    }
  }
  return path
}
