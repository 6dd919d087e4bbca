/**
 * Output-layer deltas (thesis ch. 4, Fig. 4.2): the per-sample gradient of the loss with respect to the output
 * pre-activations x, on a fixed seeded sample of training examples. For every thesis variant (and softmax + CE)
 * this is y − t, so bounded outputs (softmax, sigmoid) keep it in [−1, 1] while amplifying ones (linear, exp-GA,
 * pow3-GA) with larger targets do not — the gradient amplification the chapter is about.
 */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const outputDeltaParams = z.strictObject({
  /** Training examples measured (a fixed seeded subset, the same at every probe). */
  samples: z.number().int().min(1).max(10_000),
  bins: z.number().int().min(5).max(200)
})

export const outputDeltaProbe = defineProbe({
  id: 'output-delta',
  title: 'Output deltas',
  summary: 'Histograms of the per-sample delta ∂ℒ/∂x at the output pre-activations (y − t for the thesis\'s variants) on a fixed sample of training examples: all of them, the true class\'s and the other classes\'.',
  source: 'Øland 2024 thesis, ch. 4, Fig. 4.2',
  paramsSchema: outputDeltaParams,
  defaults: { samples: 256, bins: 40 },
  defaultEvery: 1,
  fields: {
    samples: { label: 'Examples', help: 'A fixed seeded subset of the training examples, in inference mode.', unit: 'examples', group: 'Probes' },
    bins: { label: 'Bins', help: 'Bins per histogram, between the smallest and the largest delta at that step.', group: 'Probes' }
  },
  outputs: [
    {
      id: 'histograms',
      kind: 'histogram',
      key: 'output-delta/*',
      title: 'Output deltas',
      help: 'Thesis Fig. 4.2: n · ∂(mean loss)/∂x per sample and class (n examples): y − t for softmax + CE and the thesis variants (sigmoid / tanh / linear + MSE, exp-GA, pow3-GA); 2(x − t)/K for the plain mean squared error (K classes; it averages over them). `all`, `true` (the label\'s class), `other`.'
    },
    {
      id: 'size',
      kind: 'scalars',
      keys: ['output-delta/abs_mean', 'output-delta/abs_max'],
      title: 'Size of the output deltas',
      logScale: true,
      yLabel: '|∂ℒ/∂x|',
      help: 'The mean and the largest |y − t| over all the examples\' classes at each step (the spread of the Fig. 4.2 histograms): it stays below 1 for bounded outputs and grows with the targets for the amplifying ones.'
    }
  ]
})
