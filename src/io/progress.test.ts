import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgress, formatBytes } from './progress.js'

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), {
    isTTY,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
  })
  let text = ''
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8')
  })
  return { out, text: () => text }
}

describe('createProgress', () => {
  it('draws nothing on a pipe', async () => {
    const { out, text } = stream(false)
    const bar = createProgress(out, { total: 1000, label: 'events.csv' })
    bar.update(500)
    bar.stop()
    bar.stop()
    await new Promise((resolve) => setImmediate(resolve))
    expect(text()).toBe('')
  })

  it('draws a bar with the label and bytes on a terminal', async () => {
    const { out, text } = stream(true)
    const bar = createProgress(out, { total: 2_000_000, label: 'events.csv' })
    bar.update(1_000_000)
    bar.stop()
    await new Promise((resolve) => setImmediate(resolve))
    expect(text()).toContain('events.csv [')
    expect(text()).toContain('50% | 1.0 MB/2.0 MB')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 kB'],
    [420_000_000, '420.0 MB'],
    [1_020_000_000, '1.02 GB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
