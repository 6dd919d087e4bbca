/** k-redundancy per layer (thesis Def. 8, Fig. 5.14). */
import { z } from 'zod'
import { defineProbe } from './descriptor'
import { boundedSample, maxFeaturesParam, sampleFields, samplesParam } from './representation'

export const kredParams = z.strictObject({
  samples: samplesParam(60_000),
  maxFeatures: maxFeaturesParam,
  ks: z.array(z.number().int().min(1).max(200)).min(1).max(8),
  /** Neighbours searched within consecutive chunks of the sample; 0 = the whole sample. */
  chunk: z.number().int().min(0).max(60_000)
}).superRefine((p, ctx) => {
  boundedSample(p, ctx)
  const size = p.chunk > 0 ? Math.min(p.chunk, p.samples) : p.samples
  const k = Math.max(...p.ks)
  if (k >= size) ctx.addIssue({ code: 'custom', path: ['ks'], message: `k = ${k} needs chunks of more than ${k} rows` })
  if (new Set(p.ks).size !== p.ks.length) ctx.addIssue({ code: 'custom', path: ['ks'], message: 'each k once' })
})

export const kredProbe = defineProbe({
  id: 'kred',
  title: 'k-redundancy per layer',
  summary: 'The fraction of samples all of whose k nearest neighbours (Euclidean, in layer i\'s representation, self excluded) share their class, for several k; it rises sigmoidally with depth, the top layers near 100 %.',
  source: 'Øland 2024 thesis, Def. 8 and Fig. 5.14',
  paramsSchema: kredParams,
  defaults: { samples: 4000, maxFeatures: 4096, ks: [5, 10, 20], chunk: 2000 },
  defaultEvery: 1,
  fields: {
    ...sampleFields('k-redundancy'),
    ks: { label: 'k', help: 'One curve per k (thesis Fig. 5.14: 5, 10, 20).', group: 'Probes' },
    chunk: { label: 'Neighbour chunk', help: 'Neighbours are searched within consecutive chunks of this many rows of the (shuffled) sample; 0 = the whole sample. The thesis ran kNN on mini-batches; chunks of ≈ 6 000 reproduce its kept fractions better than the whole set.', unit: 'rows', group: 'Probes' }
  },
  outputs: [
    { id: 'kred', kind: 'scalars', keys: ['kred/**'], title: 'k-redundancy per layer over training', percent: true, yLabel: 'redundant samples' },
    { id: 'curves', kind: 'curves', key: 'kred/**', title: 'k-redundancy vs layer index', help: 'Thesis Fig. 5.14: one curve per k at the chosen step (layer 0 = the input).' }
  ]
})
