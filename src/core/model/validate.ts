/**
 * Semantic checks of a model document that passed the schema: ids and references, ranges,
 * regular expressions, thresholds and classifier order. Each problem says what to write instead.
 * @module
 */

import { compilePattern } from '../pattern.js'
import {
  closest,
  type Issue,
  type IssueDraft,
  type IssueParams,
  type Locate,
  makeIssue,
  type PathSegment,
} from './issue.js'
import { CONDITION_KEYWORDS, GRADE_LETTERS } from './schema.js'
import { re2Problem, regexProblem } from './syntax-problems.js'
import type {
  Classifier,
  Condition,
  CountCondition,
  EngagementGroup,
  FitGroup,
  HistoryTest,
  ModelDocument,
  Operators,
  Scalar,
} from './types.js'

/** Options of {@link validateModel}. */
export interface ValidateOptions {
  /** Finds the source position of a path, so issues carry line and column. */
  readonly locate?: Locate
}

/**
 * Checks what the schema cannot: duplicate ids, unknown references (rule and group ids, stages,
 * `score.*` fields and their values), invalid regular expressions, ranges that can never hold,
 * thresholds out of order, unreachable classifier entries and the weight of fit against
 * engagement. Returns errors and warnings, in document order of the checks.
 */
export function validateModel(model: ModelDocument, options: ValidateOptions = {}): Issue[] {
  const checker = new ModelChecker(model, options.locate)
  checker.run()
  return checker.issues
}

/** Where a condition is evaluated, which decides what it may test. */
type ConditionContext =
  | { readonly kind: 'fit-rule' }
  | { readonly kind: 'engagement-rule' }
  | { readonly kind: 'contact'; readonly decides?: 'band' | 'journey' }
  | { readonly kind: 'account' }

/** What a `score.*` field can hold, for range and value checks. */
type ScoreDomain =
  | {
      readonly kind: 'number'
      readonly min: number
      readonly max?: number
      readonly why: string
      /** Which reason `why` gives, for the message catalog. */
      readonly whyKind: 'totalFloor' | 'total' | 'fit' | 'engagement' | 'likelihood'
    }
  | {
      readonly kind: 'name'
      readonly values: readonly string[]
      readonly what: 'grade' | 'level' | 'label' | 'band' | 'stage' | 'journey'
      readonly where: string
    }

/** The `score.` fields besides `score.group.<id>` and `score.rule.<id>`. */
const SCORE_NAMES = [
  'total',
  'fit',
  'engagement',
  'grade',
  'level',
  'label',
  'band',
  'stage',
  'journey',
  'likelihood',
] as const
const ORDER_KEYS = ['gt', 'gte', 'lt', 'lte'] as const
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

interface Bound {
  readonly value: number
  readonly inclusive: boolean
  readonly text: string
}

class ModelChecker {
  readonly issues: Issue[] = []
  private readonly model: ModelDocument
  private readonly locate: Locate | undefined
  private readonly engagementRuleIds = new Set<string>()
  private readonly fitRuleIds = new Set<string>()
  private readonly groupIds = new Set<string>()

  constructor(model: ModelDocument, locate: Locate | undefined) {
    this.model = model
    this.locate = locate
  }

  run(): void {
    if (this.model.fit === undefined && this.model.engagement === undefined) {
      this.report({
        code: 'no-parts',
        path: [],
        message: 'the model scores nothing: it has neither `fit` nor `engagement`',
        hint: 'add `fit:` (who the contact is) and/or `engagement:` (what the contact does)',
        hintKey: 'hint.no-parts',
      })
    }
    this.checkIds()
    this.checkLimits()
    this.checkThresholds()
    this.checkRules()
    this.checkClassifiers()
  }

  private report(draft: IssueDraft): void {
    this.issues.push(makeIssue(draft, this.locate))
  }

  private warn(draft: Omit<IssueDraft, 'severity'>): void {
    this.report({ ...draft, severity: 'warning' })
  }

  // ---------------------------------------------------------------------------------------------
  // Ids

  private checkIds(): void {
    const { model } = this
    const rules = new Map<string, PathSegment[]>()
    const groups = new Map<string, PathSegment[]>()
    const parts = [
      ['fit', model.fit?.groups ?? []],
      ['engagement', model.engagement?.groups ?? []],
    ] as const
    for (const [part, list] of parts) {
      for (const [g, group] of (list as readonly (FitGroup | EngagementGroup)[]).entries()) {
        const base = [part, 'groups', g]
        this.unique(groups, group.id, [...base, 'id'], 'group', 'parts')
        this.groupIds.add(group.id)
        for (const [r, rule] of group.rules.entries()) {
          if (rule.id === undefined) continue
          this.unique(rules, rule.id, [...base, 'rules', r, 'id'], 'rule', 'model')
          ;(part === 'fit' ? this.fitRuleIds : this.engagementRuleIds).add(rule.id)
        }
      }
    }
    const accountGroups = new Map<string, PathSegment[]>()
    for (const [g, group] of (model.accounts?.fit?.groups ?? []).entries()) {
      const base = ['accounts', 'fit', 'groups', g]
      this.unique(accountGroups, group.id, [...base, 'id'], 'group', 'accountGroups')
      for (const [r, rule] of group.rules.entries()) {
        if (rule.id === undefined) continue
        this.unique(rules, rule.id, [...base, 'rules', r, 'id'], 'rule', 'model')
      }
    }
    const lists: [Thing, readonly { readonly id: string }[] | undefined, PathSegment[]][] = [
      ['band', model.bands, ['bands']],
      ['stage', model.stages, ['stages']],
      ['journey', model.journey, ['journey']],
      ['segment', model.segments, ['segments']],
      ['accountBand', model.accounts?.bands, ['accounts', 'bands']],
      ['role', model.accounts?.committee?.roles, ['accounts', 'committee', 'roles']],
    ]
    for (const [what, entries, base] of lists) {
      const seen = new Map<string, PathSegment[]>()
      for (const [i, entry] of (entries ?? []).entries()) {
        this.unique(seen, entry.id, [...base, i, 'id'], what, 'list')
      }
    }
  }

