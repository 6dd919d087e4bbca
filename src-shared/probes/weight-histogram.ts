/** Per-layer histograms of the weights (TensorBoard's histograms/distributions of the kernels). */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const weightHistogramParams = z.strictObject({
  bins: z.number().int().min(5).max(200),
  /** Histograms of the bias vectors too (keys `<layer>.bias`). */
  biases: z.boolean()
})

export const weightHistogramProbe = defineProbe({
  id: 'weight-histogram',
  title: 'Weight histograms',
  summary: 'The distribution of every layer\'s weights (kernels, optionally biases), each probe step: one histogram per layer, and all steps as a matrix over training.',
  paramsSchema: weightHistogramParams,
  defaults: { bins: 30, biases: false },
  defaultEvery: 1,
  fields: {
    bins: { label: 'Bins', help: 'Bins per histogram, between the layer\'s smallest and largest weight at that step.', group: 'Probes' },
    biases: { label: 'Biases too', help: 'Also a histogram of each layer\'s bias vector (key `<layer>.bias`).', group: 'Probes' }
  },
  outputs: [{ id: 'histograms', kind: 'histogram', key: 'weight-histogram/*', title: 'Weights', help: 'Histogram of the layer\'s weights at the chosen step; below, every step\'s histogram as one matrix.' }]
})
