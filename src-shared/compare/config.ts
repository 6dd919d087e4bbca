/**
 * Configs as flat dotted fields (`optimizer.learningRate`, `network.layers.0.units`) for tables, diffs,
 * grouping and parallel coordinates.
 */

export type FlatValue = string | number | boolean | null

/**
 * Flatten nested objects and arrays to dotted paths; arrays by index; empty objects/arrays become '{}' / '[]'.
 * undefined and functions are left out (as JSON would); other non-JSON values become their text.
 * A bare value at the top (no prefix) is kept under the field 'value'.
 */
export function flattenConfig(config: unknown, prefix?: string): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {}
  if (config === undefined || (config === null && !prefix)) return out
  const isContainer = typeof config === 'object' && config !== null && !(config instanceof Date)
  addFlattened(out, config, prefix || (isContainer ? '' : 'value'))
  return out
}

function addFlattened(out: Record<string, FlatValue>, value: unknown, path: string): void {
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value)
    if (entries.length === 0 && path) out[path] = Array.isArray(value) ? '[]' : '{}'
    for (const [key, v] of entries) addFlattened(out, v, path ? `${path}.${key}` : key)
    return
  }
  const leaf = leafValue(value)
  if (leaf !== undefined) out[path] = leaf
}

function leafValue(value: unknown): FlatValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

export interface ConfigDiffRow {
  field: string
  /** One value per run, in the order given (undefined = the run has no such field). */
  values: (FlatValue | undefined)[]
  /** True when not every run has the same value. */
  differs: boolean
}

/** Rows for every field present in any config, sorted by field path (numeric segments numerically). */
export function diffConfigs(configs: unknown[]): ConfigDiffRow[] {
  const flat = configs.map((c) => flattenConfig(c))
  const fields = new Set<string>()
  for (const f of flat) for (const k of Object.keys(f)) fields.add(k)
  return [...fields].sort(compareFieldPaths).map((field) => {
    const values = flat.map((f) => (Object.hasOwn(f, field) ? f[field] : undefined))
    return { field, values, differs: values.some((v) => !sameValue(v, values[0])) }
  })
}

function sameValue(a: FlatValue | undefined, b: FlatValue | undefined): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))
}

/** Order dotted paths segment by segment; all-digit segments by number (layers.2 before layers.10). */
export function compareFieldPaths(a: string, b: string): number {
  const as = a.split('.')
  const bs = b.split('.')
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i]
    const y = bs[i]
    if (x === y) continue
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y)
    if (numeric && Number(x) !== Number(y)) return Number(x) - Number(y)
    return x < y ? -1 : 1
  }
  return as.length - bs.length
}

/**
 * Fields that hold the random seed (excluded when grouping "by sweep minus seed"): the last segment is
 * `seed` in any case, or ends with `Seed` (dataSeed) or `_seed` (data_seed).
 */
export function isSeedField(field: string): boolean {
  const last = field.slice(field.lastIndexOf('.') + 1)
  return last.toLowerCase() === 'seed' || last.endsWith('Seed') || last.toLowerCase().endsWith('_seed')
}

/** A stable grouping key: the flattened config without seed fields, as sorted JSON. */
export function configKeyWithoutSeed(config: unknown): string {
  const flat = flattenConfig(config)
  const entries = Object.keys(flat)
    .filter((k) => !isSeedField(k))
    .sort(compareFieldPaths)
    .map((k) => [k, flat[k]])
  // An array of pairs, not an object: JSON objects would move integer-like keys first.
  return JSON.stringify(entries)
}

/** Which direction is better for a metric: 'min' for losses and errors, 'max' otherwise (accuracy, …). */
export function metricDirection(key: string): 'min' | 'max' {
  return /loss|error|err$|perplexity|mse|mae|distance|entropy/i.test(key) ? 'min' : 'max'
}