  private unique(
    seen: Map<string, PathSegment[]>,
    id: string,
    path: PathSegment[],
    what: Thing,
    scope: keyof typeof UNIQUE_SCOPES,
  ) {
    const first = seen.get(id)
    if (first === undefined) {
      seen.set(id, path)
      return
    }
    const line = this.locate?.(first)?.line
    const rule = scope === 'list' ? `${THINGS[what]} ids must be unique` : UNIQUE_SCOPES[scope]
    this.report({
      code: 'duplicate-id',
      path,
      message: `${THINGS[what]} id \`${id}\` is already used${line === undefined ? '' : ` on line ${line}`}`,
      params: { what, id, line: line === undefined ? '' : String(line), scope },
      hint: `${rule}: rename one of them, e.g. \`${id}-2\``,
      hintKey: 'hint.duplicate-id',
    })
  }

  // ---------------------------------------------------------------------------------------------
  // Limits and thresholds

  private checkLimits(): void {
    const { fit, engagement, accounts } = this.model
    if (fit !== undefined) this.minMax(fit, ['fit'], 0)
    if (engagement !== undefined) this.minMax(engagement, ['engagement'], 0)
    if (accounts?.fit !== undefined) this.minMax(accounts.fit, ['accounts', 'fit'])
    const groupLists: [readonly (FitGroup | EngagementGroup)[] | undefined, PathSegment[]][] = [
      [fit?.groups, ['fit', 'groups']],
      [engagement?.groups, ['engagement', 'groups']],
      [accounts?.fit?.groups, ['accounts', 'fit', 'groups']],
    ]
    for (const [groups, base] of groupLists) {
      for (const [g, group] of (groups ?? []).entries()) {
        this.minMax(group, [...base, g])
        if (group.rules.length === 0) {
          this.warn({
            code: 'empty-group',
            path: [...base, g, 'rules'],
            message: `group \`${group.id}\` has no rules, so it always scores 0`,
            params: { group: group.id },
            hint: 'add rules to the group, or remove it',
            hintKey: 'hint.empty-group',
          })
        }
        // fit rules have no caps (the cast lets one loop serve both kinds of group)
        for (const [r, rule] of group.rules.entries()) {
          this.minMax(rule as { max?: number; min?: number }, [...base, g, 'rules', r])
        }
      }
    }
    if (fit !== undefined && engagement !== undefined && fit.max > (fit.max + engagement.max) / 2) {
      this.warn({
        code: 'fit-outweighs-engagement',
        path: ['fit', 'max'],
        message: `fit.max (${fit.max}) is more than half of the total (${fit.max + engagement.max}): explicit data should not outweigh behaviour`,
        params: { fitMax: String(fit.max), total: String(fit.max + engagement.max) },
        hint: 'lower fit.max or raise engagement.max, so that fit.max is at most engagement.max',
        hintKey: 'hint.fit-outweighs-engagement',
      })
    }
  }

  private minMax(
    part: { readonly max?: number; readonly min?: number },
    path: PathSegment[],
    defaultMin?: number,
  ) {
    const min = part.min ?? defaultMin
    if (part.max === undefined || min === undefined || min <= part.max) return
    const explicit = part.min !== undefined
    this.report({
      code: 'min-above-max',
      path: [...path, explicit ? 'min' : 'max'],
      message: explicit
        ? `min (${min}) is above max (${part.max}): no value fits`
        : `max (${part.max}) is below the default min of ${min}: no value fits`,
      params: { which: explicit ? 'explicit' : 'default', min: String(min), max: String(part.max) },
      hint: explicit
        ? 'make min at most max (were they swapped?)'
        : `write a max of at least ${min}, or set a lower min`,
      hintKey: explicit ? 'hint.min-above-max' : 'hint.max-below-default-min',
    })
  }

  private checkThresholds(): void {
    const { fit, engagement } = this.model
    if (fit?.grades !== undefined) {
      const grades = GRADE_LETTERS.flatMap((letter) => {
        const value = fit.grades?.[letter]
        return value === undefined ? [] : [{ name: letter, value }]
      })
      this.thresholds(
        grades,
        ['fit', 'grades'],
        'grade',
        'fit',
        fit.max,
        '`grades: { A: 30, B: 20, C: 10, D: 5 }`',
      )
    }
    if (engagement?.levels !== undefined) {
      const levels = Object.entries(engagement.levels)
        .map(([name, value]) => ({ name, value }))
        .sort((a, b) => Number(a.name) - Number(b.name))
      const example = '`levels: { 1: 35, 2: 20, 3: 10 }`'
      this.thresholds(levels, ['engagement', 'levels'], 'level', 'engagement', engagement.max, example)
    }
  }

