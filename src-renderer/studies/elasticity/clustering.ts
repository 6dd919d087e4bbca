/**
 * The clustering results as the slides' "Results on MNIST" table (methods as rows, the lab's accuracy beside the
 * published one) and the S_sym heatmap ordered by true class.
 */
import type { ClusteringResultsPayload, ElasticityHeatmapPayload } from '../../../src-shared/studies/elasticityPayloads'
import { decodeMatrix, scaleRgb } from './manifold'

/** An accuracy (a fraction 0–1 in the payload, the lab's and the published alike) as a percentage. */
export function asPercent(v: number | null | undefined): number | null {
  if (v == null || !Number.isFinite(v)) return null
  return v * 100
}

export interface ResultRow {
  id: string
  label: string
  /** The lab's accuracy, %. */
  lab: number | null
  /** The published accuracy for this pair and method, %. */
  published: number | null
  /** lab − published, percentage points. */
  difference: number | null
  seconds: number
}

/** Rows in the payload's order; a published number the payload leaves out is looked up in the slides' table. */
export function resultRows(p: ClusteringResultsPayload): ResultRow[] {
  return p.methods.map((m) => {
    const lab = asPercent(m.accuracy)
    // The runner sends null where the slides have no number for this dataset and setup (e.g. Fashion-MNIST):
    // no MNIST figure is shown beside another dataset's result.
    const published = asPercent(m.published)
    return { id: m.id, label: m.label, lab, published, difference: lab !== null && published !== null ? lab - published : null, seconds: m.seconds }
  })
}

const className = (p: { classNames: string[] }, c: number) => p.classNames[c] ?? String(c)

/** "5 vs 8", the primary pair as the slides' column header names it. */
export function pairTitle(p: ClusteringResultsPayload): string {
  return `${className(p, p.primary[0])} vs ${className(p, p.primary[1])}`
}

export function auxiliaryTitle(p: ClusteringResultsPayload): string {
  return p.auxiliary.length ? p.auxiliary.map((c) => className(p, c)).join(', ') : 'none'
}

export const PROCEDURES: Record<ClusteringResultsPayload['procedure'], string> = {
  'one-pass': "one pass (the slides' algorithm: one SGD step per example, in a random order)",
  pretrain: "pretrain, then step from the pretrained weights and restore (the original code's procedure)"
}
export const PIXEL_SCALES: Record<ClusteringResultsPayload['pixelScale'], string> = {
  unit: 'pixels in [0, 1]',
  symmetric: 'pixels in [−1, 1]'
}

/** The table as CSV, with the settings that produced it on every row. */
export function resultsCsv(p: ClusteringResultsPayload): { header: string[]; rows: (string | number | null)[][] } {
  const pair = pairTitle(p)
  const aux = auxiliaryTitle(p)
  return {
    header: ['primary', 'auxiliary', 'procedure', 'pixel scale', 'per class', 'method id', 'method', 'lab accuracy %', 'published %', 'difference (points)', 'seconds'],
    rows: resultRows(p).map((r) => [pair, aux, p.procedure, p.pixelScale, p.perClass, r.id, r.label, round(r.lab), round(r.published), round(r.difference), +r.seconds.toFixed(2)])
  }
}
const round = (v: number | null) => (v === null ? null : +v.toFixed(2))

/** Where the true class changes along the display order (indices into the ordered axis). */
export function classBoundaries(h: ElasticityHeatmapPayload): number[] {
  const out: number[] = []
  for (let i = 1; i < h.order.length; i++) if (h.truth[h.order[i]] !== h.truth[h.order[i - 1]]) out.push(i)
  return out
}

/** Check a heatmap payload's sizes agree; null when it is fine. */
export function heatmapProblem(h: ElasticityHeatmapPayload): string | null {
  if (h.order.length !== h.n) return `the display order has ${h.order.length} entries for ${h.n} points`
  if (h.truth.length !== h.n) return `${h.truth.length} true classes for ${h.n} points`
  if (h.order.some((i) => !(i >= 0 && i < h.n))) return 'the display order names points that do not exist'
  return null
}

/**
 * RGBA pixels of S_sym in display order (row i, column j = S_sym[order[i], order[j]]), coloured over the 2nd–98th
 * percentile of the off-diagonal values so the diagonal and a few outliers do not flatten the picture.
 */
export function heatmapPixels(h: ElasticityHeatmapPayload): { pixels: Uint8ClampedArray; lo: number; hi: number } {
  const n = h.n
  const m = decodeMatrix(h.values, n, n)
  const off: number[] = []
  const stride = Math.max(1, Math.floor((n * n) / 20000)) // a sample is enough for the percentiles
  for (let k = 0; k < n * n; k += stride) if (Math.floor(k / n) !== k % n && Number.isFinite(m[k])) off.push(m[k])
  off.sort((a, b) => a - b)
  const lo = off.length ? off[Math.floor(0.02 * (off.length - 1))] : 0
  const hiRaw = off.length ? off[Math.floor(0.98 * (off.length - 1))] : 1
  const hi = hiRaw > lo ? hiRaw : lo + 1e-12
  const pixels = new Uint8ClampedArray(n * n * 4)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = m[h.order[i] * n + h.order[j]]
      const [r, g, b] = Number.isFinite(v) ? scaleRgb((v - lo) / (hi - lo)) : [128, 128, 128]
      const o = (i * n + j) * 4
      pixels[o] = r
      pixels[o + 1] = g
      pixels[o + 2] = b
      pixels[o + 3] = 255
    }
  return { pixels, lo, hi }
}
