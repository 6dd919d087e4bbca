/** The shared number formats: one per quantity (accuracy as a percentage everywhere) and one tick style per axis. */
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDateTime, formatDuration, formatMetricValue, formatPowerOfTen, isFractionMetric, percentTick, tickFormatter } from '../../src-shared/format'

describe('formats', () => {
  it('gives sizes in one decimal unit system everywhere (the estimate, the refusal and the dataset pages agree)', () => {
    expect(formatBytes(512)).toBe('512 bytes')
    expect(formatBytes(47_040_000)).toBe('47.0 MB')
    expect(formatBytes(1536)).toBe('1.5 kB')
    expect(formatBytes(12.3e9)).toBe('12.3 GB')
  })

  it('formats accuracies of every split as percentages and other metrics as numbers', () => {
    expect(formatMetricValue('test/accuracy', 0.999)).toBe('99.90 %')
    expect(formatMetricValue('train/batch_accuracy', 0.5)).toBe('50.00 %')
    expect(formatMetricValue('acc', 1)).toBe('100.00 %')
    expect(formatMetricValue('test/loss', 0.999)).toBe('0.999')
    expect(formatMetricValue('elasticity/locality', 123456)).toBe('1.23e+5')
    expect(formatMetricValue('test/accuracy', null)).toBe('—')
    expect(isFractionMetric('le/mean/4-9')).toBe(false)
    expect(isFractionMetric('neural/test/accuracy')).toBe(true)
  })

  it('gives every tick of a log axis over many decades the same power-of-ten form', () => {
    // The λ axis of the neurashed run page: 1e-10 … 1e40 read "1e+40" beside "100,000,000,000,000,000,000" before.
    const f = tickFormatter([1e-10, 1e40], true)
    const ticks = [1e-10, 1, 1e10, 1e20, 1e30, 1e40].map(f)
    expect(ticks).toEqual(['10⁻¹⁰', '10⁰', '10¹⁰', '10²⁰', '10³⁰', '10⁴⁰'])
    expect(ticks.some((t) => t.includes(',') || t.includes('e+'))).toBe(false)
  })

  it('keeps a linear axis in one style across the whole range', () => {
    const big = tickFormatter([0, 250_000])
    expect([0, 50_000, 100_000, 150_000].map(big)).toEqual(['0', '5×10⁴', '10⁵', '1.5×10⁵'])
    const steps = tickFormatter([0, 6400])
    expect([6000, 6400, 0.30000000000000004].map(steps)).toEqual(['6,000', '6,400', '0.3'])
    expect(tickFormatter([-2, 2])(-1.5)).toBe('−1.5')
    expect(formatPowerOfTen(2.5e-4)).toBe('2.5×10⁻⁴')
    expect(percentTick(0.925)).toBe('92.5 %')
  })

  it('rounds a duration before choosing its unit, so no unit reads 60 or 1000', () => {
    expect(formatDuration(0.3)).toBe('300 ms')
    expect(formatDuration(0.9996)).toBe('1.0 s')
    expect(formatDuration(21.34)).toBe('21.3 s')
    expect(formatDuration(59.96)).toBe('1 min 00 s')
    expect(formatDuration(119.7)).toBe('2 min 00 s')
    expect(formatDuration(235.3)).toBe('3 min 55 s')
    expect(formatDuration(3599.6)).toBe('1 h 00 min')
    expect(formatDuration(7322)).toBe('2 h 02 min')
    expect(formatDuration(null)).toBe('—')
  })

  it('writes dates in one fixed-width, sortable form', () => {
    const t = new Date(2026, 11, 3, 9, 5).getTime()
    expect(formatDateTime(t)).toBe('2026-12-03 09:05')
    expect(formatDateTime(null)).toBe('—')
  })
})
