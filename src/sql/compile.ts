/**
 * `compileToSql`: a model as one SQL query that scores every contact where the events are,
 * with the engine's results (docs/model-format.md, "Precise semantics"). Pure: model and
 * options in, SQL text out. The query reads three relations (contacts, events, accounts)
 * and returns the columns of `leadscore score`'s output.
 *
 * Shape of the query (each step a named subquery, or nested where the dialect has no
 * `WITH`): events as of T with their time in epoch ms -> each rule's `when` per event (and
 * the `first` group assignment, history and activity tests) -> one aggregate per contact
 * (plus one per `distinct` / `perDays` rule: the earliest event per value or bucket) ->
 * contacts joined with their account and aggregates -> rule values, caps, groups, parts,
 * total -> grade, level, label, band, stage, journey, segments in that order -> accounts.
 * @module
 */

import {
  type CompiledDecay,
  type CompiledEngagementRule,
  type CompiledModel,
  compileModel,
} from '../core/compile.js'
import { eventNames } from '../core/conditions.js'
import { DAY_MS } from '../core/input.js'
import type { Condition, CountCondition, FitGroup, HistoryTest, ModelDocument } from '../core/model/types.js'
import { clickhouse } from './clickhouse.js'
import type { DialectName, SqlDialect } from './dialect.js'
import { duckdb } from './duckdb.js'
import { numberSql } from './literal.js'
import { postgres } from './postgres.js'
import { tableName } from './quote.js'
import { SqlUnsupportedError } from './unsupported-error.js'
import {
  type ConditionScope,
  ConditionWriter,
  MISSING,
  type SqlColumnType,
  type SqlValue,
  type UnsupportedConstruct,
} from './values.js'

const DIALECT_OF: Record<DialectName, SqlDialect> = { duckdb, postgres, clickhouse }

/** The columns of each input relation, with their types (`text` when not listed). */
export interface SqlSchema {
  readonly contacts?: Readonly<Record<string, SqlColumnType>>
  readonly events?: Readonly<Record<string, SqlColumnType>>
  readonly accounts?: Readonly<Record<string, SqlColumnType>>
}

export interface CompileSqlOptions {
  readonly dialect: DialectName
  /** Relation names (tables or views; `schema.table` allowed). Without `events`, contacts have no events. */
  readonly tables: {
    readonly contacts: string
    readonly events?: string | undefined
    readonly accounts?: string | undefined
  }
  readonly columns?:
    | {
        /** The contacts id column (default `contact_id`). */
        readonly id?: string | undefined
        /** The events' contact id column (default `contact_id`). */
        readonly contactId?: string | undefined
        /** The events' name column (default `event`). */
        readonly event?: string | undefined
        /** The events' time column (default `timestamp`): a timestamp, ISO-8601 text or epoch ms. */
        readonly time?: string | undefined
        /** The accounts id column (default `account_id`). */
        readonly accountId?: string | undefined
        /** A contacts column to order the output by (e.g. the row number); default: no order. */
        readonly order?: string | undefined
      }
    | undefined
  /**
   * The columns each relation has, with types. When a relation is described, a field it
   * does not have is missing (as an absent property); otherwise every field the model reads
   * is taken to be a text column of that name.
   */
  readonly schema?: SqlSchema | undefined
  /** The as-of time T, epoch milliseconds. */
  readonly asOf: number
}

export interface CompiledSql {
  readonly sql: string
  readonly dialect: DialectName
  /** The output columns, in order: those of `leadscore score`. */
  readonly columns: readonly string[]
}

/** The columns of `leadscore score`'s output (src/cli/commands/score.ts). */
export const SCORE_OUTPUT_COLUMNS = [
  'contact_id',
  'fit',
  'engagement',
  'total',
  'grade',
  'level',
  'label',
  'band',
  'stage',
  'journey',
  'segments',
] as const
export const ACCOUNT_OUTPUT_COLUMNS = [
  'account_id',
  'account_engagement',
  'account_total',
  'account_band',
] as const

/**
 * Compiles `model` (a validated document or a compiled model) to one SQL query for
 * `options.dialect`. Throws {@link SqlUnsupportedError} listing every construct the dialect
 * cannot express, with its path in the model.
 *
 * @example
 * const { sql } = compileToSql(model, { dialect: 'duckdb', tables: { contacts: 'contacts', events: 'events' }, asOf: Date.parse('2026-11-01') })
 */
export function compileToSql(model: ModelDocument | CompiledModel, options: CompileSqlOptions): CompiledSql {
  const compiled = 'document' in model ? model : compileModel(model)
  const writer = new QueryWriter(compiled, options)
  const sql = writer.query()
  if (writer.conditions.unsupported.length > 0) {
    throw new SqlUnsupportedError(options.dialect, writer.conditions.unsupported)
  }
  return {
    sql,
    dialect: options.dialect,
    columns: [...SCORE_OUTPUT_COLUMNS, ...(compiled.accounts ? ACCOUNT_OUTPUT_COLUMNS : [])],
  }
}

/** The constructs of `model` that `dialect` cannot express (empty when it compiles). */
export function unsupportedConstructs(
  model: ModelDocument | CompiledModel,
  options: CompileSqlOptions,
): readonly UnsupportedConstruct[] {
  try {
    compileToSql(model, options)
    return []
  } catch (error) {
    if (error instanceof SqlUnsupportedError) return error.constructs
    throw error
  }
}

/** A relation of the query: a name and its SELECT. */
interface Relation {
  readonly name: string
  readonly sql: string
}

/** A per-rule plan: where the rule's value comes from. */
type RuleSource =
  | { readonly kind: 'sum'; readonly column: string }
  | { readonly kind: 'count'; readonly n: string; readonly newest: string }
  | { readonly kind: 'first'; readonly ts: string }

class QueryWriter {
  readonly d: SqlDialect
  readonly conditions: ConditionWriter
  readonly #relations: Relation[] = []
  readonly #contactColumns = new Map<string, string>()
  readonly #accountColumns = new Map<string, string>()
  readonly #eventColumns = new Map<string, string>()
  /** The event names the rules test, each mapped to a number once per event (`__k`). */
  readonly #eventCodes = new Map<string, number>()
  /**
   * Per event property, the codes of the event names its readers select (null: some reader
   * reads it on any event): its trimmed text is computed only for those events.
   */
  readonly #eventReaders = new Map<string, Set<number> | null>()
  /** The codes of the names the rule being written selects (null: any event). */
  #reader: ReadonlySet<number> | null = null
  readonly #asOf: string

  readonly model: CompiledModel
  readonly options: CompileSqlOptions

  constructor(model: CompiledModel, options: CompileSqlOptions) {
    this.model = model
    this.options = options
    this.d = DIALECT_OF[options.dialect]
    this.conditions = new ConditionWriter(this.d, model.document.caseSensitive ?? false)
    if (!Number.isFinite(options.asOf))
      throw new RangeError('compileToSql: asOf must be a finite epoch ms time')
    this.#asOf = this.num(options.asOf)
  }

  num(n: number): string {
    return numberSql(this.d, n)
  }

  double(x: string): string {
    return this.d.name === 'clickhouse' ? `toFloat64(${x})` : `CAST(${x} AS DOUBLE PRECISION)`
  }

  id(name: string): string {
    return this.d.ident(name)
  }

  /** Registers a relation; returns how later relations refer to it. */
  relation(name: string, sql: string): string {
    if (this.d.ctes) {
      this.#relations.push({ name, sql })
      return this.id(name)
    }
    return `(${sql})`
  }

