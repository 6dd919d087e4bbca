/** Forms built from ParamSpec lists (dataset generators, transforms): defaults and inline validation. */
import type { ParamSpec } from '../../src-shared/datasets'

export type ParamValue = number | string | boolean
export type ParamValues = Record<string, ParamValue>

export function defaultParams(specs: ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.key, s.default]))
}

/** What is wrong with one value, as a form says it; undefined when it is fine. */
export function paramError(spec: ParamSpec, v: unknown): string | undefined {
  switch (spec.type) {
    case 'int':
    case 'number': {
      if (typeof v !== 'number' || Number.isNaN(v)) return 'enter a number'
      if (!Number.isFinite(v)) return 'enter a finite number'
      if (spec.type === 'int' && !Number.isInteger(v)) return 'enter a whole number'
      if (spec.min != null && v < spec.min) return `must be ≥ ${spec.min}`
      if (spec.max != null && v > spec.max) return `must be ≤ ${spec.max}`
      return undefined
    }
    case 'enum':
      return typeof v === 'string' && (spec.options ?? []).includes(v) ? undefined : `choose one of ${(spec.options ?? []).join(', ')}`
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'choose yes or no'
  }
}

export function paramErrors(specs: ParamSpec[], values: ParamValues): Record<string, string> {
  const out: Record<string, string> = {}
  for (const s of specs) {
    const e = paramError(s, values[s.key])
    if (e) out[s.key] = e
  }
  return out
}

/** "0 – 1" style hint for a numeric param. */
export function rangeHint(spec: ParamSpec): string | undefined {
  if (spec.type !== 'int' && spec.type !== 'number') return undefined
  if (spec.min != null && spec.max != null) return `${spec.min} – ${spec.max}`
  if (spec.min != null) return `≥ ${spec.min}`
  if (spec.max != null) return `≤ ${spec.max}`
  return undefined
}
