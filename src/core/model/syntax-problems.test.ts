import { describe, expect, it } from 'vitest'
import { compilePattern } from '../pattern.js'
import { jsonProblem, re2Problem, regexProblem } from './syntax-problems.js'

function jsonError(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${text} is JSON`)
}

function regexError(source: string): string {
  try {
    new RegExp(source, 'i')
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${source} is a regular expression`)
}

function re2Error(source: string): string {
  try {
    compilePattern(source)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`RE2 runs ${source}`)
}

describe('what the parsers found wrong, by code', () => {
  it.each([
    ['{"a": 1', 'comma'],
    ['', 'end'],
    ['{"a":1,}', 'name'],
    ['{a:1}', 'name'],
    ['{"a" 1}', 'colon'],
    ['[1 2]', 'comma'],
    ['{} x', 'after'],
    ['"abc', 'string'],
    ['"a\tb"', 'control'],
    ['"\\x"', 'escape'],
    ['-', 'number'],
    ['nope', 'token'],
  ])('JSON %j: %s', (text, problem) => {
    expect(jsonProblem(jsonError(text))).toBe(problem)
  })

  it.each([
    ['(', 'group'],
    [')', 'unmatched'],
    ['*a', 'repeat'],
    ['[a', 'class'],
    ['a{2,1}', 'order'],
    ['[z-a]', 'range'],
    ['\\', 'backslash'],
    ['(?<n>a)(?<n>b)', 'groupName'],
    ['(?x)', 'invalidGroup'],
  ])('RegExp %j: %s', (source, problem) => {
    expect(regexProblem(regexError(source))).toBe(problem)
  })

  it.each([
    ['(?=a)', 'perl', '(?='],
    ['(?<=a)', 'perl', '(?<=a)'],
    ['(a)\\1', 'escape', '\\1'],
    ['a{1001}', 'repeatCount', '{1001}'],
    ['a**', 'nestedRepeat', '**'],
  ])('RE2 %j: %s', (source, problem, construct) => {
    expect(re2Problem(re2Error(source))).toEqual({ re2Problem: problem, construct })
  })

  it('an unknown message is other', () => {
    expect(jsonProblem('something new')).toBe('other')
    expect(regexProblem('something new')).toBe('other')
    expect(re2Problem('something new')).toEqual({ re2Problem: 'other', construct: '' })
  })
})