  /** `SELECT *, <columns> FROM <from>` as a new relation. */
  layer(name: string, from: string, columns: readonly (readonly [string, string])[]): string {
    if (columns.length === 0) return from
    const list = columns.map(([alias, expr]) => `${expr} AS ${this.id(alias)}`).join(',\n    ')
    return this.relation(name, `SELECT *,\n    ${list}\n  FROM ${from}`)
  }

  /**
   * Layers over `from`, each reading the columns of the ones before: one relation each, or,
   * in ClickHouse (whose aliases may be read in the same SELECT, and whose 18.16 analyzer
   * slows down with every level of nesting), one relation for all.
   */
  layers(from: string, list: readonly (readonly [string, readonly (readonly [string, string])[]])[]): string {
    if (this.d.ctes) {
      let current = from
      for (const [name, columns] of list) current = this.layer(name, current, columns)
      return current
    }
    const all = list.flatMap(([, columns]) => columns)
    return this.layer(list[0]?.[0] ?? 'layer', from, all)
  }

  /** Left joins of `rights` to `from`, each on its key. */
  joins(name: string, from: string, rights: readonly (readonly [relation: string, key: string])[]): string {
    if (rights.length === 0) return from
    if (this.d.ctes) {
      return this.relation(
        name,
        `SELECT * FROM ${from}\n  ${rights.map(([r, k]) => this.d.leftJoin(r, k)).join('\n  ')}`,
      )
    }
    let current = from
    for (const [r, k] of rights)
      current = this.relation(name, `SELECT * FROM ${current} ${this.d.leftJoin(r, k)}`)
    return current
  }

  /** The type of `column` in `relation`, or undefined when the schema says it has none. */
  columnType(relation: keyof SqlSchema, column: string): SqlColumnType | undefined {
    if (this.options.tables[relation] === undefined) return undefined
    const described = this.options.schema?.[relation]
    if (described === undefined) return 'text'
    return described[column]
  }

  /** A value read from an input column through its alias in the contact pipeline. */
  propertyValue(relation: 'contacts' | 'accounts' | 'events', field: string): SqlValue {
    const type = this.columnType(relation, field)
    if (type === undefined) return MISSING
    const map =
      relation === 'contacts'
        ? this.#contactColumns
        : relation === 'accounts'
          ? this.#accountColumns
          : this.#eventColumns
    let alias = map.get(field)
    if (alias === undefined) {
      alias = `_${relation[0]}${map.size}`
      map.set(field, alias)
    }
    if (relation === 'events') this.#noteEventReader(field)
    if ((relation === 'events' || relation === 'contacts') && type === 'text') {
      return {
        kind: type,
        sql: this.id(alias),
        trimmedSql: this.id(`${alias}t`),
        lowerSql: this.id(`${alias}n`),
      }
    }
    return { kind: type, sql: this.id(alias) }
  }

  /** The number of an event name (lower-cased), given on first use. */
  eventCode(name: string): number {
    let code = this.#eventCodes.get(name)
    if (code === undefined) {
      code = this.#eventCodes.size + 1
      this.#eventCodes.set(name, code)
    }
    return code
  }

  /** Boolean: the event's name is one of `names` (compares its number, never NULL). */
  eventIs(names: ReadonlySet<string>): string {
    const codes = [...names].map((n) => this.eventCode(n))
    const k = this.id('__k')
    return codes.length === 1 ? `(${k} = ${codes[0]})` : `(${k} IN (${codes.join(', ')}))`
  }

  /** Runs `write` with the rule's event names as the readers of the event properties it reads. */
  readingFor<T>(names: ReadonlySet<string> | null, write: () => T): T {
    this.#reader = names === null ? null : new Set([...names].map((n) => this.eventCode(n)))
    try {
      return write()
    } finally {
      this.#reader = null
    }
  }

