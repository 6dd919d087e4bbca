/**
 * Per-layer gradient RMS: sqrt(mean(g²)) of the loss gradient with respect to each layer's kernel, on a fixed
 * seeded sample of training examples at the current weights (thesis ch. 4's G(l, e) measures it per epoch).
 */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const gradientRmsParams = z.strictObject({
  /** Training examples the gradient is taken over (a fixed seeded subset, the same at every probe). */
  samples: z.number().int().min(1).max(10_000)
})

export const gradientRmsProbe = defineProbe({
  id: 'gradient-rms',
  title: 'Gradient RMS per layer',
  summary: 'RMS of the loss gradient per layer\'s kernel on a fixed sample of training examples: vanishing or exploding gradients at a glance.',
  source: 'Øland 2024 thesis, ch. 4 (gradient amplification)',
  paramsSchema: gradientRmsParams,
  defaults: { samples: 256 },
  defaultEvery: 1,
  fields: {
    samples: { label: 'Examples', help: 'A fixed seeded subset of the training examples; the gradient of the mean loss over them is measured.', unit: 'examples', group: 'Probes' }
  },
  outputs: [{ id: 'rms', kind: 'scalars', keys: ['gradient-rms/*'], title: 'Gradient RMS per layer', logScale: true, yLabel: 'RMS of ∂loss/∂W' }]
})
