/**
 * Regular expressions of `matches`, safe against catastrophic backtracking (ReDoS): a model
 * comes from a person, values from anyone on the internet, and one bad pair must not hang
 * the server. Every pattern must compile with RE2 (linear-time matching: no lookaround, no
 * backreferences). Patterns that can backtrack exponentially (a repeated group that itself
 * repeats or alternates, like `(a+)+` or `(\w+\s?)*`) are always matched by RE2; the others
 * use V8's faster engine for values up to {@link FAST_PATH_CHARS} characters, which bounds
 * polynomial backtracking (`.*.*=.*`), and RE2 beyond. Matching is case-insensitive.
 * @module
 */
import { RE2JS } from 're2js'

/** Values longer than this are matched in linear time whatever the pattern. */
export const FAST_PATH_CHARS = 256

export type PatternTest = (text: string) => boolean

/**
 * True when `source` has a group repeated without bound (`*`, `+`, `{n,}`) that contains a
 * repetition or an alternation: the shape of exponential backtracking.
 */
export function mayBacktrack(source: string): boolean {
  // per open group: does it contain a repetition or an alternation?
  const groups: boolean[] = []
  /** The repetition at `at`: unbounded (`*`, `+`, `{n,}`, or `{n,m}` with m ≥ 10), bounded, or none. */
  const repetitionAt = (at: number): 'unbounded' | 'bounded' | undefined => {
    const c = source[at]
    if (c === '*' || c === '+') return 'unbounded'
    if (c === '{') {
      const m = /^\{(\d*)(,(\d*))?\}/.exec(source.slice(at))
      if (m === null) return undefined
      if (m[2] === undefined) return 'bounded'
      return m[3] === '' || Number(m[3]) >= 10 ? 'unbounded' : 'bounded'
    }
    return undefined
  }
  const mark = () => {
    if (groups.length > 0) groups[groups.length - 1] = true
  }
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    if (c === '\\') {
      i += 2
    } else if (c === '[') {
      // a character class: skip to its end
      i++
      if (source[i] === '^') i++
      if (source[i] === ']') i++
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1
      i++
    } else if (c === '(') {
      groups.push(false)
      i++
    } else if (c === ')') {
      const risky = groups.pop() ?? false
      i++
      const repeat = repetitionAt(i)
      if (risky && repeat === 'unbounded') return true
      if (risky || repeat !== undefined) mark()
    } else if (c === '|') {
      mark()
      i++
    } else {
      if (repetitionAt(i) !== undefined) mark()
      i++
    }
  }
  return false
}

/** Compiles a `matches` pattern; throws a `SyntaxError` saying what RE2 cannot compile. */
export function compilePattern(source: string): PatternTest {
  let linear: RE2JS
  try {
    linear = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE)
  } catch (error) {
    throw new SyntaxError((error as Error).message)
  }
  const slowSafe: PatternTest = (text) => linear.matcher(text).find()
  if (mayBacktrack(source)) return slowSafe
  let fast: RegExp
  try {
    fast = new RegExp(source, 'i')
  } catch {
    return slowSafe
  }
  return (text) => (text.length <= FAST_PATH_CHARS ? fast.test(text) : slowSafe(text))
}
