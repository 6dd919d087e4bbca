/**
 * The probes the lab knows, registered once (the engine finds their implementations in
 * src-main/engine/probes/<id>/ by these ids; a unit test checks both sides agree). A config's `probes` list is
 * validated against this registry.
 */
import { z } from 'zod'
import type { OutputDecl } from '../outputs/decl'
import type { ProbeDescriptor } from './descriptor'
import { activationStatsProbe } from './activation-stats'
import { confusionProbe } from './confusion'
import { entropyGradientProbe } from './entropy-gradient'
import { gradientRmsProbe } from './gradient-rms'
import { localElasticityProbe } from './local-elasticity'
import { outputDeltaProbe } from './output-delta'
import { softmaxNormaliserProbe } from './softmax-normaliser'
import { weightEntropyProbe } from './weight-entropy'
import { weightHistogramProbe } from './weight-histogram'
import { hyzProbe } from './hyz'
import { kredProbe } from './kred'
import { layerPcaProbe } from './layer-pca'
import { lsdProbe } from './lsd'
import { voronoiProbe } from './voronoi'

export type { ProbeDescriptor } from './descriptor'
export { defineProbe } from './descriptor'

export const PROBES: readonly ProbeDescriptor[] = [weightHistogramProbe, gradientRmsProbe, activationStatsProbe, confusionProbe, localElasticityProbe, weightEntropyProbe, outputDeltaProbe, softmaxNormaliserProbe, entropyGradientProbe, lsdProbe, hyzProbe, kredProbe, layerPcaProbe, voronoiProbe]

const BY_ID = new Map(PROBES.map((p) => [p.id, p]))

export function findProbe(id: unknown): ProbeDescriptor | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined
}

/** One probe attached to a run: which, how often (every N epochs, and at epoch 0 and the end), with what settings. */
export const probeEntrySchema = z.discriminatedUnion(
  'id',
  PROBES.map((p) => z.strictObject({ id: z.literal(p.id), every: z.number().int().min(1).max(100_000), params: p.paramsSchema })) as any
)
export interface ProbeEntry {
  id: string
  every: number
  params: any
}

export const MAX_PROBES = 16

/** A config's probe list: each probe at most once (their keys would collide). */
export const probesSchema = z
  .array(probeEntrySchema)
  .max(MAX_PROBES)
  .superRefine((list, ctx) => {
    const seen = new Set<string>()
    list.forEach((e: any, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `the ${e.id} probe is listed twice; one entry per probe` })
      seen.add(e.id)
    })
  }) as unknown as z.ZodType<ProbeEntry[]>

/** A new entry of a probe with its defaults, as the form adds it. */
export function newProbeEntry(id: string): ProbeEntry {
  const p = findProbe(id)
  if (!p) throw new Error(`unknown probe "${id}"`)
  return { id, every: p.defaultEvery, params: structuredClone(p.defaults) }
}

/** The outputs of a config's probes (ids made unique as `<probe>:<output>`). */
export function probeOutputs(entries: readonly { id: string }[] | undefined): OutputDecl[] {
  return (entries ?? []).flatMap((e) => (findProbe(e.id)?.outputs ?? []).map((o) => ({ ...o, id: `${e.id}:${o.id}` })))
}