  private thresholds(
    entries: readonly { readonly name: string; readonly value: number }[],
    path: PathSegment[],
    what: 'grade' | 'level',
    part: 'fit' | 'engagement',
    max: number,
    example: string,
  ): void {
    for (const [i, entry] of entries.entries()) {
      const previous = entries[i - 1]
      if (previous !== undefined && entry.value >= previous.value) {
        this.warn({
          code: 'thresholds-not-descending',
          path: [...path, entry.name],
          message: `${what} ${entry.name} needs ${entry.value} ${part} points, not fewer than ${what} ${previous.name} (${previous.value}): every contact that reaches ${entry.name} gets ${previous.name} first, so ${entry.name} is never given`,
          params: {
            what,
            part,
            name: entry.name,
            value: String(entry.value),
            previous: previous.name,
            previousValue: String(previous.value),
            example,
          },
          hint: `give each ${what} a lower threshold than the one before, e.g. ${example}`,
          hintKey: 'hint.thresholds-not-descending',
        })
      } else if (entry.value > max) {
        this.warn({
          code: 'threshold-unreachable',
          path: [...path, entry.name],
          message: `${what} ${entry.name} needs ${entry.value} ${part} points, but the ${part} part is capped at ${max} (${part}.max), so it is never given`,
          params: { what, part, name: entry.name, value: String(entry.value), max: String(max) },
          hint: `lower the threshold to at most ${max}, or raise ${part}.max`,
          hintKey: 'hint.threshold-unreachable',
        })
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rules

  private checkRules(): void {
    const { fit, engagement, accounts } = this.model
    const fitLists = [
      [fit?.groups, ['fit', 'groups']],
      [accounts?.fit?.groups, ['accounts', 'fit', 'groups']],
    ] as const
    for (const [groups, base] of fitLists) {
      for (const [g, group] of (groups ?? []).entries()) {
        for (const [r, rule] of group.rules.entries()) {
          this.condition(rule.when, [...base, g, 'rules', r, 'when'], { kind: 'fit-rule' })
        }
      }
    }
    for (const [g, group] of (engagement?.groups ?? []).entries()) {
      for (const [r, rule] of group.rules.entries()) {
        const path = ['engagement', 'groups', g, 'rules', r]
        this.condition(rule.when, [...path, 'when'], { kind: 'engagement-rule' })
        if (rule.count !== undefined) this.count(rule.count, [...path, 'count'])
      }
    }
    const committee = accounts?.committee
    if (committee?.engagedWhen !== undefined) {
      this.condition(committee.engagedWhen, ['accounts', 'committee', 'engagedWhen'], { kind: 'contact' })
    }
    for (const [i, role] of (committee?.roles ?? []).entries()) {
      this.condition(role.when, ['accounts', 'committee', 'roles', i, 'when'], { kind: 'contact' })
    }
  }

  private count(count: CountCondition, path: PathSegment[]): void {
    const lower = bound(count, 'lower', 0)
    const upper = bound(count, 'upper')
    if (emptyRange(lower, upper) || (count.eq !== undefined && outside(count.eq, lower, upper))) {
      const shown = describeOperators(count, ['gte', 'gt', 'lte', 'lt', 'eq'])
      this.warn({
        code: 'impossible-condition',
        path,
        message: `no number of events satisfies \`count: ${shown}\`, so the rule never scores`,
        params: { variant: 'count', test: shown },
        hint: 'check the comparison: a count is a whole number of at least 0, e.g. `count: { gte: 5, withinDays: 30 }`',
        hintKey: 'hint.impossible-count',
      })
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Classifiers

  private checkClassifiers(): void {
    const { model } = this
    this.classifiers(model.bands, ['bands'], 'band', { kind: 'contact', decides: 'band' }, true)
    this.classifiers(model.journey, ['journey'], 'journey', { kind: 'contact', decides: 'journey' }, true)
    this.classifiers(model.segments, ['segments'], 'segment', { kind: 'contact' }, false)
    this.classifiers(model.stages, ['stages'], 'stage', { kind: 'contact' }, false)
    this.classifiers(model.accounts?.bands, ['accounts', 'bands'], 'accountBand', { kind: 'account' }, true)
    const stages = model.stages ?? []
    const handoffs = stages.flatMap((s, i) => (s.handoff === true ? [i] : []))
    for (const i of handoffs.slice(1)) {
      this.report({
        code: 'duplicate-handoff',
        path: ['stages', i, 'handoff'],
        message: `only one stage can be the hand-off stage; \`${stages[handoffs[0]!]!.id}\` already is`,
        params: { stage: stages[handoffs[0]!]!.id },
        hint: 'remove `handoff: true` from all stages but one',
        hintKey: 'hint.duplicate-handoff',
      })
    }
    for (const [i, stage] of stages.entries()) {
      if (stage.recycle === undefined) continue
      const path = ['stages', i, 'recycle']
      this.condition(stage.recycle.when, [...path, 'when'], { kind: 'contact' })
      const to = stage.recycle.to
      const target = stages.findIndex((s) => s.id === to)
      const earlier = stages.slice(0, i).map((s) => s.id)
      const firstStage: Hinted = {
        hint: 'remove `recycle` from the first stage: there is no earlier stage',
        hintKey: 'hint.recycle-first-stage',
      }
      if (target < 0) {
        const match = closest(
          to,
          stages.map((s) => s.id),
        )
        this.report({
          code: 'unknown-stage',
          path: [...path, 'to'],
          message: `no stage has the id \`${to}\``,
          ...hinted(
            {
              stage: to,
              from: stage.id,
              ...(match === undefined ? {} : { suggestion: match }),
              ...listParams(earlier, 'stages'),
            },
            match !== undefined
              ? suggest(match)
              : earlier.length === 0
                ? firstStage
                : {
                    hint: `write one of the stages before \`${stage.id}\`: ${list(earlier)}`,
                    hintKey: 'hint.earlier-stages',
                  },
          ),
        })
      } else if (target >= i) {
        this.warn({
          code: 'recycle-forward',
          path: [...path, 'to'],
          message: `\`recycle\` moves a contact back, but \`${to}\` is not before \`${stage.id}\``,
          ...hinted(
            { stage: to, from: stage.id, earlier: earlier.at(-1) ?? '' },
            earlier.length === 0
              ? firstStage
              : {
                  hint: `name an earlier stage, e.g. \`to: ${earlier.at(-1)}\``,
                  hintKey: 'hint.earlier-stage',
                },
          ),
        })
      }
    }
  }

  private classifiers(
    entries: readonly Classifier[] | undefined,
    path: PathSegment[],
    what: Thing,
    context: ConditionContext,
    exclusive: boolean,
  ): void {
    let catchAll: Classifier | undefined
    for (const [i, entry] of (entries ?? []).entries()) {
      if (exclusive && catchAll !== undefined) {
        this.warn({
          code: 'unreachable-entry',
          path: [...path, i],
          message: `${THINGS[what]} \`${entry.id}\` is never chosen: \`${catchAll.id}\` above it has no condition and takes every contact that gets that far`,
          params: { what, id: entry.id, catchAll: catchAll.id },
          hint: `move \`${catchAll.id}\` to the end of the list, or give it a \`when\``,
          hintKey: 'hint.unreachable-entry',
        })
      }
      if (entry.when !== undefined) this.condition(entry.when, [...path, i, 'when'], context)
      const always = entry.when === undefined || Object.keys(entry.when).length === 0
      if (catchAll === undefined && always) catchAll = entry
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Conditions

  private condition(condition: Condition, path: PathSegment[], context: ConditionContext): void {
    for (const [key, value] of Object.entries(condition)) {
      if (value === undefined) continue
      const at = [...path, key]
      if (key === 'all' || key === 'any') {
        const conditions = value as readonly Condition[]
        if (key === 'any' && conditions.length === 0) {
          this.warn({
            code: 'impossible-condition',
            path: at,
            message: '`any: []` never holds: it needs one of no conditions to hold',
            params: { variant: 'emptyAny' },
            hint: 'list at least one condition, or remove `any`',
            hintKey: 'hint.empty-any',
          })
        }
        for (const [i, inner] of conditions.entries()) this.condition(inner, [...at, i], context)
      } else if (key === 'not') {
        this.condition(value as Condition, at, context)
      } else if (key === 'did' || key === 'didNot') {
        this.history(value as HistoryTest, at, key)
      } else if (key === 'event') {
        this.eventKey(value as string | readonly string[], at, context)
      } else {
        this.field(key, value as Operators | Scalar | readonly Scalar[], at, context)
      }
    }
  }

  private eventKey(value: string | readonly string[], path: PathSegment[], context: ConditionContext): void {
    if (context.kind !== 'engagement-rule') {
      this.report({
        code: 'event-outside-engagement',
        path,
        target: 'key',
        message: '`event` selects the events an engagement rule scores; it has no meaning here',
        hint: 'to test the event history, write `did: { event: Demo Requested, withinDays: 30 }`',
        hintKey: 'hint.event-outside-engagement',
      })
    } else if (Array.isArray(value) && value.length === 0) {
      this.warn({
        code: 'impossible-condition',
        path,
        message: '`event: []` matches no event, so the rule never scores',
        params: { variant: 'noEvent' },
        hint: 'list at least one event name, or write `event: any` for every event',
        hintKey: 'hint.empty-event',
      })
    }
  }

  private history(test: HistoryTest, path: PathSegment[], key: 'did' | 'didNot'): void {
    const names = test.rule === undefined ? [] : typeof test.rule === 'string' ? [test.rule] : test.rule
    const ids = [...this.engagementRuleIds]
    for (const [i, name] of names.entries()) {
      if (this.engagementRuleIds.has(name)) continue
      this.report({
        code: 'unknown-rule',
        path: typeof test.rule === 'string' ? [...path, 'rule'] : [...path, 'rule', i],
        message: this.fitRuleIds.has(name)
          ? `\`${name}\` is a fit rule, but \`${key}\` tests events: it needs an engagement rule id`
          : `no engagement rule has the id \`${name}\``,
        ...this.ruleHint(name, ids, {
          variant: this.fitRuleIds.has(name) ? 'fitRule' : 'history',
          rule: name,
          test: key,
        }),
      })
    }
    if (key === 'did' && Array.isArray(test.event) && test.event.length === 0) {
      this.warn({
        code: 'impossible-condition',
        path: [...path, 'event'],
        message: '`event: []` names no event, so `did` never holds',
        params: { variant: 'noHistoryEvent' },
        hint: 'list at least one event name, or write `event: any` for every event',
        hintKey: 'hint.empty-event',
      })
    }
  }

  private field(
    field: string,
    test: Operators | Scalar | readonly Scalar[],
    path: PathSegment[],
    context: ConditionContext,
  ): void {
    const keyword = CONDITION_KEYWORDS.find((k) => k.toLowerCase() === field.toLowerCase())
    if (keyword !== undefined) {
      this.warn({
        code: 'keyword-case',
        path,
        target: 'key',
        message: `\`${field}\` is read as a field name, not as the keyword \`${keyword}\``,
        params: { field, keyword },
        hint: `keywords are case-sensitive: write \`${keyword}\``,
        hintKey: 'hint.keyword-case',
      })
    }
    const domain = field.startsWith('score.') ? this.scoreField(field, path, context) : undefined
    if (Array.isArray(test)) {
      // shorthand: a list means { in: [...] }
      if (test.length === 0) {
        this.warn({
          code: 'impossible-condition',
          path,
          message: `\`${field}: []\` matches no value (an empty list is shorthand for \`in: []\`)`,
          params: { variant: 'emptyList', field },
          hint: 'list at least one value, or remove this test',
          hintKey: 'hint.empty-list',
        })
      }
      for (const [i, value] of (test as readonly Scalar[]).entries())
        this.knownValue(value, [...path, i], domain)
    } else if (test !== null && typeof test === 'object') {
      this.operators(field, test as Operators, path, domain)
    } else {
      // shorthand: a value means { eq: value }
      this.knownValue(test as Scalar, path, domain)
    }
  }

  /** Checks a `score.*` field name where it is used; returns what it can hold, for value checks. */
  private scoreField(field: string, path: PathSegment[], context: ConditionContext): ScoreDomain | undefined {
    const name = field.slice('score.'.length)
    const error = (code: string, message: string, params: IssueParams, hint: Hinted) =>
      this.report({
        code,
        path,
        target: 'key',
        message,
        params: { field, ...params, ...hint.params },
        hint: hint.hint,
        hintKey: hint.hintKey,
      })
    if (context.kind === 'fit-rule' || context.kind === 'engagement-rule') {
      const [rule, sees] =
        context.kind === 'fit-rule'
          ? ['a fit rule', 'contact and account properties']
          : ['an engagement rule', 'the event, its properties and the event history']
      error(
        'score-in-rule',
        `\`${field}\` cannot be used in ${rule}: its condition sees ${sees} only`,
        { rule: context.kind === 'fit-rule' ? 'fit' : 'engagement' },
        {
          hint: 'act on scores in `bands`, `stages`, `journey` or `segments`, e.g. a segment with `when: { score.total: { gte: 50 } }`',
          hintKey: 'hint.score-in-rule',
        },
      )
      return undefined
    }
    const dot = name.indexOf('.')
    const kind = dot < 0 ? name : name.slice(0, dot)
    if (dot >= 0 && (kind === 'group' || kind === 'rule')) {
      const id = name.slice(dot + 1)
      const ids = [...(kind === 'group' ? this.groupIds : [...this.fitRuleIds, ...this.engagementRuleIds])]
      if (context.kind === 'account' || ids.includes(id)) return undefined
      const match = closest(id, ids)
      error(
        kind === 'group' ? 'unknown-group' : 'unknown-rule',
        `no fit or engagement ${kind} has the id \`${id}\``,
        { variant: 'score', kind, id },
        match !== undefined
          ? suggest(`score.${kind}.${match}`)
          : ids.length === 0
            ? {
                hint: `give the ${kind} an \`id:\`, then refer to it as \`score.${kind}.<id>\``,
                hintKey: 'hint.give-id',
                params: { kind },
              }
            : {
                hint: `the ${kind} ids are ${list(ids)}`,
                hintKey: 'hint.ids',
                params: { kind, ...listParams(ids, 'ids') },
              },
      )
      return undefined
    }
    if (!(SCORE_NAMES as readonly string[]).includes(name)) {
      if (name === 'group' || name === 'rule') {
        const example = [...(name === 'group' ? this.groupIds : this.engagementRuleIds)][0] ?? 'web'
        error(
          'unknown-score-field',
          `\`${field}\` needs a ${name} id`,
          { variant: 'needsId', kind: name },
          {
            hint: `write \`score.${name}.${example}\``,
            hintKey: 'hint.score-id',
            params: { example: `score.${name}.${example}` },
          },
        )
      } else {
        const known = [...SCORE_NAMES.map((n) => `score.${n}`), 'score.group.<id>', 'score.rule.<id>']
        const suggestion = closest(name, SCORE_NAMES)
        error(
          'unknown-score-field',
          `\`${field}\` is not a score`,
          { variant: 'notAScore' },
          suggestion === undefined
            ? {
                hint: `the scores are ${list(known)}`,
                hintKey: 'hint.scores',
                params: listParams(known, 'scores'),
              }
            : suggest(`score.${suggestion}`),
        )
      }
      return undefined
    }
    if (context.kind === 'contact' && context.decides === name) {
      error(
        'self-reference',
        `a ${name} condition cannot use \`${field}\`: the ${name} is what this list decides`,
        { decides: name },
        {
          hint: 'test `score.total`, `score.fit` or `score.engagement` instead',
          hintKey: 'hint.self-reference',
        },
      )
      return undefined
    }
    if (name === 'likelihood' && this.model.predictive === undefined) {
      this.warn({
        code: 'likelihood-without-predictive',
        path,
        target: 'key',
        message: '`score.likelihood` is always missing: the model has no `predictive` part',
        hint: 'add `predictive: { model: <trained model id> }`, or remove this test',
        hintKey: 'hint.likelihood-without-predictive',
      })
    }
    return context.kind === 'account' ? undefined : this.domainOf(name)
  }

  private domainOf(name: string): ScoreDomain | undefined {
    const { fit, engagement, predictive, bands, stages, journey } = this.model
    const named = (values: readonly string[], what: NamedScore, where: string): ScoreDomain => ({
      kind: 'name',
      values,
      what,
      where,
    })
    const grades =
      fit?.grades === undefined ? [] : [...GRADE_LETTERS.filter((l) => fit.grades?.[l] !== undefined), 'F']
    const levelNumbers = Object.keys(engagement?.levels ?? {}).map(Number)
    const levels =
      levelNumbers.length === 0 ? [] : [...levelNumbers, Math.max(...levelNumbers) + 1].map(String)
    switch (name) {
      case 'total': {
        const max = (fit?.max ?? 0) + (engagement?.max ?? 0)
        // the predictive part adds points on top of the clamped total
        return predictive?.weight
          ? { kind: 'number', min: 0, why: 'the total is clamped at 0', whyKind: 'totalFloor' }
          : {
              kind: 'number',
              min: 0,
              max,
              why: `the total is clamped to [0, ${max}], fit.max + engagement.max`,
              whyKind: 'total',
            }
      }
      case 'fit':
      case 'engagement': {
        const part = name === 'fit' ? fit : engagement
        if (part === undefined) return undefined
        const min = part.min ?? 0
        return {
          kind: 'number',
          min,
          max: part.max,
          why: `the ${name} part is clamped to [${min}, ${part.max}]`,
          whyKind: name,
        }
      }
      case 'likelihood':
        return {
          kind: 'number',
          min: 0,
          max: 100,
          why: 'the likelihood is a percentage',
          whyKind: 'likelihood',
        }
      case 'grade':
        return named(grades, 'grade', '`fit.grades`')
      case 'level':
        return named(levels, 'level', '`engagement.levels`')
      case 'label':
        return named(
          grades.flatMap((g) => levels.map((l) => `${g}${l}`)),
          'label',
          '`fit.grades` and `engagement.levels`',
        )
      case 'band':
        return named(
          (bands ?? []).map((b) => b.id),
          'band',
          '`bands`',
        )
      case 'stage':
        return named(
          (stages ?? []).map((s) => s.id),
          'stage',
          '`stages`',
        )
      case 'journey':
        return named(
          (journey ?? []).map((j) => j.id),
          'journey',
          '`journey`',
        )
      default:
        return undefined
    }
  }

  /** Warns when a value compared with a named score (`score.band: hott`) is not one the model defines. */
  private knownValue(value: Scalar, path: PathSegment[], domain: ScoreDomain | undefined): void {
    if (domain?.kind !== 'name' || value === null) return
    const text = String(value)
    if (domain.values.some((v) => this.sameText(v, text))) return
    this.warn({
      code: 'unknown-value',
      path,
      message:
        domain.values.length === 0
          ? `the model defines no ${NAMED_SCORES[domain.what]}s (${domain.where}), so \`${text}\` never matches`
          : `no ${NAMED_SCORES[domain.what]} is called \`${text}\`, so it never matches`,
      ...hinted(
        {
          variant: domain.values.length === 0 ? 'none' : 'unknown',
          what: domain.what,
          where: domain.where,
          value: text,
        },
        domain.values.length === 0
          ? { hint: `define ${domain.where}, or remove this test`, hintKey: 'hint.define' }
          : (suggestion(text, domain.values) ?? {
              hint: `the ${NAMED_SCORES[domain.what]}s are ${list(domain.values)}`,
              hintKey: 'hint.values',
              params: listParams(domain.values, 'values'),
            }),
      ),
    })
  }

  private sameText(a: string, b: string): boolean {
    return this.model.caseSensitive ? a === b : a.trim().toLowerCase() === b.trim().toLowerCase()
  }

  private operators(
    field: string,
    ops: Operators,
    path: PathSegment[],
    domain: ScoreDomain | undefined,
  ): void {
    if (Object.keys(ops).length === 0) {
      this.warn({
        code: 'empty-test',
        path,
        message: `\`${field}: {}\` has no operator, so it always holds`,
        params: { field },
        hint: 'add an operator, e.g. `{ exists: true }`, or remove this test',
        hintKey: 'hint.empty-test',
      })
      return
    }
    if (ops.matches !== undefined) this.pattern(ops.matches, [...path, 'matches'])
    let comparable = true
    for (const key of ORDER_KEYS) {
      const value = ops[key]
      if (typeof value !== 'string' || orderValue(value) !== undefined) continue
      comparable = false
      this.report({
        code: 'invalid-order-value',
        path: [...path, key],
        message: `\`${key}: ${value}\` is neither a number nor an ISO date, so it matches nothing`,
        params: { key, value },
        hint: `write a number (\`${key}: 200\`) or an ISO date (\`${key}: 2024-01-01\`); to compare text, use \`eq\`, \`in\` or \`startsWith\``,
        hintKey: 'hint.invalid-order-value',
      })
    }
    for (const key of ['eq', 'ne'] as const) {
      const value = ops[key]
      if (value !== undefined) this.knownValue(value, [...path, key], domain)
    }
    for (const key of ['in', 'notIn'] as const) {
      for (const [i, value] of (ops[key] ?? []).entries()) this.knownValue(value, [...path, key, i], domain)
    }
    const never = comparable ? this.neverHolds(field, ops, domain) : undefined
    if (never !== undefined) {
      // model-format.md: impossible ranges are errors (a rule that can never score is a mistake)
      this.report({
        code: 'impossible-range',
        path,
        message: `${never.message}, so this test never holds`,
        params: never.params,
        hint: never.hint,
        hintKey: never.hintKey,
      })
    }
  }

  private pattern(source: string, path: PathSegment[]): void {
    try {
      // compiled as the evaluator does (case-insensitive, no `u` flag, so `\-` is accepted)
      new RegExp(source, 'i')
    } catch (error) {
      const detail = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
      this.report({
        code: 'invalid-regex',
        path,
        message: `invalid regular expression: ${detail}`,
        params: { detail, regexProblem: regexProblem(detail) },
        hintKey: 'hint.invalid-regex',
        hint: 'check brackets and escapes: escape `( ) [ ] { } + ? * . |` with `\\` to match them literally, and escape nothing else (`-` needs no backslash outside `[...]`)',
      })
      return
    }
    try {
      compilePattern(source)
    } catch (error) {
      const detail = (error as Error).message.replace(/^error parsing regexp: /, '')
      this.report({
        code: 'unsupported-regex',
        path,
        message: `the pattern uses what the safe regular expression engine (RE2) does not run: ${detail}`,
        params: { detail, ...re2Problem(detail) },
        hintKey: 'hint.unsupported-regex',
        hint: 'lookarounds `(?=`, `(?!`, `(?<=` and backreferences `\\1` are not supported (they can make matching take forever): rewrite the test with `all`, `any` and `not`',
      })
      return
    }
    const control = controlCharacter(source)
    if (control !== undefined) {
      this.warn({
        code: 'regex-control-character',
        path,
        message: `the pattern contains ${control.text}: in a double-quoted YAML string, \`\\b\` is a backspace, not a word boundary`,
        params: control.params,
        hintKey: 'hint.regex-control-character',
        hint: "quote regular expressions with single quotes: `matches: '\\b(vp|director)\\b'`",
      })
    }
  }

  /** Why a field's operators can never hold together, or undefined when they can. */
  private neverHolds(field: string, ops: Operators, domain: ScoreDomain | undefined): Never | undefined {
    const shown = describeOperators(ops, Object.keys(ops))
    const never = (
      variant: string,
      message: string,
      hintKey: string,
      hint: string,
      more: IssueParams = {},
    ) => ({
      message,
      hint,
      hintKey,
      params: { variant, field, test: shown, ...more },
    })
    if (ops.exists === false && Object.keys(ops).some((k) => k !== 'exists' && k !== 'ne' && k !== 'notIn')) {
      return never(
        'missingAndPresent',
        `\`${shown}\` needs \`${field}\` to be missing and present at once (a missing field matches only \`exists: false\`, \`ne\` and \`notIn\`)`,
        'hint.exists-false',
        '`exists: false` tests that the field is missing: remove it, or remove the other operators',
      )
    }
    if (ops.in !== undefined && ops.in.length === 0) {
      return never(
        'emptyIn',
        '`in: []` matches no value',
        'hint.empty-in',
        'list at least one value, or remove `in`',
      )
    }
    const same = (a: Scalar, b: Scalar) =>
      typeof a === 'string' && typeof b === 'string' ? this.sameText(a, b) : a === b
    const eq = ops.eq
    if (eq !== undefined) {
      const value = { value: String(eq) }
      if (ops.ne !== undefined && same(eq, ops.ne)) {
        return never(
          'eqAndNe',
          `\`${shown}\` asks for a value equal to and different from \`${String(eq)}\``,
          'hint.keep-eq-or-ne',
          'keep `eq` or `ne`',
          value,
        )
      }
      if (ops.in !== undefined && !ops.in.some((v) => same(v, eq))) {
        return never(
          'eqNotIn',
          `in \`${shown}\`, \`${String(eq)}\` is not in the \`in\` list`,
          'hint.keep-eq-or-in',
          'keep `eq` or `in`',
          value,
        )
      }
      if (ops.notIn?.some((v) => same(v, eq))) {
        return never(
          'eqInNotIn',
          `in \`${shown}\`, \`${String(eq)}\` is in the \`notIn\` list`,
          'hint.keep-eq-or-not-in',
          'keep `eq` or `notIn`',
          value,
        )
      }
    }
    const lower = bound(ops, 'lower')
    const upper = bound(ops, 'upper')
    if (lower !== undefined && upper !== undefined && emptyRange(lower, upper)) {
      return never(
        'emptyRange',
        `\`${shown}\` leaves no value between its bounds`,
        'hint.check-bounds',
        `check the bounds: from ${upper.text} to ${lower.text} is \`{ gte: ${upper.text}, lte: ${lower.text} }\``,
        { from: upper.text, to: lower.text },
      )
    }
    const eqValue = eq === undefined || eq === null ? undefined : orderValue(eq)
    if (eqValue !== undefined && outside(eqValue, lower, upper)) {
      return never(
        'eqOutside',
        `in \`${shown}\`, \`eq: ${String(eq)}\` is outside the range`,
        'hint.keep-eq-or-range',
        'keep `eq` or the range',
        { value: String(eq) },
      )
    }
    if (domain?.kind !== 'number') return undefined
    const { min, max } = domain
    const why = { why: domain.whyKind, min: String(min), max: max === undefined ? '' : String(max) }
    if (
      max !== undefined &&
      lower !== undefined &&
      (lower.inclusive ? lower.value > max : lower.value >= max)
    ) {
      return never(
        'aboveMax',
        `\`${field}\` is at most ${max} (${domain.why})`,
        'hint.lower-threshold',
        `lower the threshold: the highest possible value is ${max}`,
        why,
      )
    }
    if (upper !== undefined && (upper.inclusive ? upper.value < min : upper.value <= min)) {
      return never(
        'belowMin',
        `\`${field}\` is at least ${min} (${domain.why})`,
        'hint.raise-threshold',
        `raise the threshold: the lowest possible value is ${min}`,
        why,
      )
    }
    return undefined
  }

  /** The hint of an unknown engagement rule id: the closest id, the ids, or how to name a rule. */
  private ruleHint(
    name: string,
    ids: readonly string[],
    params: IssueParams,
  ): Pick<IssueDraft, 'params' | 'hint' | 'hintKey'> {
    return hinted(
      params,
      suggestion(name, ids) ??
        (ids.length === 0
          ? { hint: 'give the engagement rule an `id:`, then refer to it here', hintKey: 'hint.give-rule-id' }
          : {
              hint: `the engagement rule ids are ${list(ids)}; or test event names with \`event:\``,
              hintKey: 'hint.rule-ids',
              params: listParams(ids, 'ids'),
            }),
    )
  }
}

/** Why a test never holds: the message (before `, so this test never holds`), hint and params. */
interface Never {
  readonly message: string
  readonly hint: string
  readonly hintKey: string
  readonly params: IssueParams
}

/** A number or an ISO date (as epoch milliseconds) from an order operator's value. */
function orderValue(value: Scalar): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (text !== '' && Number.isFinite(Number(text))) return Number(text)
  if (!ISO_DATE.test(text)) return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : time
}

/** The tighter lower (`gt`/`gte`) or upper (`lt`/`lte`) bound of operators, if their values compare. */
function bound(ops: Operators | CountCondition, side: 'lower' | 'upper', floor?: number): Bound | undefined {
  const keys = side === 'lower' ? (['gt', 'gte'] as const) : (['lt', 'lte'] as const)
  let best: Bound | undefined =
    floor === undefined ? undefined : { value: floor, inclusive: true, text: String(floor) }
  for (const key of keys) {
    const raw = ops[key]
    if (raw === undefined) continue
    const value = orderValue(raw)
    if (value === undefined) return undefined
    const candidate: Bound = { value, inclusive: key.endsWith('e'), text: String(raw) }
    if (best === undefined || (side === 'lower' ? value > best.value : value < best.value)) best = candidate
    else if (value === best.value && !candidate.inclusive) best = candidate
  }
  return best
}

/** Whether no value satisfies both bounds. */
function emptyRange(lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (lower === undefined || upper === undefined) return false
  return lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive))
}

/** Whether `value` fails the lower or the upper bound. */
function outside(value: number, lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (lower !== undefined && (lower.inclusive ? value < lower.value : value <= lower.value)) return true
  return upper !== undefined && (upper.inclusive ? value > upper.value : value >= upper.value)
}

/** Names the first control character of a pattern (a regular expression never needs one). */
function controlCharacter(text: string): { text: string; params: IssueParams } | undefined {
  for (const char of text) {
    const code = char.charCodeAt(0)
    if (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) continue
    const hex = `U+${code.toString(16).padStart(4, '0')}`
    return code === 0x08
      ? { text: 'a backspace character', params: { character: 'backspace', code: hex } }
      : { text: `the control character ${hex}`, params: { character: 'other', code: hex } }
  }
  return undefined
}

function describeOperators(ops: object, keys: readonly string[]): string {
  const entries = keys
    .map((key) => [key, (ops as Record<string, unknown>)[key]] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
  return `{ ${entries.join(', ')} }`
}

/** `\`a\`, \`b\`, \`c\``, shortened after a dozen values. */
function list(values: readonly string[]): string {
  const shown = values.slice(0, 12).map((v) => `\`${v}\``)
  return values.length > 12 ? `${shown.join(', ')}, ... (${values.length} in all)` : shown.join(', ')
}

/**
 * The params of a {@link list}: `<name>` the shown values, `<name>Total` how many there are in
 * all when it is more than are shown (else empty).
 */
function listParams(values: readonly string[], name: string): IssueParams {
  return {
    [name]: values
      .slice(0, 12)
      .map((v) => `\`${v}\``)
      .join(', '),
    [`${name}Total`]: values.length > 12 ? String(values.length) : '',
  }
}

/** A hint, the message catalog's key for it and the values it adds to the issue's params. */
interface Hinted {
  readonly hint: string
  readonly hintKey: string
  readonly params?: IssueParams
}

/** The hint part of an issue draft: the message's params and the hint's. */
function hinted(params: IssueParams, hint: Hinted): Pick<IssueDraft, 'params' | 'hint' | 'hintKey'> {
  return { params: { ...params, ...hint.params }, hint: hint.hint, hintKey: hint.hintKey }
}

/** `did you mean \`x\`?` */
function suggest(match: string): Hinted {
  return { hint: `did you mean \`${match}\`?`, hintKey: 'hint.did-you-mean', params: { suggestion: match } }
}

/** {@link suggest} for the closest candidate, or undefined when none is close. */
function suggestion(word: string, candidates: readonly string[]): Hinted | undefined {
  const match = closest(word, candidates)
  return match === undefined ? undefined : suggest(match)
}

/** The kinds of things a model names with ids, as the English messages say them. */
const THINGS = {
  group: 'group',
  rule: 'rule',
  band: 'band',
  stage: 'stage',
  journey: 'journey stage',
  segment: 'segment',
  accountBand: 'account band',
  role: 'role',
} as const
type Thing = keyof typeof THINGS

/** Why ids must be unique, by scope (`list`: in their own list). */
const UNIQUE_SCOPES = {
  parts: 'group ids must be unique across fit and engagement',
  model: 'rule ids must be unique across the model',
  accountGroups: 'account group ids must be unique',
  list: '',
} as const

/** The named scores (`score.band`, ...), as the English messages say them. */
const NAMED_SCORES = {
  grade: 'grade',
  level: 'level',
  label: 'label',
  band: 'band',
  stage: 'stage',
  journey: 'journey stage',
} as const
type NamedScore = keyof typeof NAMED_SCORES
