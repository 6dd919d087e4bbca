/**
 * The correlation of log(G + 1) with H over training (thesis ch. 3, §3.5): per layer, the gradient RMS G and the
 * entropy H of the M-bit quantised kernel (on a sampled fraction F) are measured at every due epoch, and the
 * Pearson correlation of log(G + 1) with H over the epochs measured so far is logged — > 0.75 throughout in the
 * thesis, often > 0.95: a layer's weights settle (H falls) as its gradients fade.
 */
import { z } from 'zod'
import { MAX_BITS } from '../compression/quantise'
import { defineProbe } from './descriptor'

export const entropyGradientParams = z.strictObject({
  bits: z.number().int().min(1).max(MAX_BITS),
  fraction: z.number().gt(0).max(1),
  /** Training examples the gradient is taken over (a fixed seeded subset). */
  samples: z.number().int().min(1).max(10_000)
})

export const entropyGradientProbe = defineProbe({
  id: 'entropy-gradient',
  title: 'Correlation of log(G + 1) with H',
  summary: 'Per layer, the Pearson correlation over the epochs so far of log(G + 1) (G = gradient RMS) with the entropy H of the M-bit quantised kernel.',
  source: 'Øland 2024 thesis, ch. 3, §3.5',
  paramsSchema: entropyGradientParams,
  defaults: { bits: 4, fraction: 0.03, samples: 256 },
  defaultEvery: 1,
  fields: {
    bits: { label: 'Entropy bits M', help: 'H is measured on the kernel quantised to 2^M bins over its range (thesis: 4).', unit: 'bits', group: 'Probes', step: 1 },
    fraction: { label: 'Sampled fraction F', help: 'Fraction of each kernel\'s weights H is estimated on — a fixed seeded subset (thesis: 3 %).', group: 'Probes', step: 0.01 },
    samples: { label: 'Examples', help: 'A fixed seeded subset of the training examples the gradient RMS is measured on.', unit: 'examples', group: 'Probes' }
  },
  outputs: [
    { id: 'correlation', kind: 'scalars', keys: ['entropy-gradient/*'], title: 'Correlation of log(G + 1) with H per layer', yLabel: 'Pearson r over the epochs so far', help: 'Logged from the third measurement on (a correlation needs three points); thesis §3.5: > 0.75 throughout.' }
  ]
})
