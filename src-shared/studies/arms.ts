/**
 * What the thesis's comparison studies (ch. 3 compression, ch. 4 output variants) share: several networks — one
 * per arm (a bit width, a floor c, an output variant) and trial (an initialisation seed) — trained side by side
 * on the same batches of a library dataset, each judged at its best validation epoch, medians over trials.
 * Member keys are `<arm>/t<k>/<split>/<metric>`; the first trial's nets carry the run's probes.
 */
import { z } from 'zod'
import { layerSchema, type Layer } from '../network/layers'
import { probesSchema } from '../probes'
import { checkpointEverySchema, validationFractionSchema } from '../training/basics'
import { optimizerSchema, type OptimizerConfig } from '../training/optimizer'
import { estimateWorkload, layerListCost, type DataShape, type ResourceEstimate } from '../training/estimate'

/** A dataset of the library with its seeded test and validation split (the validation split picks each net's best epoch). */
export const armsDatasetSchema = z.strictObject({
  datasetId: z.string({ error: 'choose a dataset from the library' }).min(1, 'choose a dataset from the library').max(100),
  testFraction: z.number().min(0.05).max(0.9),
  validationFraction: validationFractionSchema.refine((v) => v > 0, 'each net is judged at its best validation epoch: set a validation fraction above 0')
})
export type ArmsDataset = z.infer<typeof armsDatasetSchema>

/** Hidden layers (the output layer is added from the loss); checked against the dataset's shape when the run starts. */
export const armsLayersSchema = z.array(layerSchema).min(1).max(16)

export const trialsSchema = z.number().int().min(1).max(100)

/** The fields every arms study's config has (spread into its schema beside its own). */
export const armsConfigFields = {
  dataset: armsDatasetSchema,
  layers: armsLayersSchema,
  optimizer: optimizerSchema,
  batchSize: z.number().int().min(1).max(65_536),
  epochs: z.number().int().min(1).max(10_000),
  /** Independent initialisations; every arm of trial k starts from the same weights. */
  trials: trialsSchema,
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Keep a resumable checkpoint of every net every N epochs (0 = none). */
  checkpointEvery: checkpointEverySchema,
  probes: probesSchema.optional()
}

/** An arms study's config as the engine's shared part reads it. */
export type ArmsConfig = z.infer<z.ZodObject<typeof armsConfigFields>>

/** Networks of one run at most: every one is trained on every batch. */
export const MAX_MEMBERS = 200

/** `<arm>/t<k>` (k from 1): the member's name, and `<arm>/t<k>/` its key prefix. */
export function memberName(arm: string, trial: number): string {
  return `${arm}/t${trial + 1}`
}

/** The names of the nets the run's probes measure: the first trial of every arm. */
export function probedMembers(arms: readonly string[]): string[] {
  return arms.map((a) => memberName(a, 0))
}

/** Median of finite values (NaN when there are none): the thesis reports medians over trials. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).slice().sort((a, b) => a - b)
  if (!v.length) return NaN
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}

/** Test error and the epoch of the best validation accuracy of one net (what Table 4.1 reports per trial). */
export interface BestEpoch {
  epoch: number
  valAccuracy: number
  testAccuracy: number
}

/** Memory and compute of `members` nets of these layers trained side by side (null without the data's shape or when the net does not fit). */
export function estimateArms(
  c: { dataset: ArmsDataset; layers: Layer[]; batchSize: number; epochs: number; optimizer: OptimizerConfig },
  members: number,
  library: DataShape | null | undefined
): ResourceEstimate | null {
  if (!library) return null
  const one = layerListCost(c.layers, library.sample, library.classes)
  if (!one) return null
  const nTest = Math.max(1, Math.round(c.dataset.testFraction * library.n))
  const nVal = Math.max(1, Math.round(c.dataset.validationFraction * library.n))
  return estimateWorkload({
    cost: { params: one.params * members, forwardFlops: one.forwardFlops * members, activationFloats: one.activationFloats * members },
    n: library.n,
    dims: library.sample.reduce((a, b) => a * b, 1),
    classes: library.classes,
    uint8: library.uint8,
    trainSamples: Math.max(0, library.n - nTest - nVal),
    evalSamples: nTest + nVal,
    evalChunk: 500,
    batchSize: c.batchSize,
    epochs: c.epochs,
    optimizerSlots: c.optimizer.kind === 'adam' ? 2 : c.optimizer.momentum > 0 ? 1 : 0
  })
}
