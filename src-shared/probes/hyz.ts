/** Feature-wise conditional entropy H(Y|z_j) per layer (thesis §5.3, Fig. 5.21). */
import { z } from 'zod'
import { defineProbe } from './descriptor'
import { samplesParam } from './representation'

export const hyzParams = z.strictObject({ samples: samplesParam(60_000) })

export const hyzProbe = defineProbe({
  id: 'hyz',
  title: 'Feature-wise conditional entropy H(Y|z)',
  summary: 'For each unit j of a dense layer, the class entropy (bits) of the samples whose pre-activation a_j is > 0; a layer\'s value is the mean over units with a non-empty selection (their number is logged). A selection-based proxy, not the textbook H(Y|Z).',
  source: 'Øland 2024 thesis, §5.3 and Fig. 5.21',
  paramsSchema: hyzParams,
  defaults: { samples: 2000 },
  defaultEvery: 1,
  fields: {
    samples: { label: 'Samples', help: 'A fixed seeded subset of the training rows, the same at every epoch. Layer i is the i-th dense layer (the output layer last); conv layers are not measured.', unit: 'rows', group: 'Probes' }
  },
  outputs: [
    { id: 'hyz', kind: 'scalars', keys: ['hyz/**'], title: 'H(Y|z) per layer over training', yLabel: 'bits', help: 'Thesis §5.3 (784-300-50-10 ReLU on MNIST, epochs 0–5): layer 1 3.26 → 3.12, layer 2 3.26 → 2.55, output 3.03 → 0.09 bits. log₂ 10 = 3.32 bits is a uniform class mix.' },
    { id: 'layers', kind: 'table', key: 'hyz/**', title: 'What H(Y|z) measured, per layer', help: 'Which pre-activation each layer\'s selection reads: ReLU units (a > 0 ⇔ the unit fires), other activations, or the output layer (meaningful for softmax / cross-entropy, less so for a squared loss), with its units and the units whose selection is empty (≤ 0 for every sample; left out of the mean).' }
  ]
})
