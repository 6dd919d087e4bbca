/**
 * A probe: a measurement attachable to any run that trains a network (configs carry
 * `probes: [{ id, every, params }]`). This side is pure: the params schema, the form's field metadata and the
 * declared outputs; the engine side (src-main/engine/probes/<id>/) measures. Every key a probe logs starts with
 * its id.
 */
import type { z } from 'zod'
import { outputKeys, type OutputDecl } from '../outputs/decl'
import type { FieldMeta } from '../studies/descriptor'

export interface ProbeDescriptor<P = any> {
  id: string
  title: string
  /** One sentence: what it measures, on which data. */
  summary: string
  /** Where the measurement comes from (paper, thesis section), if anywhere. */
  source?: string
  paramsSchema: z.ZodType<P>
  defaults: P
  /** Default of `every` (epochs) when the probe is added to a config. */
  defaultEvery: number
  /** Metadata of every param, keyed by its path inside `params`. */
  fields: Record<string, FieldMeta>
  outputs: OutputDecl[]
}

/** The definition of a probe (identity function that checks the shape). */
export function defineProbe<P>(d: ProbeDescriptor<P>): ProbeDescriptor<P> {
  for (const o of d.outputs) {
    for (const k of outputKeys(o)) if (!k.startsWith(`${d.id}/`)) throw new Error(`probe ${d.id}: output key "${k}" must start with "${d.id}/"`)
  }
  return d
}
