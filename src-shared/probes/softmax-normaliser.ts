/**
 * The softmax normaliser (thesis ch. 4, Fig. 4.5): s = Σ_k e^{x_k} of the output pre-activations per example, on
 * a fixed seeded sample of training examples. It grows as the outputs sharpen; a softmax output divides by it,
 * which is one way a bounded output takes the size out of the deltas. Computed as log s = logsumexp(x), so it
 * cannot overflow; s itself is logged where it is finite in float64.
 */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const softmaxNormaliserParams = z.strictObject({
  samples: z.number().int().min(1).max(10_000)
})

export const softmaxNormaliserProbe = defineProbe({
  id: 'softmax-normaliser',
  title: 'Softmax normaliser',
  summary: 'Σ eˣ of the output pre-activations per example (mean, median and the mean of its log), on a fixed sample of training examples.',
  source: 'Øland 2024 thesis, ch. 4, Fig. 4.5',
  paramsSchema: softmaxNormaliserParams,
  defaults: { samples: 256 },
  defaultEvery: 1,
  fields: {
    samples: { label: 'Examples', help: 'A fixed seeded subset of the training examples, in inference mode.', unit: 'examples', group: 'Probes' }
  },
  outputs: [
    { id: 'normaliser', kind: 'scalars', keys: ['softmax-normaliser/mean', 'softmax-normaliser/median'], title: 'Softmax normaliser Σ eˣ', logScale: true, yLabel: 'Σ_k exp(x_k)', help: 'Thesis Fig. 4.5: mean and median over the examples of s = Σ_k exp(x_k); either is left out at a step where it overflows float64 (x above ≈ 709), and the log below never does.' },
    { id: 'log', kind: 'scalars', keys: ['softmax-normaliser/log_mean'], title: 'log Σ eˣ (mean over examples)', yLabel: 'logsumexp(x)', help: 'Thesis Fig. 4.5 on a log scale: the mean over the examples of log s, computed as logsumexp(x) (the row\'s largest x taken out first), finite whatever the size of x — the safe one to plot.' }
  ]
})
