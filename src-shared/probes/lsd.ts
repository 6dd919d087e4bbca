/** Least-squares distance per layer (thesis eq. 5.3, Fig. 5.6). */
import { z } from 'zod'
import { defineProbe } from './descriptor'
import { eigenFeaturesParam, sampleFields, samplesParam } from './representation'

export const lsdParams = z.strictObject({
  samples: samplesParam(60_000),
  maxFeatures: eigenFeaturesParam,
  /** Fit an intercept (Z with a ones column). */
  bias: z.boolean(),
  rcond: z.number().min(0).max(1),
  ridge: z.number().min(0).max(1e6)
})

export const lsdProbe = defineProbe({
  id: 'lsd',
  title: 'Least-squares distance per layer',
  summary: 'LSD_i = (1/m)‖Y − Z_i Z_i⁺ Y‖²: how far the one-hot labels are from the best affine function of layer i\'s representation (layer 0 = the input), solved in float64. It falls with depth and over training as layers linearise the problem.',
  source: 'Øland 2024 thesis, eq. 5.3 and Fig. 5.6',
  paramsSchema: lsdParams,
  defaults: { samples: 2000, maxFeatures: 1024, bias: true, rcond: 1e-6, ridge: 0 },
  defaultEvery: 1,
  fields: {
    ...sampleFields('the LSD'),
    bias: { label: 'Intercept', help: 'Fit Y by an affine function of Z (a ones column appended), as a decision layer with a bias would.', group: 'Probes' },
    rcond: { label: 'Cut-off (rcond)', help: 'Eigenvalues of ZᵀZ below rcond × the largest count as zero: the truncated pseudo-inverse (dead ReLUs and constant pixels make Z rank-deficient).', group: 'Probes', step: 1e-7 },
    ridge: { label: 'Ridge', help: 'A ridge term, relative to the mean eigenvalue of ZᵀZ (0 = the truncated pseudo-inverse only).', group: 'Probes' }
  },
  outputs: [
    { id: 'lsd', kind: 'scalars', keys: ['lsd/**'], title: 'LSD per layer over training', yLabel: 'least-squares distance', help: 'Thesis Fig. 5.6: decreasing with the layer index and over training (MLP 784-392-196-50-10 on MNIST).' },
    { id: 'curve', kind: 'curves', key: 'lsd/**', title: 'LSD vs layer index', help: 'At the chosen step: the LSD of every measured layer (layer 0 = the input).' }
  ]
})
