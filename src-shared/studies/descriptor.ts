import type { z } from 'zod'
import type { GalleryCard } from '../gallery/cards'
import { isForbiddenKey } from '../jsonGuard'
import type { OutputDecl } from '../outputs/decl'
import type { DataShape, ResourceEstimate } from '../training/estimate'

export type { OutputDecl } from '../outputs/decl'

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
  /**
   * For the discriminator of a discriminated union (e.g. `optimizer.kind`): the complete object each value
   * starts with. Switching keeps the values of the fields both variants have and takes the rest from here, so
   * the config holds exactly the fields of the chosen variant.
   */
  variants?: Record<string, object>
  /**
   * For a choice that brings its own block elsewhere in the config (the loss and its `lossParams`): the block at
   * `path` each value starts with; a value without an entry has no block. Choosing a value sets the block.
   */
  companion?: { path: string; values: Record<string, object> }
  /**
   * For an optional block (an object field the config may leave out, such as early stopping): what it holds when
   * switched on. The form shows the block's heading as a switch.
   */
  defaultValue?: unknown
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
  /** It trains a network with the lab's trainer: its configs may carry `probes`, and its form offers them. */
  trainsNetwork?: boolean
  /**
   * The networks it trains side by side, when more than one (the probes' keys carry the name:
   * `gradient-rms/neural/dense1`); absent for a study with one network. A function when the config decides
   * them (one net per arm and trial): the names of the nets its probes measure.
   */
  members?: string[] | ((config: C) => string[])
  /** The gallery cards of its templates (src-shared/studies/<id>/gallery.ts). */
  cards?: GalleryCard[]
  /**
   * A stored config of an earlier format in today's format, meaning the same run; today's configs pass through.
   * Applied to stored experiments and runs by a store migration, to imported runs and to config files.
   */
  upgrade?: (config: unknown) => unknown
  /** Keys its runs logged under other names before (old → new), renamed in stored runs by the same migration. */
  renamedKeys?: Record<string, string>
  /**
   * Memory and compute of a run of this config (src-shared/training/estimate.ts), given the shape of its library
   * dataset when it uses one; null when it cannot be told (an unknown dataset, a network that does not fit).
   */
  estimate?: (config: C, library?: DataShape | null) => ResourceEstimate | null
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

/** The option of a discriminated union that `value` (the object at that level of a config) selects. */
function unionOption(union: any, value: unknown, seg?: string): any {
  const def = union._zod.def
  const key = def.discriminator as string | undefined
  const options: any[] = def.options
  const v = value && typeof value === 'object' ? (value as any)[key ?? ''] : undefined
  const chosen = key ? options.find((o) => unwrap(o).schema?._zod?.def?.shape?.[key]?._zod?.def?.values?.includes(v)) : undefined
  if (chosen) return unwrap(chosen).schema
  // Without a config (or an unknown discriminator value): the first option that has the field.
  return unwrap(options.find((o) => seg === undefined || unwrap(o).schema?._zod?.def?.shape?.[seg]) ?? options[0]).schema
}

/**
 * The schema of a dotted path inside an object schema (array items are addressed by a numeric segment). In a
 * discriminated union the option is the one `config` selects at that level (without a config, the first option
 * that has the field); undefined when the path does not exist (for that config).
 */
export function schemaAt(root: z.ZodType, path: string, config?: unknown): z.ZodType | undefined {
  let s: any = root
  let value: unknown = config
  for (const seg of path.split('.').filter(Boolean)) {
    s = unwrap(s).schema
    if (s?._zod?.def?.type === 'union' && s._zod.def.discriminator) s = unionOption(s, value, config === undefined ? seg : undefined)
    const t = s?._zod?.def?.type
    if (t === 'object') s = s._zod.def.shape[seg]
    else if (t === 'array') s = s._zod.def.element
    else return undefined
    if (!s) return undefined
    value = value && typeof value === 'object' ? (value as any)[seg] : undefined
  }
  return s
}

/** The discriminator values of the union at `path`'s parent, when `path` is that union's discriminator. */
function discriminatorOptions(root: z.ZodType, path: string, config?: unknown): string[] | undefined {
  const segs = path.split('.')
  const parent = segs.length > 1 ? schemaAt(root, segs.slice(0, -1).join('.'), config) : root
  const u = unwrap(parent).schema
  const def = u?._zod?.def
  if (def?.type !== 'union' || def.discriminator !== segs.at(-1)) return undefined
  return def.options.flatMap((o: any) => unwrap(o).schema._zod.def.shape[def.discriminator]._zod.def.values as string[])
}

