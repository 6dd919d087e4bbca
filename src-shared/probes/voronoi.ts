/** Pure Voronoi map and pure entropy H*(X; Y) of a layer (thesis Defs 5–7, Figs 5.11–5.12). */
import { z } from 'zod'
import { defineProbe } from './descriptor'
import { boundedSample, maxFeaturesParam, samplesParam, LAYER_INDEX_HELP } from './representation'

export const voronoiParams = z.strictObject({
  samples: samplesParam(20_000),
  maxFeatures: maxFeaturesParam,
  layer: z.number().int().min(0).max(1_000)
}).superRefine(boundedSample)

export const voronoiProbe = defineProbe({
  id: 'voronoi',
  title: 'Pure Voronoi entropy',
  summary: 'Centroids labelled by class such that every sample\'s nearest centroid has its label (class means, then the mean of each misassigned group added until pure): the number of cells |C| and the entropy H* of the samples over them. Drawn over the plane when the layer is 2-D.',
  source: 'Øland 2024 thesis, Defs 5–7 and Figs 5.11–5.12',
  paramsSchema: voronoiParams,
  defaults: { samples: 2000, maxFeatures: 1024, layer: 0 },
  defaultEvery: 5,
  fields: {
    samples: { label: 'Samples', help: 'A fixed seeded subset of the training rows. The cost grows with samples × cells × width per round.', unit: 'rows', group: 'Probes' },
    maxFeatures: { label: 'Widest layer', help: 'A layer wider than this is not measured.', unit: 'features', group: 'Probes' },
    layer: { label: 'Layer', help: LAYER_INDEX_HELP, group: 'Probes' }
  },
  outputs: [
    { id: 'cells', kind: 'scalars', keys: ['voronoi/cells', 'voronoi/*/cells', 'voronoi/*/*/cells'], title: 'Pure Voronoi cells |C|', yLabel: 'cells' },
    { id: 'entropy', kind: 'scalars', keys: ['voronoi/entropy', 'voronoi/*/entropy', 'voronoi/*/*/entropy'], title: 'Pure entropy H*(X; Y)', yLabel: 'bits' },
    { id: 'map', kind: 'scatter', key: 'voronoi/**', title: 'Pure Voronoi map', help: 'Each cell coloured by its centroid\'s class (2-D layers only), the centroids marked, the samples by class.' }
  ]
})
