/** LTTB downsampling that also keeps every bucket's extremes, so spikes survive the chart's pixel budget. */
import { describe, expect, test } from 'vitest'
import { downsampleLttb } from '../../src-shared/compare/downsample'

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i)
const isStrictlyIncreasing = (x: Float64Array) => x.every((v, i) => i === 0 || v > x[i - 1])

describe('downsampleLttb', () => {
  test('a single spike in 100 000 points survives downsampling to 500', () => {
    const x = range(100_000)
    const y = Float64Array.from(x, (i) => Math.sin(i / 500) * 0.01)
    y[61_234] = 50
    y[7_001] = -40
    const out = downsampleLttb(x, y, 500)
    expect(out.x.length).toBeGreaterThanOrEqual(500)
    expect(out.x.length).toBeLessThanOrEqual(3 * 500)
    expect(Math.max(...out.y)).toBe(50)
    expect(out.x[out.y.indexOf(50)]).toBe(61_234)
    expect(Math.min(...out.y)).toBe(-40)
  })

  test('keeps the first and last point, x stays sorted without duplicates, and every point is an input point', () => {
    const x = Float64Array.from({ length: 10_000 }, (_, i) => i * 0.5 + (i % 3) * 0.1)
    const y = Float64Array.from(x, (v) => Math.cos(v) * v)
    const out = downsampleLttb(x, y, 200)
    expect(out.x[0]).toBe(x[0])
    expect(out.y[0]).toBe(y[0])
    expect(out.x[out.x.length - 1]).toBe(x[x.length - 1])
    expect(out.y[out.y.length - 1]).toBe(y[y.length - 1])
    expect(isStrictlyIncreasing(out.x)).toBe(true)
    const yAt = new Map([...x].map((v, i) => [v, y[i]]))
    out.x.forEach((v, i) => expect(out.y[i]).toBe(yAt.get(v)))
  })

  test('each bucket keeps its minimum and maximum', () => {
    const n = 1002
    const x = range(n)
    const y = Float64Array.from(x, (i) => ((i * 7919) % 1000) / 1000)
    const threshold = 12 // 10 buckets of 100 points between the two ends
    const out = downsampleLttb(x, y, threshold)
    for (let b = 0; b < 10; b++) {
      const slice = y.subarray(1 + b * 100, 1 + (b + 1) * 100)
      const kept = out.y.filter((_, k) => out.x[k] >= 1 + b * 100 && out.x[k] < 1 + (b + 1) * 100)
      expect(kept).toContain(Math.max(...slice))
      expect(kept).toContain(Math.min(...slice))
      expect(kept.length).toBeLessThanOrEqual(3)
    }
  })

  test('the LTTB pick is the point farthest from the chord, even when it is neither min nor max', () => {
    // One bucket over x = 1…5 (threshold 3). Against the line y = 10x only x = 3 stands out.
    const x = [0, 1, 2, 3, 4, 5, 6]
    const y = [0, 10, 20, 35, 40, 50, 60]
    const out = downsampleLttb(x, y, 3)
    expect([...out.x]).toEqual([0, 1, 3, 5, 6])
  })

  test('threshold ≥ n returns a copy', () => {
    const x = [0, 1, 2]
    const y = [5, 6, 7]
    const out = downsampleLttb(x, y, 3)
    expect([...out.x]).toEqual(x)
    expect([...out.y]).toEqual(y)
    expect(out.x).toBeInstanceOf(Float64Array)
    expect(downsampleLttb(x, y, 1000).y).not.toBe(y)
  })

  test('NaN gaps are kept at their bucket so the line still breaks there', () => {
    const x = range(10_000)
    const y = Float64Array.from(x, (i) => Math.sin(i / 100))
    for (let i = 4_000; i < 4_050; i++) y[i] = NaN
    const out = downsampleLttb(x, y, 100)
    const gaps = [...out.y.keys()].filter((k) => Number.isNaN(out.y[k]))
    expect(gaps.length).toBeGreaterThanOrEqual(1)
    for (const k of gaps) {
      expect(out.x[k]).toBeGreaterThanOrEqual(4_000)
      expect(out.x[k]).toBeLessThan(4_050)
    }
    expect(isStrictlyIncreasing(out.x)).toBe(true)
    expect(out.y.filter((v) => Number.isFinite(v)).length).toBeGreaterThan(90)
  })

  test('a curve that starts with gaps still keeps finite points after them', () => {
    const x = range(1000)
    const y = Float64Array.from(x, (i) => (i < 300 ? NaN : i))
    const out = downsampleLttb(x, y, 50)
    expect(Number.isNaN(out.y[0])).toBe(true)
    expect(out.y.filter((v) => Number.isFinite(v)).length).toBeGreaterThan(30)
    expect(out.y[out.y.length - 1]).toBe(999)
  })

  test('mismatched lengths and a NaN threshold are refused', () => {
    expect(() => downsampleLttb([0, 1], [0], 10)).toThrow(/length/)
    expect(() => downsampleLttb([0, 1], [0, 1], NaN)).toThrow(/threshold/)
  })
})
