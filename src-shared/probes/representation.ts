/**
 * What the representation probes of thesis ch. 5 share: which layers ("layer i" = the input for i = 0, then the
 * i-th layer with weights, the output layer last) and the fixed sample they measure on.
 */
import { z } from 'zod'
import type { FieldMeta } from '../studies/descriptor'

/** Layers with more features than this are left out, whatever the setting. */
export const MAX_LAYER_FEATURES = 16_384
/**
 * The widest layer the LSD and the PCA take: they eigendecompose a d × d matrix in float64 in JavaScript
 * (ml-matrix), O(d³) — 3 s at d = 784 here, ≈ 50 s at 2 048.
 */
export const MAX_EIGEN_FEATURES = 2048
/** Floats of one layer's representation of the whole sample the neighbour probes hold at once (1 GB). */
export const MAX_SAMPLE_FLOATS = 256 * 1024 * 1024

export const samplesParam = (max: number) => z.number().int().min(10).max(max)
export const maxFeaturesParam = z.number().int().min(2).max(MAX_LAYER_FEATURES)
export const eigenFeaturesParam = z.number().int().min(2).max(MAX_EIGEN_FEATURES)

/** A refinement: samples × widest layer within MAX_SAMPLE_FLOATS (the representation is read back whole). */
export function boundedSample(p: { samples: number; maxFeatures: number }, ctx: z.RefinementCtx): void {
  if (p.samples * p.maxFeatures > MAX_SAMPLE_FLOATS) {
    ctx.addIssue({ code: 'custom', path: ['maxFeatures'], message: `${p.samples} samples × ${p.maxFeatures} features would hold ${((p.samples * p.maxFeatures * 4) / 2 ** 30).toFixed(1)} GB at once; at most ${MAX_SAMPLE_FLOATS / p.samples | 0} features for this many samples` })
  }
}

export const LAYER_INDEX_HELP = 'Layer 0 is the input; layer i the output of the i-th layer with weights (dense or conv, after its activation), the output layer last.'

export const sampleFields = (what: string): Record<string, FieldMeta> => ({
  samples: { label: 'Samples', help: `A fixed seeded subset of the training rows ${what} is measured on, the same at every epoch.`, unit: 'rows', group: 'Probes' },
  maxFeatures: { label: 'Widest layer', help: `Layers with more features than this are left out (cost and memory grow with the square of the width). ${LAYER_INDEX_HELP}`, unit: 'features', group: 'Probes' }
})
