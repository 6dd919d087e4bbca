/**
 * Per-layer weight entropy (thesis ch. 3): the Shannon entropy H = −Σ p log₂ p of each layer's kernel quantised
 * to M bits over its [w_min, w_max], estimated on a seeded random fraction F of the weights (3 % suffices, §3.6).
 * Its fall during training is what makes dynamic compression (N = ⌈H + c⌉ bits) pay.
 */
import { z } from 'zod'
import { MAX_BITS } from '../compression/quantise'
import { defineProbe } from './descriptor'

export const weightEntropyParams = z.strictObject({
  /** M: bits of the quantisation the entropy is measured at (H ≤ M). */
  bits: z.number().int().min(1).max(MAX_BITS),
  /** F: the fraction of each layer's weights sampled (a fixed seeded subset of positions, the same at every probe). */
  fraction: z.number().gt(0).max(1)
})

export const weightEntropyProbe = defineProbe({
  id: 'weight-entropy',
  title: 'Weight entropy per layer',
  summary: 'Entropy of every layer\'s kernel quantised to M bits, on a sampled fraction F of its weights: how many bits per weight an entropy coder would need.',
  source: 'Øland 2024 thesis, ch. 3 (weight entropy and dynamic compression)',
  paramsSchema: weightEntropyParams,
  defaults: { bits: 4, fraction: 0.03 },
  defaultEvery: 1,
  fields: {
    bits: { label: 'Bits M', help: 'The weights are quantised to 2^M equal bins between the layer\'s smallest and largest weight; the entropy is at most M bits (thesis §3.6: M = 4).', unit: 'bits', group: 'Probes', step: 1 },
    fraction: { label: 'Sampled fraction F', help: 'Fraction of each layer\'s weights the histogram is taken over — a fixed seeded subset, at least one weight (thesis §3.6: 3 % is enough).', group: 'Probes', step: 0.01 }
  },
  outputs: [{ id: 'entropy', kind: 'scalars', keys: ['weight-entropy/*'], title: 'Weight entropy per layer', yLabel: 'entropy of the M-bit weights (bits)', help: 'H = −Σ p log₂ p of each layer\'s kernel quantised to M bits, on a sampled fraction F of its weights.' }]
})
