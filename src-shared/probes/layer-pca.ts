/** The first two principal components of a layer's representation for chosen classes (thesis Fig. 5.9). */
import { z } from 'zod'
import { defineProbe } from './descriptor'
import { boundedSample, eigenFeaturesParam, sampleFields, samplesParam } from './representation'

export const layerPcaParams = z.strictObject({
  samples: samplesParam(20_000),
  maxFeatures: eigenFeaturesParam,
  classes: z.array(z.number().int().min(0).max(9_999)).min(1).max(10),
  /** Layer indices to draw; empty = every layer. */
  layers: z.array(z.number().int().min(0).max(1_000)).max(32)
}).superRefine(boundedSample)

export const layerPcaProbe = defineProbe({
  id: 'layer-pca',
  title: 'PCA of a layer',
  summary: 'The samples of the chosen classes projected on the first two principal components of layer i\'s representation (layer 0 = the input), at every measured epoch: the classes separating with depth and over training.',
  source: 'Øland 2024 thesis, Fig. 5.9',
  paramsSchema: layerPcaParams,
  defaults: { samples: 1000, maxFeatures: 1024, classes: [0, 1, 2, 3], layers: [] },
  defaultEvery: 1,
  fields: {
    ...sampleFields('the PCA'),
    classes: { label: 'Classes', help: 'Class indices drawn (thesis Fig. 5.9: four).', group: 'Probes' },
    layers: { label: 'Layers', help: 'Layer indices to draw (0 = the input); empty = every layer.', group: 'Probes' }
  },
  outputs: [{ id: 'scatter', kind: 'scatter', key: 'layer-pca/**', title: 'First two principal components', help: 'Components fitted on the drawn samples at that epoch; each component\'s sign is fixed so its largest loading is positive.' }]
})
