/**
 * The engine side of the arms studies (src-shared/studies/arms.ts): the library dataset with its seeded split,
 * one network per arm and trial built from the trial's seed (so every arm of a trial starts from the same
 * weights), and each net's best validation epoch with the test accuracy there, tracked after every epoch.
 */
import type { LayersModel } from '@tensorflow/tfjs'
import type { Layer } from '../../../src-shared/network/layers'
import { deriveSeed } from '../../../src-shared/rng'
import { median, memberName, type ArmsConfig, type ArmsDataset, type BestEpoch } from '../../../src-shared/studies/arms'
import { buildNetwork, NetworkError } from '../compute/network'
import { loadStored, splitRows, type Source, type Split } from '../training/data'
import { train, type EpochState, type EvalSpec, type Member, type TrainerOptions, type TrainResult } from '../training/trainer'
import { RunFailure, type RunContext } from './context'

/** Rows per evaluation pass (a CNN's activations for thousands of images do not fit at once). */
const EVAL_CHUNK = 500

export interface ArmsData {
  source: Source
  split: Split
  /** Validation then test: each net's best epoch is chosen on validation, its figure read on test. */
  evalSets: EvalSpec[]
}

export function loadArmsData(ctx: RunContext, d: ArmsDataset, study: string): ArmsData {
  const source = loadStored(ctx, d.datasetId, study)
  const split = splitRows(source.n, d.testFraction, d.validationFraction, deriveSeed(ctx.seed, 'split'), deriveSeed(ctx.seed, 'validation'))
  if (!split.val.length) throw new RunFailure('the validation split is empty: each net is judged at its best validation epoch')
  return {
    source,
    split,
    evalSets: [
      { split: 'val', rows: split.val, chunk: EVAL_CHUNK },
      { split: 'test', rows: split.test, chunk: EVAL_CHUNK }
    ]
  }
}

/** The initial weights of trial k (the same for every arm of the trial). */
export function trialSeed(seed: number, trial: number): number {
  return deriveSeed(seed, `init/${trial}`)
}

export function buildArmModel(ctx: RunContext, layers: Layer[], source: Source, trial: number): LayersModel {
  try {
    return buildNetwork(ctx.tf, layers, source.sample, source.classes, trialSeed(ctx.seed, trial))
  } catch (err) {
    if (err instanceof NetworkError) throw new RunFailure(`the network does not fit ${source.label} (samples ${source.sample.join('×')}): ${err.message}`)
    throw err
  }
}

/** A member of an arm: which arm, which trial. */
export interface ArmMember extends Member {
  arm: string
  trial: number
}

/**
 * One net per trial and arm, trial-major (`<arm>/t<k>`, from trial k's seed; the first trial's nets probed), with
 * what each arm trains by (`member(arm)`: its optimiser, loss). The nets built so far are disposed if one fails.
 */
export function buildArmMembers<A extends string | { name: string }>(
  ctx: RunContext,
  cfg: Pick<ArmsConfig, 'layers' | 'trials'>,
  source: Source,
  arms: readonly A[],
  member: (arm: A) => Pick<Member, 'optimizer' | 'loss' | 'lossName'>
): ArmMember[] {
  const members: ArmMember[] = []
  try {
    for (let trial = 0; trial < cfg.trials; trial++) {
      for (const arm of arms) {
        const armName = typeof arm === 'string' ? arm : arm.name
        const name = memberName(armName, trial)
        const model = buildArmModel(ctx, cfg.layers, source, trial)
        members.push({ arm: armName, trial, prefix: `${name}/`, name, model, accuracy: 'argmax', probed: trial === 0, ...member(arm) })
      }
    }
  } catch (err) {
    for (const m of members) m.model.dispose()
    throw err
  }
  return members
}

/** The trainer on an arms study's nets: same batches for all, validation and test after every epoch, its probes and checkpoints. */
export function trainArms(ctx: RunContext, cfg: ArmsConfig, data: ArmsData, members: ArmMember[], extra: Pick<TrainerOptions, 'hooks' | 'nanAdvice'>): Promise<TrainResult> {
  return train({
    ctx,
    source: data.source,
    trainRows: data.split.train,
    evalSets: data.evalSets,
    members,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    shuffleSeed: deriveSeed(ctx.seed, 'shuffle'),
    logEvery: 0,
    probes: cfg.probes,
    checkpointEvery: cfg.checkpointEvery,
    resume: ctx.resume,
    progress: (step, total, epoch) => ctx.progress(step, total, `epoch ${epoch}/${cfg.epochs} · ${members.length} nets`),
    ...extra
  })
}

/** A runner's summary: the trainer's figures, with the study's own over its final values. */
export function armsSummary(r: TrainResult, figures: Record<string, number>) {
  return { final: { ...r.final, ...figures }, steps: r.steps, epochs: r.epochs, wallSeconds: r.wallSeconds, samplesPerSecond: r.samplesPerSecond }
}

/**
 * Each member's best validation accuracy so far (epochs ≥ 1; ties keep the earlier epoch) and the test accuracy
 * at that epoch. Saved with checkpoints, so a resumed run keeps them.
 */
export class BestEpochs {
  private best = new Map<string, BestEpoch>()

  constructor(private readonly members: readonly ArmMember[]) {}

  update(s: EpochState): void {
    if (s.epoch < 1) return
    for (const m of this.members) {
      const val = s.metrics[`${m.prefix}val/accuracy`]
      const test = s.metrics[`${m.prefix}test/accuracy`]
      if (!Number.isFinite(val)) continue
      const now = this.best.get(m.prefix)
      if (!now || val > now.valAccuracy) this.best.set(m.prefix, { epoch: s.epoch, valAccuracy: val, testAccuracy: test })
    }
  }

  of(m: ArmMember): BestEpoch | undefined {
    return this.best.get(m.prefix)
  }

  /** The test accuracies (at the best epochs) of an arm's trials, in trial order, skipping nets not yet evaluated. */
  testAccuracies(arm: string): number[] {
    return this.members.filter((m) => m.arm === arm).flatMap((m) => (this.best.has(m.prefix) ? [this.best.get(m.prefix)!.testAccuracy] : []))
  }

  /** Median over an arm's trials of the test accuracy and of the epoch of the best validation accuracy. */
  medians(arm: string): { accuracy: number; epoch: number } {
    const of = this.members.filter((m) => m.arm === arm).flatMap((m) => (this.best.has(m.prefix) ? [this.best.get(m.prefix)!] : []))
    return { accuracy: median(of.map((b) => b.testAccuracy)), epoch: median(of.map((b) => b.epoch)) }
  }

  save(): Record<string, BestEpoch> {
    return Object.fromEntries(this.best)
  }

  load(saved: unknown): void {
    if (!saved || typeof saved !== 'object') return
    const known = new Set(this.members.map((m) => m.prefix))
    for (const [k, v] of Object.entries(saved as Record<string, BestEpoch>)) if (known.has(k) && v && Number.isFinite(v.valAccuracy)) this.best.set(k, v)
  }
}
