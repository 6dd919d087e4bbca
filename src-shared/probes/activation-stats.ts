/** Per-layer activation statistics on a fixed sample of training examples (inference mode). */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const activationStatsParams = z.strictObject({
  samples: z.number().int().min(1).max(10_000)
})

export const activationStatsProbe = defineProbe({
  id: 'activation-stats',
  title: 'Activation statistics',
  summary: 'Mean and standard deviation of every layer\'s output on a fixed sample of training examples, and for ReLU layers the fraction of dead units (zero for every example).',
  paramsSchema: activationStatsParams,
  defaults: { samples: 512 },
  defaultEvery: 1,
  fields: {
    samples: { label: 'Examples', help: 'A fixed seeded subset of the training examples, passed through the network in inference mode.', unit: 'examples', group: 'Probes' }
  },
  outputs: [
    { id: 'mean', kind: 'scalars', keys: ['activation-stats/*/mean'], title: 'Activation mean per layer' },
    { id: 'std', kind: 'scalars', keys: ['activation-stats/*/std'], title: 'Activation std per layer' },
    { id: 'dead', kind: 'scalars', keys: ['activation-stats/*/dead'], title: 'Dead ReLU units per layer', percent: true, help: 'Fraction of a ReLU layer\'s units that output 0 for every example of the sample.' }
  ]
})
