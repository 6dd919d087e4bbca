/**
 * What every training loop of the lab offers (the trainer in src-main/engine/training/ implements it): a
 * validation split, weight decay, early stopping and checkpoints. Studies put these fields in their configs
 * where they apply, with the metadata below for their forms.
 */
import { z } from 'zod'
import type { FieldMeta } from '../studies/descriptor'

/** Fraction of all samples held out for validation (taken from the training part; 0 = no validation split). */
export const validationFractionSchema = z.number().min(0).max(0.5)

/** L2 weight decay λ: λ·w is added to the gradient of every kernel (not biases or batch-norm parameters). */
export const weightDecaySchema = z.number().min(0).max(1)

export const EARLY_STOPPING_METRICS = ['val/loss', 'val/accuracy'] as const
export type EarlyStoppingMetric = (typeof EARLY_STOPPING_METRICS)[number]

/** Stop when the validation metric has not improved by `minDelta` for `patience` epochs (absent = train all epochs). */
export const earlyStoppingSchema = z.strictObject({
  metric: z.enum(EARLY_STOPPING_METRICS),
  patience: z.number().int().min(1).max(100_000),
  minDelta: z.number().min(0).max(1),
  /** End with the weights of the best epoch (the model artifact and the final metrics are then that epoch's). */
  restoreBest: z.boolean()
})
export type EarlyStoppingConfig = z.infer<typeof earlyStoppingSchema>

export const EARLY_STOPPING_DEFAULTS: EarlyStoppingConfig = { metric: 'val/loss', patience: 10, minDelta: 0, restoreBest: true }

/** Save a resumable checkpoint (weights, optimiser state, RNG) every N epochs; 0 = never. */
export const checkpointEverySchema = z.number().int().min(0).max(100_000)

/** Direction of improvement of a metric key ("lower is better" for losses and errors). */
export function lowerIsBetter(key: string): boolean {
  return /loss|error|mse|entropy|bits/i.test(key.split('/').at(-1) ?? key)
}

export function trainingBasicsFields(group: string, dataGroup: string, prefix = ''): Record<string, FieldMeta> {
  return {
    [`${prefix}dataset.validationFraction`]: {
      label: 'Validation fraction',
      help: 'Fraction of the samples held out from training for validation: "best" metrics and early stopping are chosen on it, never on the test set. 0 = no validation split.',
      unit: 'of n',
      group: dataGroup,
      step: 0.05
    },
    [`${prefix}weightDecay`]: { label: 'Weight decay (L2)', help: 'λ·w is added to the gradient of every kernel (equivalently λ/2·‖w‖² in the loss; biases and batch-norm parameters are not decayed). 0 = none.', group, step: 0.0001 },
    [`${prefix}earlyStopping`]: { label: 'Early stopping', help: 'Stop when the validation metric stops improving (needs a validation split).', group, defaultValue: EARLY_STOPPING_DEFAULTS },
    [`${prefix}earlyStopping.metric`]: { label: 'Early-stopping metric', help: 'The validation metric watched.', group, choices: { 'val/loss': 'validation loss', 'val/accuracy': 'validation accuracy' } },
    [`${prefix}earlyStopping.patience`]: { label: 'Patience', help: 'Epochs without improvement before stopping.', unit: 'epochs', group },
    [`${prefix}earlyStopping.minDelta`]: { label: 'Min improvement', help: 'A change smaller than this does not count as an improvement.', group, step: 0.0001 },
    [`${prefix}earlyStopping.restoreBest`]: { label: 'Restore best weights', help: 'End with the weights of the best epoch (the saved model and final metrics are then from it).', group },
    [`${prefix}checkpointEvery`]: {
      label: 'Checkpoint every',
      help: 'Save a checkpoint (weights, optimiser state and RNG) every N epochs as the run\'s "checkpoint" artifact, so an interrupted or cancelled run can be resumed where it was. 0 = never.',
      unit: 'epochs',
      group
    }
  }
}
