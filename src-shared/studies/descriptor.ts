import type { z } from 'zod'

/** What a study produces, so generic panels can show it. */
export interface OutputDecl {
  key: string
  kind: 'scalar' | 'boundary' | 'heatmap' | 'histogram' | 'table'
  title: string
}

/** A ready-made, complete config for a study (a gallery card). */
export interface Template<C = unknown> {
  id: string
  studyId: string
  title: string
  description: string
  config: C
}

/**
 * What a form needs to know about one config field beyond its schema. Types, ranges and choices are read from
 * the zod schema (`fieldSpec`), never repeated here; metadata adds the words and the layout.
 */
export interface FieldMeta {
  label: string
  /** One or two sentences, ending with the source reference where the field comes from a paper. */
  help: string
  unit?: string
  /** Form section the field is shown in (e.g. 'Data', 'Training', 'Logging'). */
  group: string
  /** Input step for numbers ('any' when omitted for non-integers). */
  step?: number
  /** Labels for enum values (value → label). */
  choices?: Record<string, string>
  /** Show the field only while another field has one of these values. */
  when?: { path: string; in?: readonly unknown[]; notIn?: readonly unknown[] }
  /** Rendered by the study's own component (e.g. the network editor, the library dataset picker). */
  custom?: boolean
}

/** A named complete config: `cpu` (runs on a laptop in minutes) and `paper` (the source's scale) at least. */
export interface Preset<C = unknown> {
  id: string
  title: string
  description: string
  config: C
}

export interface StudyDescriptor<C = unknown> {
  id: string
  title: string
  summary: string
  /** Where the study comes from (source document and section). */
  source: string
  configSchema: z.ZodType<C>
  defaults: C
  templates: Template<C>[]
  outputs: OutputDecl[]
  /** Metadata of every config field, keyed by dotted path (objects and their leaves). */
  fields: Record<string, FieldMeta>
  /** Named presets; `cpu` equals `defaults`. */
  presets: Preset<C>[]
}

/** What the schema says about one field: the input a form should offer and its bounds. */
export interface FieldSpec {
  kind: 'number' | 'integer' | 'enum' | 'string' | 'boolean' | 'object' | 'array' | 'unknown'
  optional: boolean
  min?: number
  max?: number
  /** min/max exclude the bound (e.g. a learning rate > 0). */
  minExclusive?: boolean
  maxExclusive?: boolean
  options?: readonly string[]
}

/** Unwrap optional/default/nullable wrappers. */
function unwrap(s: any): { schema: any; optional: boolean } {
  let optional = false
  while (s && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(s._zod?.def?.type)) {
    if (s._zod.def.type !== 'readonly') optional = true
    s = s._zod.def.innerType
  }
  return { schema: s, optional }
}

/** The schema of a dotted path inside an object schema (array items are addressed by a numeric segment). */
export function schemaAt(root: z.ZodType, path: string): z.ZodType | undefined {
  let s: any = root
  for (const seg of path.split('.').filter(Boolean)) {
    s = unwrap(s).schema
    const t = s?._zod?.def?.type
    if (t === 'object') s = s._zod.def.shape[seg]
    else if (t === 'array') s = s._zod.def.element
    else return undefined
    if (!s) return undefined
  }
  return s
}

/** Read a field's type, bounds and choices from a zod (v4) schema. */
export function fieldSpec(root: z.ZodType, path: string): FieldSpec | undefined {
  const at = schemaAt(root, path)
  if (!at) return undefined
  const { schema, optional } = unwrap(at)
  const def = schema?._zod?.def
  switch (def?.type) {
    case 'number': {
      const spec: FieldSpec = { kind: 'number', optional }
      for (const c of def.checks ?? []) {
        const cd = c._zod.def
        if (cd.check === 'number_format' && /int/.test(cd.format)) spec.kind = 'integer'
        if (cd.check === 'greater_than' && (spec.min === undefined || cd.value >= spec.min)) {
          spec.min = Number(cd.value)
          spec.minExclusive = !cd.inclusive
        }
        if (cd.check === 'less_than' && (spec.max === undefined || cd.value <= spec.max)) {
          spec.max = Number(cd.value)
          spec.maxExclusive = !cd.inclusive
        }
      }
      return spec
    }
    case 'enum':
      return { kind: 'enum', optional, options: Object.values(def.entries) as string[] }
    case 'string':
      return { kind: 'string', optional }
    case 'boolean':
      return { kind: 'boolean', optional }
    case 'object':
      return { kind: 'object', optional }
    case 'array':
      return { kind: 'array', optional }
    default:
      return { kind: 'unknown', optional }
  }
}

/** "0 – 1", "> 0, ≤ 10", "≥ 1": the range of a numeric field as a form shows it. */
export function describeRange(spec: FieldSpec | undefined): string {
  if (!spec || (spec.kind !== 'number' && spec.kind !== 'integer')) return ''
  const fmt = (n: number) => (Math.abs(n) >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n))
  const { min, max } = spec
  if (min !== undefined && max !== undefined && !spec.minExclusive && !spec.maxExclusive) return `${fmt(min)} – ${fmt(max)}`
  const parts: string[] = []
  if (min !== undefined) parts.push(`${spec.minExclusive ? '>' : '≥'} ${fmt(min)}`)
  if (max !== undefined) parts.push(`${spec.maxExclusive ? '<' : '≤'} ${fmt(max)}`)
  return parts.join(', ')
}

/** Value at a dotted path (undefined when any step is missing). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: any = obj
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = cur[seg]
  }
  return cur
}

/** Set the value at a dotted path, creating objects on the way. */
export function setPath(obj: any, path: string, value: unknown): void {
  const segs = path.split('.')
  let cur = obj
  for (const seg of segs.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {}
    cur = cur[seg]
  }
  if (value === undefined) delete cur[segs.at(-1)!]
  else cur[segs.at(-1)!] = value
}

/** Structural equality of JSON-like values (what "changed from the preset" means). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a as object).filter((k) => (a as any)[k] !== undefined)
  const kb = Object.keys(b as object).filter((k) => (b as any)[k] !== undefined)
  return ka.length === kb.length && ka.every((k) => sameValue((a as any)[k], (b as any)[k]))
}

/** Is a field shown for this config (its `when` condition holds)? */
export function fieldVisible(meta: FieldMeta, config: unknown): boolean {
  if (!meta.when) return true
  const v = getPath(config, meta.when.path)
  if (meta.when.in && !meta.when.in.includes(v)) return false
  if (meta.when.notIn && meta.when.notIn.includes(v)) return false
  return true
}
