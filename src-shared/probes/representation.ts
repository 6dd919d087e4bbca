/**
 * What the representation probes of thesis ch. 5 share: which layers ("layer i" = the input for i = 0, then the
 * i-th layer with weights, the output layer last) and the fixed sample they measure on.
 */
import { z } from 'zod'
import type { FieldMeta } from '../studies/descriptor'

/** Layers with more features than this are left out (a 12 544-wide conv output would need a 1.2 GB Gram matrix). */
export const MAX_LAYER_FEATURES = 16_384

export const samplesParam = (max: number) => z.number().int().min(10).max(max)
export const maxFeaturesParam = z.number().int().min(2).max(MAX_LAYER_FEATURES)

export const LAYER_INDEX_HELP = 'Layer 0 is the input; layer i the output of the i-th layer with weights (dense or conv, after its activation), the output layer last.'

export const sampleFields = (what: string): Record<string, FieldMeta> => ({
  samples: { label: 'Samples', help: `A fixed seeded subset of the training rows ${what} is measured on, the same at every epoch.`, unit: 'rows', group: 'Probes' },
  maxFeatures: { label: 'Widest layer', help: `Layers with more features than this are left out (cost and memory grow with the square of the width). ${LAYER_INDEX_HELP}`, unit: 'features', group: 'Probes' }
})