  #noteEventReader(field: string): void {
    const reader = this.#reader
    if (!this.#eventReaders.has(field)) {
      this.#eventReaders.set(field, reader === null ? null : new Set(reader))
      return
    }
    const known = this.#eventReaders.get(field)
    if (known === null || known === undefined) return
    if (reader === null) this.#eventReaders.set(field, null)
    else for (const c of reader) known.add(c)
  }

  decay(decay: CompiledDecay, ts: string): string {
    const age = `((${this.#asOf} - ${ts}) / 86400000.0)`
    switch (decay.kind) {
      case 'none':
        return '1'
      case 'halfLife':
        return `exp(-${age} * ${this.num(decay.rate)})`
      case 'linear':
        return `greatest(0, 1 - ${age} / ${this.num(decay.days)})`
    }
  }

  points(rule: CompiledEngagementRule, ts: string): string {
    const decay = this.decay(rule.decay, ts)
    return decay === '1' ? this.num(rule.points) : `${this.num(rule.points)} * ${decay}`
  }

  since(days: number | undefined): number | undefined {
    return days === undefined ? undefined : this.options.asOf - days * DAY_MS
  }

  countTest(count: CountCondition, n: string): string {
    const parts: string[] = []
    if (count.gte !== undefined) parts.push(`${n} >= ${this.num(count.gte)}`)
    if (count.gt !== undefined) parts.push(`${n} > ${this.num(count.gt)}`)
    if (count.lte !== undefined) parts.push(`${n} <= ${this.num(count.lte)}`)
    if (count.lt !== undefined) parts.push(`${n} < ${this.num(count.lt)}`)
    if (count.eq !== undefined) parts.push(`${n} = ${this.num(count.eq)}`)
    return parts.length === 0 ? this.d.true : `(${parts.join(' AND ')})`
  }

  clamp(x: string, min: number | undefined, max: number | undefined): string {
    let out = x
    if (max !== undefined && Number.isFinite(max)) out = `least(${out}, ${this.num(max)})`
    if (min !== undefined && Number.isFinite(min)) out = `greatest(${out}, ${this.num(min)})`
    return out
  }

  sum(terms: readonly string[]): string {
    return terms.length === 0 ? '0' : terms.length === 1 ? terms[0]! : `(${terms.join(' + ')})`
  }

  historyIndex(test: HistoryTest): number {
    const events = test.event === undefined ? undefined : eventNames(test.event)
    const rules = test.rule === undefined ? [] : typeof test.rule === 'string' ? [test.rule] : [...test.rule]
    const key = JSON.stringify([
      events === undefined ? [] : events === null ? '*' : [...events].sort(),
      [...rules].sort(),
      test.withinDays ?? null,
      test.atLeast ?? 1,
    ])
    return this.model.history.findIndex((h) => h.key === key)
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The query. Written twice: the input columns the model reads are known only once every
   * condition is written, and the first relations list them.
   */
  query(): string {
    this.#build()
    this.#relations.length = 0
    this.conditions.unsupported.length = 0
    return this.#build()
  }

  #build(): string {
    const d = this.d
    const model = this.model
    const doc = model.document
    const cols = this.options.columns ?? {}
    const rules = model.engagement.rules
    const ruleDocs = (doc.engagement?.groups ?? []).flatMap((g) => g.rules)
    const asOf = this.#asOf
    const hasEvents = this.options.tables.events !== undefined

    // -- events: matches per event, then one aggregate per contact ------------------------------
    const eventScope: ConditionScope = {
      field: (name) => this.propertyValue('events', name),
      history: () => undefined,
      eventIs: (names) => this.eventIs(names),
    }
    this.#eventReaders.clear()
    const ruleWhen = ruleDocs.map((r, i) =>
      this.readingFor(ruleNames(r), () =>
        this.conditions.condition(
          r.when,
          eventScope,
          `engagement.groups[${rules[i]!.groupIndex}].rules[${rulePosition(model, i)}].when`,
        ),
      ),
    )
    const matchColumns: [string, string][] = []
    rules.forEach((_, i) => {
      matchColumns.push([`_w${i}`, ruleWhen[i]!])
    })
    // `first` groups: an event belongs to the first rule of the group whose `when` it satisfies
    const assigned = rules.map((rule, i) => {
      const group = model.engagement.groups[rule.groupIndex]!
      if (group.mode !== 'first') return this.id(`_w${i}`)
      const earlier = group.rules.filter((r) => r.index < i).map((r) => this.id(`_w${r.index}`))
      return earlier.length === 0
        ? this.id(`_w${i}`)
        : `(${this.id(`_w${i}`)} AND NOT (${earlier.join(' OR ')}))`
    })
    const trimmedName = this.id('__tname')
    const historyMatch = model.history.map((test) => {
      const parts: string[] = []
      if (test.events === null) parts.push(d.true)
      else if (test.events.size > 0)
        parts.push(d.isTrue(`${trimmedName} IN (${[...test.events].map((n) => d.str(n)).join(', ')})`))
      for (const id of test.rules) {
        const rule = rules.find((r) => r.id === id)
        if (rule) parts.push(this.id(`_w${rule.index}`))
      }
      return parts.length === 0 ? d.false : `(${parts.join(' OR ')})`
    })
    const inactivity = model.engagement.inactivity
    const activity =
      inactivity === undefined
        ? undefined
        : inactivity.activity === null
          ? (() => {
              const positive = rules.filter((r) => r.points > 0).map((r) => this.id(`_w${r.index}`))
              return positive.length === 0 ? d.false : `(${positive.join(' OR ')})`
            })()
          : inactivity.activity.size === 0
            ? d.false
            : d.isTrue(`${trimmedName} IN (${[...inactivity.activity].map((n) => d.str(n)).join(', ')})`)

    const sources: RuleSource[] = []
    const aggregates: [string, string][] = []
    const selections: [string, string][] = []
    let matched = ''
    if (hasEvents) {
      const distinctKeys = rules.map((rule) => {
        if (rule.distinct === undefined || rule.occurrences.kind === 'first') return undefined
        return this.readingFor(ruleNames(ruleDocs[rule.index]!), () => {
          const value = this.propertyValue('events', rule.distinct!)
          if (value.kind === 'missing') return 'NULL'
          return this.conditions.normalized(value, `engagement.rules[${rule.index}].distinct`) ?? 'NULL'
        })
      })
      const timeColumn = cols.time ?? 'timestamp'
      const timeType = this.columnType('events', timeColumn) ?? 'text'
      const ts =
        timeType === 'timestamp'
          ? d.timestampMs(this.id(timeColumn))
          : timeType === 'number'
            ? `CAST(${this.id(timeColumn)} AS ${d.name === 'clickhouse' ? 'Float64' : 'DOUBLE PRECISION'})`
            : d.parseEventTime(this.id(timeColumn))
      const eventColumn = this.id(cols.event ?? 'event')
      const over = (sql: string, columns: readonly string[], alias: string) =>
        columns.length === 0
          ? sql
          : `SELECT *, ${columns.join(', ')} FROM (${sql})${d.ctes ? ` AS ${this.id(alias)}` : ''}`
      const eventsTable = tableName(this.options.tables.events!, (p) => this.id(p))
      const eventColumns = (extra: readonly string[]) =>
        [
          `${this.id(cols.contactId ?? 'contact_id')} AS ${this.id('__cid')}`,
          `${ts} AS ${this.id('__ts')}`,
          `${d.lower(eventColumn)} AS ${this.id('__lname')}`,
          `${d.lower(d.trim(eventColumn))} AS ${this.id('__tname')}`,
          ...extra,
          ...[...this.#eventColumns].map(([field, alias]) => `${this.id(field)} AS ${this.id(alias)}`),
        ].join(', ')
      const eventsSql = (names?: ReadonlySet<string> | null, trimmedNames?: ReadonlySet<string>) =>
        `SELECT ${eventColumns([])}\n  FROM ${eventsTable}\n  WHERE ${ts} <= ${asOf}${this.#nameFilter(names, trimmedNames)}`
      // the name as a number, once per event: the rules compare numbers, not texts. A pass
      // that reads only some names tests only those (any other name is filtered out before)
      const codes = [...this.#eventCodes]
      const code = (names: ReadonlySet<string> | null | undefined) => {
        if (codes.length === 0) return []
        const tested = names === undefined || names === null ? codes : codes.filter(([n]) => names.has(n))
        const k = this.id('__k')
        if (tested.length === 0) return [`0 AS ${k}`]
        return [
          `(CASE ${tested.map(([name, n]) => `WHEN ${this.id('__lname')} = ${d.str(name)} THEN ${n}`).join(' ')} ELSE 0 END) AS ${k}`,
        ]
      }
      /**
       * The events with these names, each with its name's number. `main` (DuckDB, the main
       * pass, which keeps most events): every event as of T, numbered by one CASE over its
       * lower-cased name (0: a name no rule tests, which no rule, history test or activity
       * matches). A name filter on the scan, or a join with the list of names, costs more per
       * event than the few events it drops when the rules name most of them (the benchmark
       * data: 99%); it pays off only when most events are of names the model never tests. A
       * pass that keeps few events (one rule's names) is cheaper with the filter on the scan.
       */
      const codedEvents = (
        names: ReadonlySet<string> | null | undefined,
        trimmedNames: ReadonlySet<string> | undefined,
        main: boolean,
      ) => {
        const unfiltered =
          main &&
          d.name === 'duckdb' &&
          names !== undefined &&
          names !== null &&
          names.size > 0 &&
          (trimmedNames === undefined || trimmedNames.size === 0)
        if (!unfiltered) {
          const only = trimmedNames === undefined || trimmedNames.size === 0 ? names : null
          return over(eventsSql(names, trimmedNames), code(only), 'e0')
        }
        const numbered = `CASE ${d.lower(eventColumn)} ${[...names].map((n) => `WHEN ${d.str(n)} THEN ${this.eventCode(n)}`).join(' ')} ELSE 0 END`
        return `SELECT ${eventColumns([`${numbered} AS ${this.id('__k')}`])}\n  FROM ${eventsTable}\n  WHERE ${ts} <= ${asOf}`
      }
      // text properties trimmed once per event, only for the events whose rules read them
      const textColumns = [...this.#eventColumns].filter(
        ([field]) => (this.columnType('events', field) ?? 'text') === 'text',
      )
      const trimmed = textColumns.map(([field, alias]) => {
        const readers = this.#eventReaders.get(field)
        const trim = d.trim(this.id(alias))
        const guarded =
          readers === null || readers === undefined || readers.size === 0
            ? trim
            : `CASE WHEN ${this.id('__k')} IN (${[...readers].join(', ')}) THEN ${trim} END`
        return `${guarded} AS ${this.id(`${alias}t`)}`
      })
      const lowered = textColumns.map(
        ([, alias]) => `${d.lower(this.id(`${alias}t`))} AS ${this.id(`${alias}n`)}`,
      )
      // `names`: only events with these names (pushed down to the scan); the events a rule can select
      const evnSql = (names?: ReadonlySet<string> | null, trimmedNames?: ReadonlySet<string>, main = false) =>
        over(over(codedEvents(names, trimmedNames, main), trimmed, 'e1'), lowered, 'e2')
      // the main pass reads only the events some rule, history test or activity can match
      const used = usedNames(ruleDocs, model)
      const ev = this.relation('ev', evnSql(used?.names ?? null, used?.trimmed, true))
      const emColumns: [string, string][] = rules.map((_, i) => [`_a${i}`, assigned[i]!])
      // each decay of the rules summed in the main pass, once per event (not once per rule)
      const decayColumns = new Map<string, string>()
      for (const rule of rules) {
        const simple = rule.occurrences.kind === 'all' && rule.distinct === undefined && !rule.count
        const expr = this.decay(rule.decay, this.id('__ts'))
        if (!simple || expr === '1' || decayColumns.has(expr)) continue
        decayColumns.set(expr, `_dec${decayColumns.size}`)
        emColumns.push([`_dec${decayColumns.size - 1}`, expr])
      }
      const summed = (rule: CompiledEngagementRule) => {
        const column = decayColumns.get(this.decay(rule.decay, this.id('__ts')))
        return column === undefined
          ? this.points(rule, this.id('__ts'))
          : `${this.num(rule.points)} * ${this.id(column)}`
      }
      model.history.forEach((_, k) => {
        emColumns.push([`_hm${k}`, historyMatch[k]!])
      })
      if (activity !== undefined) emColumns.push(['_act', activity])
      matched = this.layer('ea_in', this.layer('em', ev, matchColumns), emColumns)

      const tsCol = this.id('__ts')
      const cid = this.id('__cid')
      const bucketOf = (rule: CompiledEngagementRule, ts: string) =>
        rule.occurrences.kind === 'perDays'
          ? `floor(${ts} / ${this.num(rule.occurrences.days * DAY_MS)})`
          : undefined
      // `distinct` / `perDays` rules no two of which select the same event name: one pass over
      // the events for all of them, grouped by every rule's value at once (an event has at most
      // one), instead of one pass each
      const batch = selectionBatch(rules, ruleDocs)
      const firstLevel = new Map<number, string>()
      /** In the one-key batch: the rows of each rule (the others' rows have its earliest time too). */
      const batchRule = new Map<number, string>()
      let batchValues: string | undefined
      const batchColumns: string[] = []
      if (batch.length >= 2) {
        const alias = (name: string) => (d.ctes ? ` AS ${this.id(name)}` : '')
        const needed = [...new Set(batch.flatMap((i) => this.#selectionWhens(i)))].sort((x, y) => x - y)
        const names = new Set(batch.flatMap((i) => [...(ruleNames(ruleDocs[i]!) ?? [])]))
        const withWhen = `SELECT *, ${needed.map((k) => `${ruleWhen[k]} AS ${this.id(`_w${k}`)}`).join(', ')} FROM (${evnSql(names)})${alias('e')}`
        // DuckDB, `distinct` rules only: one key, the rule's number and its value (an event
        // has at most one), and one earliest time, instead of a key and a time per rule
        const oneKey =
          d.name === 'duckdb' &&
          batch.every((i) => distinctKeys[i] !== undefined && rules[i]!.occurrences.kind !== 'perDays')
        if (oneKey) {
          const r = this.id('__r')
          const byRule = (value: (i: number) => string) =>
            `(CASE ${batch.map((i) => `WHEN ${assigned[i]} THEN ${value(i)}`).join(' ')} END)`
          const keyed = `SELECT ${cid}, ${tsCol}, ${byRule(String)} AS ${r}, ${byRule((i) => distinctKeys[i]!)} AS ${this.id('__d')} FROM (${withWhen})${alias('w')}`
          batchValues = this.relation(
            'sel_value',
            `SELECT ${cid}, ${r}, min(${tsCol}) AS ${this.id('__v')} FROM (${keyed})${alias('s')} GROUP BY ${cid}, ${r}, ${this.id('__d')}`,
          )
          for (const i of batch) {
            firstLevel.set(i, this.id('__v'))
            batchRule.set(i, `${r} = ${i}`)
          }
        } else {
          const keyed = `SELECT ${[
            cid,
            tsCol,
            ...batch.flatMap((i) => [
              `${assigned[i]} AS ${this.id(`_sa${i}`)}`,
              `(CASE WHEN ${assigned[i]} THEN ${distinctKeys[i] ?? bucketOf(rules[i]!, tsCol)} END) AS ${this.id(`_sd${i}`)}`,
            ]),
          ].join(', ')} FROM (${withWhen})${alias('w')}`
          batchValues = this.relation(
            'sel_value',
            `SELECT ${[cid, ...batch.map((i) => `${d.aggIf('min', tsCol, this.id(`_sa${i}`))} AS ${this.id(`_v${i}`)}`)].join(', ')} FROM (${keyed})${alias('s')} GROUP BY ${[cid, ...batch.map((i) => this.id(`_sd${i}`))].join(', ')}`,
          )
          for (const i of batch) firstLevel.set(i, this.id(`_v${i}`))
        }
      }
      for (const rule of rules) {
        const i = rule.index
        const a = this.id(`_a${i}`)
        const windowFrom = this.since(rule.windowDays)
        const countFrom = this.since(rule.count?.withinDays)
        const from = Math.max(windowFrom ?? Number.NEGATIVE_INFINITY, countFrom ?? Number.NEGATIVE_INFINITY)
        const inRange = (lo: number | undefined, base: string) =>
          lo === undefined || !Number.isFinite(lo) ? base : `${base} AND ${tsCol} >= ${this.num(lo)}`
        if (rule.occurrences.kind === 'first') {
          aggregates.push([`_t${i}`, d.aggIf('min', tsCol, a)])
          sources.push({ kind: 'first', ts: this.id(`_t${i}`) })
        } else if (rule.distinct !== undefined || rule.occurrences.kind === 'perDays') {
          // the earliest event per distinct value, then (perDays) per bucket, then the window
          const bucket = (ts: string) => bucketOf(rule, ts)
          // each level names its earliest time anew: ClickHouse would read `min(x) AS x` in GROUP BY
          let selected: string
          let selTs = tsCol
          // the batch's relation has a row per value of each rule: NULL in the other rules' rows
          let nullable = false
          const batchTs = firstLevel.get(i)
          if (batchTs !== undefined && batchValues !== undefined) {
            selected = batchValues
            selTs = batchTs
            nullable = true
            if (rule.distinct !== undefined && rule.occurrences.kind === 'perDays') {
              selected = this.relation(
                `sel${i}_bucket`,
                `SELECT ${cid}, min(${selTs}) AS ${this.id('__tb')} FROM ${selected} WHERE ${selTs} IS NOT NULL GROUP BY ${cid}, ${bucket(selTs)}`,
              )
              selTs = this.id('__tb')
              nullable = false
            }
          } else if (rule.distinct !== undefined) {
            selected = this.relation(
              `sel${i}_value`,
              `SELECT ${cid}, min(${tsCol}) AS ${this.id('__tv')} FROM ${this.#selectionSource(evnSql(ruleNames(ruleDocs[i]!)), i, ruleWhen, assigned[i]!, distinctKeys[i])} GROUP BY ${cid}, ${this.id(`_d${i}`)}`,
            )
            selTs = this.id('__tv')
            const b = bucket(selTs)
            if (b !== undefined) {
              selected = this.relation(
                `sel${i}_bucket`,
                `SELECT ${cid}, min(${selTs}) AS ${this.id('__tb')} FROM ${selected} GROUP BY ${cid}, ${b}`,
              )
              selTs = this.id('__tb')
            }
          } else {
            selected = this.relation(
              `sel${i}_bucket`,
              `SELECT ${cid}, min(${tsCol}) AS ${this.id('__tb')} FROM ${this.#selectionSource(evnSql(ruleNames(ruleDocs[i]!)), i, ruleWhen, assigned[i]!, undefined)} GROUP BY ${cid}, ${bucket(tsCol)}`,
            )
            selTs = this.id('__tb')
          }
          const own = selected === batchValues ? batchRule.get(i) : undefined
          const selRange = (lo: number | undefined) =>
            lo === undefined || !Number.isFinite(lo)
              ? (own ?? (nullable ? `${selTs} IS NOT NULL` : d.true))
              : own === undefined
                ? `${selTs} >= ${this.num(lo)}`
                : `${own} AND ${selTs} >= ${this.num(lo)}`
          const columns = rule.count
            ? [
                `${d.aggIf('count', '', selRange(from))} AS ${this.id(`_n${i}`)}`,
                `${d.aggIf('max', selTs, selRange(from))} AS ${this.id(`_m${i}`)}`,
              ]
            : [`${d.aggIf('sum', this.points(rule, selTs), selRange(windowFrom))} AS ${this.id(`_s${i}`)}`]
          if (selected === batchValues) batchColumns.push(...columns)
          else {
            selections.push([
              this.relation(
                `sel${i}`,
                `SELECT ${cid}, ${columns.join(', ')} FROM ${selected} GROUP BY ${cid}`,
              ),
              '__cid',
            ])
          }
          sources.push(
            rule.count
              ? { kind: 'count', n: this.id(`_n${i}`), newest: this.id(`_m${i}`) }
              : { kind: 'sum', column: this.id(`_s${i}`) },
          )
        } else if (rule.count) {
          aggregates.push([`_n${i}`, d.aggIf('count', '', inRange(from, a))])
          aggregates.push([`_m${i}`, d.aggIf('max', tsCol, inRange(from, a))])
          sources.push({ kind: 'count', n: this.id(`_n${i}`), newest: this.id(`_m${i}`) })
        } else {
          aggregates.push([`_s${i}`, d.aggIf('sum', summed(rule), inRange(windowFrom, a))])
          sources.push({ kind: 'sum', column: this.id(`_s${i}`) })
        }
      }
      if (batchValues !== undefined && batchColumns.length > 0) {
        selections.push([
          this.relation(
            'sel',
            `SELECT ${cid}, ${batchColumns.join(', ')} FROM ${batchValues} GROUP BY ${cid}`,
          ),
          '__cid',
        ])
      }
      model.history.forEach((test, k) => {
        const from = this.since(test.withinDays)
        const cond =
          from === undefined ? this.id(`_hm${k}`) : `${this.id(`_hm${k}`)} AND ${tsCol} >= ${this.num(from)}`
        aggregates.push([`_hc${k}`, d.aggIf('count', '', cond)])
      })
      if (activity !== undefined) aggregates.push(['_last', d.aggIf('max', tsCol, this.id('_act'))])
    }

    // -- contacts with their account and event aggregates -----------------------------------
    // the contact and account columns are known once every condition is written: build the
    // per-contact layers first (as text), then the base relations they read
    const contactLayers = this.#contactLayers(sources, hasEvents)
    const keyColumn = model.accounts?.key ?? 'account_id'
    const keyValue = this.propertyValue('contacts', keyColumn)
    const contactSelect = [
      `${this.id(cols.id ?? 'contact_id')} AS ${this.id('__cid')}`,
      ...(cols.order ? [`${this.id(cols.order)} AS ${this.id('__ord')}`] : []),
      ...[...this.#contactColumns].flatMap(([field, alias]) =>
        (this.columnType('contacts', field) ?? 'text') === 'text'
          ? [`${this.id(field)} AS ${this.id(alias)}`, `${d.trim(this.id(field))} AS ${this.id(`${alias}t`)}`]
          : [`${this.id(field)} AS ${this.id(alias)}`],
      ),
    ]
    // the account id as text, from the raw key column (String(id) in the engine)
    const keyFromRaw =
      keyValue.kind === 'missing'
        ? 'NULL'
        : (this.conditions.text({ kind: keyValue.kind, sql: this.id(keyColumn) }, 'accounts.key') ?? 'NULL')
    contactSelect.push(`${keyFromRaw} AS ${this.id('__aid')}`)
    // text properties trimmed once per contact, then lower-cased, for every condition to read
    const contacts = this.layer(
      'cn',
      this.relation(
        'c',
        `SELECT ${contactSelect.join(', ')}\n  FROM ${tableName(this.options.tables.contacts, (p) => this.id(p))}`,
      ),
      [...this.#contactColumns]
        .filter(([field]) => (this.columnType('contacts', field) ?? 'text') === 'text')
        .map(([, alias]) => [`${alias}n`, d.lower(this.id(`${alias}t`))] as const),
    )
    const accountsRelation = this.#accountsRelation()
    const rights: [string, string][] = []
    if (accountsRelation && this.#accountColumns.size > 0) rights.push([accountsRelation, '__aid'])
    if (hasEvents && (aggregates.length > 0 || rules.length > 0)) {
      const cid = this.id('__cid')
      const list = aggregates.map(([alias, expr]) => `${expr} AS ${this.id(alias)}`)
      if (list.length > 0) {
        rights.push([
          this.relation('ea', `SELECT ${cid}, ${list.join(', ')}\n  FROM ${matched}\n  GROUP BY ${cid}`),
          '__cid',
        ])
      }
      rights.push(...selections)
    }
    let current = this.joins('base', contacts, rights)
    for (const group of this.#layerGroups(contactLayers)) current = this.layers(current, group)
    const scores = current

    // -- accounts -------------------------------------------------------------------------------
    let final = scores
    if (model.accounts) final = this.#accounts(scores, accountsRelation)
    const out: string[] = [
      `${this.id('__cid')} AS ${this.id('contact_id')}`,
      `${this.double(this.id('_fit'))} AS ${this.id('fit')}`,
      `${this.double(this.id('_eng'))} AS ${this.id('engagement')}`,
      `${this.double(this.id('_total'))} AS ${this.id('total')}`,
      `${this.id('_grade')} AS ${this.id('grade')}`,
      `${this.id('_level')} AS ${this.id('level')}`,
      `${this.id('_label')} AS ${this.id('label')}`,
      `${this.id('_band')} AS ${this.id('band')}`,
      `${this.id('_stage')} AS ${this.id('stage')}`,
      `${this.id('_journey')} AS ${this.id('journey')}`,
      `${this.id('_segments')} AS ${this.id('segments')}`,
    ]
    if (model.accounts) {
      out.push(
        `CASE WHEN ${this.id('_has')} = 1 THEN ${this.id('__aid')} END AS ${this.id('account_id')}`,
        `${this.double(this.id('_aeng'))} AS ${this.id('account_engagement')}`,
        `${this.double(this.id('_atotal'))} AS ${this.id('account_total')}`,
        `${this.id('_aband')} AS ${this.id('account_band')}`,
      )
    }
    const order = cols.order ? `\nORDER BY ${this.id('__ord')}` : ''
    const body = `SELECT ${out.join(',\n  ')}\nFROM ${final}${order}`
    const withs =
      this.#relations.length === 0
        ? ''
        : `WITH\n${this.#relations.map((r) => `${this.id(r.name)} AS (\n  ${r.sql}\n)`).join(',\n')}\n`
    return `-- leadscore model ${model.id}${model.document.version === undefined ? '' : ` v${model.document.version}`} as of ${new Date(this.options.asOf).toISOString()} (${d.name})\n${withs}${body}${d.settings}\n`
  }

  /** ` AND <the event name is one of these>`, or nothing when `names` is null (any event). */
  #nameFilter(
    names: ReadonlySet<string> | null | undefined,
    trimmedNames: ReadonlySet<string> | undefined,
  ): string {
    if (names === undefined || names === null) return ''
    const d = this.d
    const event = this.id(this.options.columns?.event ?? 'event')
    const list = (set: ReadonlySet<string>) => [...set].map((n) => d.str(n)).join(', ')
    const parts: string[] = []
    if (names.size > 0) parts.push(`${d.lower(event)} IN (${list(names)})`)
    if (trimmedNames !== undefined && trimmedNames.size > 0)
      parts.push(`${d.lower(d.trim(event))} IN (${list(trimmedNames)})`)
    return parts.length === 0 ? ` AND ${d.false}` : ` AND (${parts.join(' OR ')})`
  }

  /**
   * The events a `distinct` / `perDays` rule selects from, read again from the events table
   * (as the hand-written SQL does): a second reader of the shared match relation would make
   * DuckDB and PostgreSQL materialize all of it.
   */
  #selectionSource(
    evSql: string,
    i: number,
    ruleWhen: readonly string[],
    assigned: string,
    key: string | undefined,
  ): string {
    const needed = this.#selectionWhens(i)
    const alias = (name: string) => (this.d.ctes ? ` AS ${this.id(name)}` : '')
    const matches = needed.map((k) => `${ruleWhen[k]} AS ${this.id(`_w${k}`)}`).join(', ')
    const keyColumn = key === undefined ? '' : `, ${key} AS ${this.id(`_d${i}`)}`
    return `(SELECT ${this.id('__cid')}, ${this.id('__ts')}${keyColumn} FROM (SELECT *, ${matches} FROM (${evSql})${alias('e')})${alias('w')} WHERE ${assigned})${alias('s')}`
  }

  /** The rules whose `when` rule `i`'s selection reads: itself, and the rules before it in a `first` group. */
  #selectionWhens(i: number): number[] {
    const rule = this.model.engagement.rules[i]!
    const group = this.model.engagement.groups[rule.groupIndex]!
    return group.mode === 'first' ? group.rules.filter((r) => r.index <= i).map((r) => r.index) : [i]
  }

  #accountsRelation(): string | undefined {
    const table = this.options.tables.accounts
    if (table === undefined) return undefined
    const cols = this.options.columns ?? {}
    const idColumn = cols.accountId ?? 'account_id'
    const idType = this.columnType('accounts', idColumn) ?? 'text'
    const idText = this.conditions.text({ kind: idType, sql: this.id(idColumn) }, 'accounts') ?? 'NULL'
    const sql = () =>
      `SELECT ${[`${idText} AS ${this.id('__aid')}`, ...[...this.#accountColumns].map(([f, a]) => `${this.id(f)} AS ${this.id(a)}`)].join(', ')}\n  FROM ${tableName(table, (p) => this.id(p))}`
    return this.relation('a', sql())
  }

  /** The per-contact layers after the base: rule values through segments and committee roles. */
  #contactLayers(sources: readonly RuleSource[], hasEvents: boolean): [string, [string, string][]][] {
    const d = this.d
    const model = this.model
    const doc = model.document
    const rules = model.engagement.rules
    const id = (x: string) => this.id(x)
    const layers: [string, [string, string][]][] = []

    const historyColumn = (test: HistoryTest): string | undefined => {
      const k = this.historyIndex(test)
      return k < 0 ? undefined : id(`_h${k}`)
    }
    /** Score fields available at a step: `decided` lists the classes already decided. */
    const scoreScope = (decided: readonly string[], segmentsAvailable: boolean): ConditionScope => ({
      history: (test) => historyColumn(test),
      field: (name, path) => {
        if (name.startsWith('account.')) return this.propertyValue('accounts', name.slice(8))
        if (!name.startsWith('score.')) return this.propertyValue('contacts', name)
        const f = name.slice(6)
        if (f === 'fit' || f === 'engagement' || f === 'total')
          return { kind: 'number', sql: id({ fit: '_fit', engagement: '_eng', total: '_total' }[f]) }
        if (f === 'likelihood') return MISSING
        if (['grade', 'level', 'label', 'band', 'stage', 'journey'].includes(f))
          return decided.includes(f) ? { kind: 'text', sql: id(`_${f}`), trimmed: true } : MISSING
        if (f === 'segments') {
          if (segmentsAvailable) return { kind: 'text', sql: id('_segments') }
          if (decided.includes('segments-partial')) {
            this.conditions.unsupported.push({
              path,
              problem: 'a segment condition that reads score.segments (the segments decided before it)',
            })
          }
          return { kind: 'text', sql: d.str('') }
        }
        if (f.startsWith('group.')) {
          const gid = f.slice(6)
          const fg = model.fit.groups.findIndex((g) => g.id === gid)
          if (fg >= 0) return { kind: 'number', sql: id(`_fg${fg}`) }
          const eg = model.engagement.groups.findIndex((g) => g.id === gid)
          return eg >= 0 ? { kind: 'number', sql: id(`_eg${eg}`) } : MISSING
        }
        if (f.startsWith('rule.')) {
          const rid = f.slice(5)
          let k = 0
          for (const g of model.fit.groups) {
            for (const r of g.rules) {
              if (r.id === rid) return { kind: 'number', sql: id(`_f${k}`) }
              k++
            }
          }
          const rule = rules.find((r) => r.id === rid)
          return rule ? { kind: 'number', sql: id(`_e${rule.index}`) } : MISSING
        }
        return MISSING
      },
    })
    const propsScope: ConditionScope = {
      history: (test) => historyColumn(test),
      field: (name) =>
        name.startsWith('account.')
          ? this.propertyValue('accounts', name.slice(8))
          : this.propertyValue('contacts', name),
    }

    // 1. history, fit `when`, raw rule values, inactivity
    const first: [string, string][] = []
    model.history.forEach((test, k) => {
      first.push([
        `_h${k}`,
        hasEvents ? `(coalesce(${id(`_hc${k}`)}, 0) >= ${this.num(test.atLeast)})` : d.false,
      ])
    })
    const layerOfHistory: [string, [string, string][]] = ['hist', first]
    layers.push(layerOfHistory)
    const fitWhen: [string, string][] = []
    const fitGroups = doc.fit?.groups ?? []
    let k = 0
    fitGroups.forEach((g, gi) => {
      const conditions = g.rules.map((r, ri) =>
        this.conditions.condition(r.when, propsScope, `fit.groups[${gi}].rules[${ri}].when`),
      )
      if ((g.mode ?? 'sum') === 'first' && conditions.length > 0) {
        // the position of the first rule that holds: later conditions are not evaluated
        fitWhen.push([
          `_fsel${gi}`,
          `(CASE ${conditions.map((c, j) => `WHEN ${c} THEN ${j}`).join(' ')} ELSE -1 END)`,
        ])
        k += conditions.length
      } else for (const c of conditions) fitWhen.push([`_fw${k++}`, c])
    })
    const rawRules: [string, string][] = rules.map((rule, i) => {
      if (!hasEvents) return [`_er${i}`, rule.count ? this.#countValue(rule, '0', 'NULL') : '0']
      const s = sources[i]!
      switch (s.kind) {
        case 'sum':
          return [`_er${i}`, `coalesce(${s.column}, 0)`]
        case 'count':
          return [`_er${i}`, this.#countValue(rule, `coalesce(${s.n}, 0)`, s.newest)]
        case 'first': {
          const windowFrom = this.since(rule.windowDays)
          const countFrom = this.since(rule.count?.withinDays)
          const kept = windowFrom === undefined ? `${s.ts} IS NOT NULL` : `${s.ts} >= ${this.num(windowFrom)}`
          if (!rule.count)
            return [`_er${i}`, `(CASE WHEN ${kept} THEN ${this.points(rule, s.ts)} ELSE 0 END)`]
          const counted = countFrom === undefined ? kept : `${kept} AND ${s.ts} >= ${this.num(countFrom)}`
          return [
            `_er${i}`,
            this.#countValue(
              rule,
              `(CASE WHEN ${counted} THEN 1 ELSE 0 END)`,
              `(CASE WHEN ${counted} THEN ${s.ts} END)`,
            ),
          ]
        }
      }
      return [`_er${i}`, '0']
    })
    const inactivity = model.engagement.inactivity
    const inact: [string, string][] = inactivity
      ? [
          [
            '_inact',
            hasEvents
              ? `(CASE WHEN ${id('_last')} >= ${this.num(this.options.asOf - inactivity.afterDays * DAY_MS)} THEN 0 ELSE 1 END)`
              : '1',
          ],
        ]
      : []
    layers.push(['r1', [...fitWhen, ...rawRules, ...inact]])

    // 2. fit rule points (first groups), rule caps
    const fitPoints: [string, string][] = []
    k = 0
    model.fit.groups.forEach((g, gi) => {
      const start = k
      g.rules.forEach((r) => {
        const cond = g.mode === 'first' ? `${id(`_fsel${gi}`)} = ${k - start}` : id(`_fw${k}`)
        fitPoints.push([`_f${k}`, `(CASE WHEN ${cond} THEN ${this.num(r.points)} ELSE 0 END)`])
        k++
      })
    })
    const ruleCaps: [string, string][] = rules.map((r, i) => [
      `_e${i}`,
      this.clamp(id(`_er${i}`), r.min, r.max),
    ])
    layers.push(['r2', [...fitPoints, ...ruleCaps]])

    // 3. groups
    const groupCols: [string, string][] = []
    k = 0
    model.fit.groups.forEach((g, gi) => {
      const terms = g.rules.map(() => id(`_f${k++}`))
      groupCols.push([`_fg${gi}`, this.clamp(this.sum(terms), g.min, g.max)])
    })
    model.engagement.groups.forEach((g, gi) => {
      groupCols.push([`_eg${gi}`, this.clamp(this.sum(g.rules.map((r) => id(`_e${r.index}`))), g.min, g.max)])
    })
    layers.push(['r3', groupCols])

    // 4. parts
    const fitSum = this.sum(model.fit.groups.map((_, gi) => id(`_fg${gi}`)))
    const engTerms = model.engagement.groups.map((_, gi) => id(`_eg${gi}`))
    if (inactivity)
      engTerms.push(`(CASE WHEN ${id('_inact')} = 1 THEN ${this.num(inactivity.points)} ELSE 0 END)`)
    layers.push([
      'parts',
      [
        ['_fit', this.clamp(fitSum, model.fit.min, model.fit.max)],
        ['_eng', this.clamp(this.sum(engTerms), model.engagement.min, model.engagement.max)],
      ],
    ])

    // 5. total, grade, level
    const grade =
      model.grades.length === 0
        ? 'NULL'
        : `(CASE ${model.grades.map(([g, t]) => `WHEN ${id('_fit')} >= ${this.num(t)} THEN ${d.str(g)}`).join(' ')} ELSE 'F' END)`
    const level =
      model.levels.length === 0
        ? 'NULL'
        : `(CASE ${model.levels.map(([l, t]) => `WHEN ${id('_eng')} >= ${this.num(t)} THEN ${d.str(l)}`).join(' ')} ELSE ${model.fallbackLevel === undefined ? 'NULL' : d.str(model.fallbackLevel)} END)`
    layers.push([
      'total',
      [
        ['_total', this.clamp(`(${id('_fit')} + ${id('_eng')})`, 0, model.totalMax)],
        ['_grade', grade],
        ['_level', level],
      ],
    ])

    // 6. label, band; 7. stage; 8. journey; 9. segments; 10. committee
    const label =
      model.grades.length > 0 && model.levels.length > 0
        ? `(CASE WHEN ${id('_grade')} IS NOT NULL AND ${id('_level')} IS NOT NULL THEN concat(${id('_grade')}, ${id('_level')}) END)`
        : 'NULL'
    const firstMatch = (
      list: readonly { id: string; when?: Condition | undefined }[],
      scope: ConditionScope,
      path: string,
    ) =>
      list.length === 0
        ? 'NULL'
        : `(CASE ${list
            .map(
              (c, i) =>
                `WHEN ${this.conditions.condition(c.when, scope, `${path}[${i}].when`)} THEN ${d.str(c.id)}`,
            )
            .join(' ')} ELSE NULL END)`
    layers.push(['lbl', [['_label', label]]])
    layers.push([
      'band',
      [['_band', firstMatch(doc.bands ?? [], scoreScope(['grade', 'level', 'label'], false), 'bands')]],
    ])
    const stages = doc.stages ?? []
    const automatic = stages.map((s, i) => [s, i] as const).filter(([s]) => s.when !== undefined)
    const stageScope = scoreScope(['grade', 'level', 'label', 'band'], false)
    const stage =
      stages.length === 0
        ? 'NULL'
        : automatic.length === 0
          ? d.str(stages[0]!.id)
          : `(CASE ${[...automatic]
              .reverse()
              .map(
                ([s, i]) =>
                  `WHEN ${this.conditions.condition(s.when, stageScope, `stages[${i}].when`)} THEN ${d.str(s.id)}`,
              )
              .join(' ')} ELSE ${d.str(stages[0]!.id)} END)`
    layers.push(['stage', [['_stage', stage]]])
    layers.push([
      'journey',
      [
        [
          '_journey',
          firstMatch(
            doc.journey ?? [],
            scoreScope(['grade', 'level', 'label', 'band', 'stage'], false),
            'journey',
          ),
        ],
      ],
    ])
    const segScope = scoreScope(
      ['grade', 'level', 'label', 'band', 'stage', 'journey', 'segments-partial'],
      false,
    )
    layers.push([
      'seg',
      [
        [
          '_segments',
          d.joinIds(
            (doc.segments ?? []).map(
              (s, i) => [this.conditions.condition(s.when, segScope, `segments[${i}].when`), s.id] as const,
            ),
          ),
        ],
      ],
    ])
    const accounts = doc.accounts
    if (accounts) {
      // as the engine reads a member (src/core/account.ts): its numbers and properties; no
      // classes, no segments, no history (`did` never holds)
      const all: ConditionScope = { ...scoreScope([], false), history: () => undefined }
      const committee: [string, string][] = (accounts.committee?.roles ?? []).map((r, i) => [
        `_role${i}`,
        this.conditions.condition(r.when, all, `accounts.committee.roles[${i}].when`),
      ])
      committee.push([
        '_engaged',
        this.conditions.condition(
          accounts.committee?.engagedWhen ?? { 'score.engagement': { gt: 0 } },
          all,
          'accounts.committee.engagedWhen',
        ),
      ])
      layers.push(['committee', committee])
    }
    return layers
  }

  #countValue(rule: CompiledEngagementRule, n: string, newest: string): string {
    return `(CASE WHEN ${this.countTest(this.model.document.engagement!.groups[rule.groupIndex]!.rules[rulePosition(this.model, rule.index)]!.count!, n)} AND ${newest} IS NOT NULL THEN ${this.points(rule, newest)} ELSE 0 END)`
  }

  /**
   * The contact layers as groups of layers written as one relation each in ClickHouse: its
   * 18.16 analyzer slows down with every level of nesting, and expands an alias into its
   * expression wherever it is read, so only layers whose columns are read once are merged.
   */
  #layerGroups(layers: [string, [string, string][]][]): [string, [string, string][]][][] {
    if (this.d.ctes) return layers.map((l) => [l])
    const together = [
      ['hist', 'r1', 'r2'],
      ['r3'],
      ['parts'],
      ['total'],
      ['lbl', 'band'],
      ['stage'],
      ['journey', 'seg', 'committee'],
    ]
    return together
      .map((names) => layers.filter(([name]) => names.includes(name)))
      .filter((group) => group.length > 0)
  }

  /** Account rollups joined back to their contacts. */
  #accounts(scores: string, accountsRelation: string | undefined): string {
    const d = this.d
    const id = (x: string) => this.id(x)
    const spec = this.model.accounts!
    const doc = this.model.document.accounts!
    const value =
      spec.perContactMax === undefined ? id('_eng') : `least(${id('_eng')}, ${this.num(spec.perContactMax)})`
    const rollup =
      spec.rollup === 'sum'
        ? `sum(${value})`
        : spec.rollup === 'max'
          ? `max(${value})`
          : spec.rollup === 'mean'
            ? `avg(${value})`
            : d.top3(value)
    const aid = id('__aid')
    const roleCols = spec.roles.map(
      (_, i) => `${d.anyIf(`${id(`_role${i}`)} AND ${id('_engaged')}`)} AS ${id(`_cov${i}`)}`,
    )
    let acc = this.relation(
      'am',
      `SELECT ${[aid, `${rollup} AS ${id('_roll')}`, `1 AS ${id('_has')}`, ...roleCols].join(', ')}\n  FROM ${scores}\n  WHERE ${aid} IS NOT NULL AND ${aid} <> ''\n  GROUP BY ${aid}`,
    )
    const accountScope = (path: string): ConditionScope => ({
      history: () => undefined,
      field: (name) => this.propertyValue('accounts', name.startsWith('account.') ? name.slice(8) : name),
      ...(path ? {} : {}),
    })
    const fitWhen: [string, string][] = []
    let k = 0
    const fitRuleIds: string[] = []
    const groups: readonly FitGroup[] = doc.fit?.groups ?? []
    groups.forEach((g, gi) => {
      g.rules.forEach((r, ri) => {
        fitWhen.push([
          `_afw${k}`,
          this.conditions.condition(r.when, accountScope(''), `accounts.fit.groups[${gi}].rules[${ri}].when`),
        ])
        fitRuleIds.push(spec.fit!.groups[gi]!.rules[ri]!.id)
        k++
      })
    })
    if (accountsRelation && this.#accountColumns.size > 0)
      acc = this.joins('am_a', acc, [[accountsRelation, '__aid']])
    const accLayers: [string, [string, string][]][] = [['af1', fitWhen]]
    const points: [string, string][] = []
    k = 0
    groups.forEach((g) => {
      const start = k
      g.rules.forEach((r) => {
        const earlier = Array.from({ length: k - start }, (_, j) => id(`_afw${start + j}`))
        const cond =
          g.mode === 'first' && earlier.length > 0
            ? `${id(`_afw${k}`)} AND NOT (${earlier.join(' OR ')})`
            : id(`_afw${k}`)
        points.push([`_af${k}`, `(CASE WHEN ${cond} THEN ${this.num(r.points)} ELSE 0 END)`])
        k++
      })
    })
    accLayers.push(['af2', points])
    const groupCols: [string, string][] = []
    k = 0
    groups.forEach((g, gi) => {
      groupCols.push([`_afg${gi}`, this.clamp(this.sum(g.rules.map(() => id(`_af${k++}`))), g.min, g.max)])
    })
    accLayers.push(['af3', groupCols])
    const committee = spec.roles.map(
      (r, i) => `(CASE WHEN ${id(`_cov${i}`)} THEN ${this.num(r.points)} ELSE 0 END)`,
    )
    const afit = spec.fit
      ? this.clamp(this.sum(groups.map((_, gi) => id(`_afg${gi}`))), spec.fit.min, spec.fit.max)
      : '0'
    accLayers.push([
      'af4',
      [
        ['_afit', afit],
        ['_aeng', this.clamp(this.sum([id('_roll'), ...committee]), 0, spec.engagementMax)],
      ],
    ])
    accLayers.push(['af5', [['_atotal', `(${id('_afit')} + ${id('_aeng')})`]]])
    const bandScope: ConditionScope = {
      history: () => undefined,
      field: (name) => {
        if (name.startsWith('account.')) return MISSING
        if (!name.startsWith('score.')) return this.propertyValue('accounts', name)
        const f = name.slice(6)
        if (f === 'fit' || f === 'engagement' || f === 'total')
          return { kind: 'number', sql: id({ fit: '_afit', engagement: '_aeng', total: '_atotal' }[f]) }
        if (f === 'segments') return { kind: 'text', sql: d.str('') }
        if (f.startsWith('rule.')) {
          const at = fitRuleIds.indexOf(f.slice(5))
          return at >= 0 ? { kind: 'number', sql: id(`_af${at}`) } : MISSING
        }
        return MISSING
      },
    }
    const bands = doc.bands ?? []
    const band =
      bands.length === 0
        ? 'NULL'
        : `(CASE ${bands
            .map(
              (b, i) =>
                `WHEN ${this.conditions.condition(b.when, bandScope, `accounts.bands[${i}].when`)} THEN ${d.str(b.id)}`,
            )
            .join(' ')} ELSE NULL END)`
    accLayers.push(['af6', [['_aband', band]]])
    acc = this.layers(acc, accLayers)
    const accountColumns = ['_has', '_aeng', '_atotal', '_aband'].map((c) => id(c)).join(', ')
    const accountResult = this.relation('acc', `SELECT ${aid}, ${accountColumns} FROM ${acc}`)
    return this.joins('scored', scores, [[accountResult, '__aid']])
  }
}

/** The position of flat rule `index` within its group. */
function rulePosition(model: CompiledModel, index: number): number {
  const rule = model.engagement.rules[index]!
  return model.engagement.groups[rule.groupIndex]!.rules.findIndex((r) => r.index === index)
}

/**
 * The `distinct` / `perDays` rules (indexes) that can share one pass over the events: each
 * selects events by name (its top-level `event`), and no two select the same name.
 */
function selectionBatch(
  rules: readonly CompiledEngagementRule[],
  docs: readonly { readonly when: Condition }[],
): number[] {
  const batch: number[] = []
  const taken = new Set<string>()
  for (const rule of rules) {
    if (rule.occurrences.kind === 'first') continue
    if (rule.distinct === undefined && rule.occurrences.kind !== 'perDays') continue
    const names = ruleNames(docs[rule.index]!)
    if (names === null || names.size === 0 || [...names].some((n) => taken.has(n))) continue
    for (const n of names) taken.add(n)
    batch.push(rule.index)
  }
  return batch
}

/** The lower-cased names of the events a rule can match (its top-level `event`), or null for any. */
function ruleNames(rule: { readonly when: Condition }): ReadonlySet<string> | null {
  const spec = rule.when.event
  return spec === undefined ? null : eventNames(spec)
}

/**
 * The names of the events anything in the model can match: the rules' (compared lower-cased)
 * and the history tests' and activity's (compared trimmed and lower-cased); null when
 * something matches any event.
 */
function usedNames(
  rules: readonly { readonly when: Condition }[],
  model: CompiledModel,
): { names: ReadonlySet<string>; trimmed: ReadonlySet<string> } | null {
  const names = new Set<string>()
  const trimmed = new Set<string>()
  for (const rule of rules) {
    const own = ruleNames(rule)
    if (own === null) return null
    for (const n of own) names.add(n)
  }
  for (const test of model.history) {
    if (test.events === null) return null
    for (const n of test.events) trimmed.add(n)
  }
  const activity = model.engagement.inactivity?.activity
  if (activity) for (const n of activity) trimmed.add(n)
  return { names, trimmed }
}
