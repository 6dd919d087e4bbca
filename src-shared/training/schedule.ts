/**
 * Learning-rate schedules, as a discriminated config and one pure function of the training position, so the
 * engine (which sets the rate) and the form (which previews it) agree. The rate changes every step. A linear
 * warm-up from 0 can precede any schedule.
 */
import { z } from 'zod'
import type { FieldMeta } from '../studies/descriptor'

const warmupEpochs = z.number().min(0).max(100_000)

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), warmupEpochs }),
  /** × factor every `every` epochs (the thesis's "divide by 10 after epoch 56" is every 56, factor 0.1). */
  z.strictObject({ kind: z.literal('step'), warmupEpochs, every: z.number().int().min(1).max(100_000), factor: z.number().gt(0).max(1) }),
  /** × factor per epoch. */
  z.strictObject({ kind: z.literal('exponential'), warmupEpochs, factor: z.number().gt(0).max(1) }),
  /** Cosine from the base rate to base × minFactor over the epochs after the warm-up (Loshchilov & Hutter 2017, one cycle). */
  z.strictObject({ kind: z.literal('cosine'), warmupEpochs, minFactor: z.number().min(0).max(1) })
])
export type ScheduleConfig = z.infer<typeof scheduleSchema>
export type ScheduleKind = ScheduleConfig['kind']

export const CONSTANT_SCHEDULE: ScheduleConfig = { kind: 'constant', warmupEpochs: 0 }

export const SCHEDULE_VARIANTS: Record<ScheduleKind, ScheduleConfig> = {
  constant: CONSTANT_SCHEDULE,
  step: { kind: 'step', warmupEpochs: 0, every: 10, factor: 0.1 },
  exponential: { kind: 'exponential', warmupEpochs: 0, factor: 0.95 },
  cosine: { kind: 'cosine', warmupEpochs: 0, minFactor: 0 }
}

/**
 * The learning rate of training step `step` (1-based) of a run with `stepsPerEpoch` steps per epoch and `epochs`
 * epochs. The schedule reads the position as epochs completed before the step (fractional), so a step decay
 * "every 56 epochs" applies from the first step of epoch 57; the warm-up rises linearly over its steps, reaching
 * the base rate at its last one. Exactly `baseRate` for a constant schedule without warm-up.
 */
export function learningRateAt(schedule: ScheduleConfig, baseRate: number, step: number, stepsPerEpoch: number, epochs: number): number {
  const warmupSteps = schedule.warmupEpochs * stepsPerEpoch
  if (warmupSteps > 0 && step < warmupSteps) return (baseRate * step) / warmupSteps
  const t = Math.max(0, (step - 1) / stepsPerEpoch - schedule.warmupEpochs)
  switch (schedule.kind) {
    case 'constant':
      return baseRate
    case 'step':
      return baseRate * schedule.factor ** Math.floor(t / schedule.every)
    case 'exponential':
      return baseRate * schedule.factor ** t
    case 'cosine': {
      const span = Math.max(1e-9, epochs - schedule.warmupEpochs)
      const p = Math.min(1, t / span)
      const min = baseRate * schedule.minFactor
      return min + (baseRate - min) * 0.5 * (1 + Math.cos(Math.PI * p))
    }
  }
}

export function scheduleFields(prefix: string, group: string): Record<string, FieldMeta> {
  return {
    [prefix]: { label: 'Learning-rate schedule', help: 'How the learning rate changes over training; the rate is logged as train/lr.', group },
    [`${prefix}.kind`]: {
      label: 'LR schedule',
      help: 'Constant, step decay (× factor every N epochs), exponential (× factor per epoch) or cosine to a floor (Loshchilov & Hutter 2017).',
      group,
      choices: { constant: 'constant', step: 'step decay', exponential: 'exponential', cosine: 'cosine' },
      variants: SCHEDULE_VARIANTS
    },
    [`${prefix}.warmupEpochs`]: { label: 'Warm-up', help: 'Epochs of linear warm-up from 0 to the base rate before the schedule starts (Goyal et al. 2017); 0 = none.', unit: 'epochs', group, step: 1 },
    [`${prefix}.every`]: { label: 'Decay every', help: 'Multiply the rate by the factor every N epochs (thesis §7.6: ÷10 after epoch 56).', unit: 'epochs', group },
    [`${prefix}.factor`]: { label: 'Decay factor', help: 'Multiplier per decay (step) or per epoch (exponential).', group, step: 0.01 },
    [`${prefix}.minFactor`]: { label: 'Floor', help: 'The cosine ends at base × this.', unit: '× base', group, step: 0.01 }
  }
}
