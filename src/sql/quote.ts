/**
 * Quoting of SQL names and texts.
 * @module
 */

/** `"name"` with inner quotes doubled (DuckDB, PostgreSQL). */
export function doubleQuoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `'text'` with inner quotes doubled (DuckDB, PostgreSQL). */
export function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** ClickHouse's `'text'`: backslashes and quotes escaped with a backslash. */
export function clickhouseString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** ClickHouse's `` `name` ``. */
export function backquoted(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``
}

/** A table name, each dot-separated part quoted: `analytics.events`. */
export function tableName(name: string, ident: (part: string) => string): string {
  return name
    .split('.')
    .map((part) => ident(part))
    .join('.')
}