/**
 * Read a field's type, bounds and choices from a zod (v4) schema; in discriminated unions, from the option the
 * config selects. The discriminator itself reads as an enum of every option's value.
 */
export function fieldSpec(root: z.ZodType, path: string, config?: unknown): FieldSpec | undefined {
  const variants = discriminatorOptions(root, path, config)
  if (variants) return { kind: 'enum', optional: false, options: variants }
  const at = schemaAt(root, path, config)
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
    case 'literal':
      return { kind: 'enum', optional, options: def.values as string[] }
    case 'string':
      return { kind: 'string', optional }
    case 'boolean':
      return { kind: 'boolean', optional }
    case 'object':
    case 'union':
    case 'record':
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

/** Is every segment of a dotted path a plain field name (no `__proto__`, `constructor`, `prototype`)? */
function isSafePath(path: string): boolean {
  return path.split('.').every((seg) => seg !== '' && !isForbiddenKey(seg))
}

/** Value at a dotted path (undefined when any step is missing or is not the object's own field). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: any = obj
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || isForbiddenKey(seg)) return undefined
    // Read before the own-property check: a reactive (Vue) config tracks the read, so a field added later is seen.
    const next = cur[seg]
    if (!Object.hasOwn(cur, seg)) return undefined
    cur = next
  }
  return cur
}

/** Set the value at a dotted path, creating objects on the way; refuses paths that reach a prototype. */
export function setPath(obj: any, path: string, value: unknown): void {
  if (!isSafePath(path)) throw new Error(`"${path}" is not a config field path`)
  const segs = path.split('.')
  let cur = obj
  for (const seg of segs.slice(0, -1)) {
    if (!Object.hasOwn(cur, seg) || cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {}
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

/**
 * Is a field shown for this config: its `when` condition holds and, given the schema, the field exists in the
 * variant the config has chosen (Adam has no momentum field to show).
 */
export function fieldVisible(meta: FieldMeta, config: unknown, schema?: z.ZodType, path?: string): boolean {
  if (schema && path && !discriminatorOptions(schema, path, config)) {
    const parent = path.split('.').slice(0, -1).join('.')
    // Optional blocks that are absent (early stopping off) show nothing inside them.
    if (parent && getPath(config, parent) === undefined) return false
    if (!schemaAt(schema, path, config)) return false
  }
  if (!meta.when) return true
  const v = getPath(config, meta.when.path)
  if (meta.when.in && !meta.when.in.includes(v)) return false
  if (meta.when.notIn && meta.when.notIn.includes(v)) return false
  return true
}

/** Set the companion block of a choice (`meta.companion`) for `value`: its starting block, or none. */
export function setCompanion(config: any, meta: FieldMeta, value: unknown): void {
  if (!meta.companion) return
  const block = typeof value === 'string' && Object.hasOwn(meta.companion.values, value) ? meta.companion.values[value] : undefined
  setPath(config, meta.companion.path, block === undefined ? undefined : JSON.parse(JSON.stringify(block)))
}

/**
 * Switch the variant of the discriminated union whose discriminator is at `path` (e.g. `optimizer.kind`) to
 * `value`: the object becomes `variants[value]` with the values of every field both variants share kept.
 * Returns false (and changes nothing) when there is no such variant.
 */
export function switchVariant(config: any, path: string, value: string, variants: Record<string, object>): boolean {
  const template = variants[value]
  if (!template) return false
  const segs = path.split('.')
  const parentPath = segs.slice(0, -1).join('.')
  const key = segs.at(-1)!
  const old = (parentPath ? getPath(config, parentPath) : config) as Record<string, unknown> | undefined
  const next: Record<string, unknown> = JSON.parse(JSON.stringify(template))
  if (old && typeof old === 'object') for (const k of Object.keys(next)) if (k !== key && Object.hasOwn(old, k) && old[k] !== undefined) next[k] = old[k]
  next[key] = value
  if (parentPath) setPath(config, parentPath, next)
  else {
    for (const k of Object.keys(config)) delete config[k]
    Object.assign(config, next)
  }
  return true
}
