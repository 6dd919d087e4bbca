/**
 * The whole state of a compare view — which runs, which metrics, axes, smoothing, grouping, tab — as one
 * serialisable description: saved layouts and compare links restore the view exactly from it.
 */
import { z } from 'zod'
import { DEFAULT_RELATIVE_SIGMA } from './smoothing'

/** Most runs one compare view holds (a link with more would not restore). */
export const MAX_COMPARE_RUNS = 2000

export const compareStateSchema = z.strictObject({
  runIds: z.array(z.string().min(1).max(100)).max(MAX_COMPARE_RUNS).default([]),
  metrics: z.array(z.string().min(1).max(200)).max(50).default([]),
  xAxis: z.enum(['step', 'epoch', 'wall', 'relative']).default('step'),
  logY: z.boolean().default(false),
  smoothing: z
    .strictObject({
      kind: z.enum(['none', 'ema', 'gaussian']),
      weight: z.number().min(0).max(0.999),
      sigma: z.number().min(0).max(1e9),
      /** Gaussian σ in x units, or as a fraction of the chart's x range; absent (older links) = x units. */
      sigmaUnit: z.enum(['x', 'range']).optional()
    })
    .refine((s) => s.sigmaUnit !== 'range' || s.sigma <= 1, { message: 'a σ relative to the x range is a fraction of it (at most 1)', path: ['sigma'] })
    .default({ kind: 'ema', weight: 0.6, sigma: DEFAULT_RELATIVE_SIGMA, sigmaUnit: 'range' }),
  showRaw: z.boolean().default(true),
  /** A dotted config field, '@sweep' (same config except the seed), or null (one line per run). */
  groupBy: z.string().max(200).nullable().default(null),
  band: z.enum(['std', 'minmax']).default('std'),
  tab: z.enum(['curves', 'config', 'parallel', 'series']).default('curves'),
  diffOnly: z.boolean().default(true),
  parallel: z
    .strictObject({
      fields: z.array(z.string().max(200)).max(30),
      metric: z.string().max(200).nullable(),
      /** Brushed intervals per axis field: [min, max] for numbers, or the kept category values. */
      brush: z.record(z.string(), z.union([z.tuple([z.number(), z.number()]), z.array(z.string())]))
    })
    .default({ fields: [], metric: null, brush: {} }),
  scatter: z.strictObject({ x: z.string().max(200).nullable(), y: z.string().max(200).nullable() }).default({ x: null, y: null }),
  series: z.strictObject({ key: z.string().max(200).nullable(), step: z.number().int().min(0).nullable() }).default({ key: null, step: null }),
  /** x-range zoom of the curve charts, or null for all. */
  zoom: z.tuple([z.number(), z.number()]).nullable().default(null)
})

export type CompareState = z.output<typeof compareStateSchema>

export function defaultCompareState(): CompareState {
  return compareStateSchema.parse({})
}

/** Encode for a link (`#/compare?s=…`): base64url of the JSON. */
export function encodeCompareState(s: CompareState): string {
  const bytes = new TextEncoder().encode(JSON.stringify(s))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decode a link's state; a damaged link gives a message instead of a half-restored view. */
export function decodeCompareState(text: string): { ok: true; state: CompareState } | { ok: false; error: string } {
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))
    const parsed = compareStateSchema.safeParse(JSON.parse(json))
    if (!parsed.success) return { ok: false, error: `the compare link is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`).join('; ')}` }
    return { ok: true, state: parsed.data }
  } catch {
    return { ok: false, error: 'the compare link is damaged (not readable as a saved view)' }
  }
}
