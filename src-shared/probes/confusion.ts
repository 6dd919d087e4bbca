/** Confusion matrix and per-class accuracy on a split, and the misclassified examples of an image dataset. */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const CONFUSION_SPLITS = ['test', 'val', 'train'] as const

export const confusionParams = z.strictObject({
  /** The split it is measured on (validation needs a validation split; train uses the training evaluation set). */
  split: z.enum(CONFUSION_SPLITS),
  /** At most this many misclassified images in the grid (image datasets only; 0 = no grid). */
  maxImages: z.number().int().min(0).max(200)
})

export const confusionProbe = defineProbe({
  id: 'confusion',
  title: 'Confusion matrix',
  summary: 'Counts of true class × predicted class on a split, the accuracy of each class, and (image datasets) a grid of misclassified examples.',
  paramsSchema: confusionParams,
  defaults: { split: 'test', maxImages: 32 },
  defaultEvery: 5,
  fields: {
    split: { label: 'Split', help: 'Where it is measured: the test split, the validation split (needs one) or the training evaluation set.', group: 'Probes', choices: { test: 'test', val: 'validation', train: 'train' } },
    maxImages: { label: 'Misclassified images', help: 'How many misclassified examples the grid shows (image datasets; the first ones of the split in its seeded order). 0 = none.', unit: 'images', group: 'Probes' }
  },
  outputs: [
    { id: 'matrix', kind: 'heatmap', key: 'confusion/matrix', title: 'Confusion matrix', help: 'Rows: true class; columns: predicted class; cells: counts.' },
    { id: 'per-class', kind: 'scalars', keys: ['confusion/accuracy/*'], title: 'Accuracy per class', percent: true },
    { id: 'misclassified', kind: 'image-grid', key: 'confusion/misclassified', title: 'Misclassified examples', help: 'Caption: true → predicted class.' }
  ]
})
