/**
 * The class-pair histograms as chart data: one panel per base class, one bar series per test class over the
 * shared LE bins (seed 001, Fig. 6), and the mean-LE table.
 */
import type { ClassHistogramsPayload } from '../../../src-shared/studies/elasticityPayloads'

export interface HistogramSeries {
  name: string
  /** Test class index. */
  testClass: number
  counts: number[]
}

export interface HistogramPanel {
  baseClass: number
  title: string
  /** Bin labels, from the shared edges. */
  bins: string[]
  series: HistogramSeries[]
}

const fmtEdge = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : +v.toPrecision(3) + '')

const className = (p: ClassHistogramsPayload, c: number) => p.classNames[c] ?? `class ${c}`

/** Check the payload's shapes agree (edges, counts per base and test class), so a bad log reads clearly. */
export function histogramProblem(p: ClassHistogramsPayload): string | null {
  const bins = p.edges.length - 1
  if (bins < 1) return 'the histograms have no bins'
  if (p.counts.length !== p.baseClasses.length) return `${p.counts.length} histogram groups for ${p.baseClasses.length} base classes`
  for (const [b, row] of p.counts.entries()) {
    if (row.length !== p.testClasses.length) return `base class ${className(p, p.baseClasses[b])}: ${row.length} histograms for ${p.testClasses.length} test classes`
    for (const counts of row) if (counts.length !== bins) return `a histogram has ${counts.length} counts for ${bins} bins`
  }
  return null
}

/** One panel per base class; each has one series per test class with the payload's counts. */
export function histogramPanels(p: ClassHistogramsPayload): HistogramPanel[] {
  const bins = p.edges.slice(0, -1).map((lo, i) => `${fmtEdge(lo)}–${fmtEdge(p.edges[i + 1])}`)
  return p.baseClasses.map((base, b) => ({
    baseClass: base,
    title: `Base class ${className(p, base)}: LE to each test class`,
    bins,
    series: p.testClasses.map((t, ti) => ({ name: className(p, t), testClass: t, counts: p.counts[b][ti] }))
  }))
}

/** The mean-LE table: one row per base class, one column per test class. */
export function meanTable(p: ClassHistogramsPayload): { header: string[]; rows: { base: string; values: number[] }[] } {
  return {
    header: p.testClasses.map((t) => className(p, t)),
    rows: p.baseClasses.map((base, b) => ({ base: className(p, base), values: p.mean[b] ?? [] }))
  }
}
