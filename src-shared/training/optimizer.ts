/**
 * The optimiser of every study that trains a tfjs network, as a discriminated config: a stored config holds
 * exactly the settings its optimiser used (Adam has no momentum; SGD has no betas). Adam's constants are
 * explicit so a run says what it ran with (tfjs's defaults: β₁ 0.9, β₂ 0.999, ε 1e-7 on float32 backends).
 */
import { z } from 'zod'
import type { FieldMeta } from '../studies/descriptor'

export const OPTIMIZER_KINDS = ['sgd', 'adam'] as const
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number]

const learningRate = z.number().gt(0).max(10)

export const sgdOptimizerSchema = z.strictObject({
  kind: z.literal('sgd'),
  learningRate,
  /** Heavy-ball momentum; 0 = plain SGD. */
  momentum: z.number().min(0).max(0.999)
})

export const adamOptimizerSchema = z.strictObject({
  kind: z.literal('adam'),
  learningRate,
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().gt(0).max(1)
})

export const optimizerSchema = z.discriminatedUnion('kind', [sgdOptimizerSchema, adamOptimizerSchema])
export type OptimizerConfig = z.infer<typeof optimizerSchema>

/** What each kind starts with when a form switches to it (the learning rate is kept across a switch). */
export const OPTIMIZER_VARIANTS: Record<OptimizerKind, OptimizerConfig> = {
  sgd: { kind: 'sgd', learningRate: 0.01, momentum: 0.9 },
  adam: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
}

export function adam(learningRate: number): OptimizerConfig {
  return { ...OPTIMIZER_VARIANTS.adam, learningRate }
}

export function sgd(learningRate: number, momentum = 0): OptimizerConfig {
  return { kind: 'sgd', learningRate, momentum }
}

/** A pre-discrimination optimiser block ({ kind, learningRate, momentum } for both kinds) in today's form. */
export function upgradeOptimizer(o: any): OptimizerConfig {
  if (!o || typeof o !== 'object') return o
  if (o.kind === 'adam') {
    const { momentum: _unused, ...rest } = o
    return { ...OPTIMIZER_VARIANTS.adam, ...rest }
  }
  if (o.kind === 'sgd') return { kind: 'sgd', learningRate: o.learningRate, momentum: o.momentum ?? 0 }
  return o
}

/** Form metadata of the optimiser block at `prefix` (e.g. 'optimizer'), for a study's field list. */
export function optimizerFields(prefix: string, group: string, help: { learningRate?: string; momentum?: string } = {}): Record<string, FieldMeta> {
  return {
    [prefix]: { label: 'Optimiser', help: 'The optimiser and its settings.', group },
    [`${prefix}.kind`]: { label: 'Optimiser', help: 'SGD with momentum (the thesis\'s baselines) or Adam (Kingma & Ba 2015).', group, choices: { sgd: 'SGD (momentum)', adam: 'Adam' }, variants: OPTIMIZER_VARIANTS },
    [`${prefix}.learningRate`]: { label: 'Learning rate', help: help.learningRate ?? 'Step size (the base rate when a schedule is set).', group },
    [`${prefix}.momentum`]: { label: 'Momentum', help: help.momentum ?? 'SGD momentum; 0 = plain SGD.', group, step: 0.05 },
    [`${prefix}.beta1`]: { label: 'Adam β₁', help: 'Decay of the first-moment estimate (Kingma & Ba 2015: 0.9).', group, step: 0.01 },
    [`${prefix}.beta2`]: { label: 'Adam β₂', help: 'Decay of the second-moment estimate (Kingma & Ba 2015: 0.999).', group, step: 0.001 },
    [`${prefix}.epsilon`]: { label: 'Adam ε', help: 'Added to the denominator for numerical stability (tfjs: 1e-7).', group }
  }
}
