/**
 * The one training loop of the lab: every study that trains a tfjs network runs it. Per epoch: a seeded
 * shuffle, minibatches gathered in JS (see data.ts), one optimisation step per batch for every member network
 * (studies such as the elasticity manifold train a net and its linear twin on the same batches), then the
 * evaluation sets (train / val / test), the study's epoch hook, the due probes and, every N epochs, a
 * resumable checkpoint. Also: learning-rate schedules, L2 weight decay, early stopping on validation, frozen
 * layers, per-layer optimiser groups, per-step and synchronisation-point hooks, NaN handling and throughput.
 *
 * Per-step work is kept to the step itself: losses are read back (a GPU/wasm sync) only on logging steps or
 * when a running epoch loss is asked for; evaluation, probes and checkpoints happen between epochs.
 */
import type { LayersModel, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs'
import { createRng } from '../../../src-shared/rng'
import { lowerIsBetter, type EarlyStoppingConfig } from '../../../src-shared/training/basics'
import type { OptimizerConfig } from '../../../src-shared/training/optimizer'
import { learningRateAt, type ScheduleConfig } from '../../../src-shared/training/schedule'
import type { ProbeEntry } from '../../../src-shared/probes'
import { dropoutStates, isKernel } from '../compute/network'
import type { ProbeData, ProbeInstance } from '../probes/context'
import { setupProbes } from '../probes'
import { RunFailure, type RunContext } from '../studies/context'
import { CHECKPOINT_ARTIFACT, CHECKPOINT_KIND, encodeCheckpoint, type Checkpoint, type MemberCheckpoint } from './checkpoint'
import { gather, targetWidth, type Source } from './data'
import { measurePeak } from './memory'
import { createOptimizer, disposeOptimizer, restoreOptimizer, saveOptimizer, savedTensor, setLearningRate, type SavedTensor } from './optimizers'

type Layer = LayersModel['layers'][number]

/** A group of a member's layers with an optimiser (and optimiser state) of its own. */
export interface OptimizerGroup {
  name: string
  layers: (layer: Layer, index: number) => boolean
  optimizer: OptimizerConfig
}

/** One network the trainer trains. */
export interface Member {
  /** Prefix of its metric keys: '' for a study's only network, 'neural/' where several train side by side. */
  prefix: string
  /** Its name in probe keys ('' for the only one). */
  name: string
  model: LayersModel
  optimizer: OptimizerConfig
  /** The loss of raw outputs against a batch's targets (the custom output/loss pair of a study). */
  loss(outputs: Tensor, targets: Tensor): Scalar
  lossName?: 'mse' | 'softmax-cross-entropy'
  /** Correct = argmax of outputs equals argmax of one-hot targets, or sign of one output equals a ±1 target. */
  accuracy: 'argmax' | 'sign'
  /** Evaluation outputs (default: the model in inference mode). */
  infer?: (x: Tensor) => Tensor
  /** Layers whose weights do not train (default: none). */
  frozen?: (layer: Layer, index: number) => boolean
  /** Per-layer optimisers: the first group a layer matches trains it; layers in no group use `optimizer`. */
  groups?: OptimizerGroup[]
  /** The run's probes measure it (default true; a study with dozens of seeds probes the first trial's nets only). */
  probed?: boolean
  /**
   * Frozen layers below `model`, applied to each batch outside the gradient tape (layer-wise training's
   * "feednet": none of their activations are kept for backprop); `training` is true in a training step.
   */
  feed?: (x: Tensor, training: boolean) => Tensor
  /** The training-mode forward pass of `model` (default `model.apply(x, { training: true })`), e.g. with a custom gradient inside. */
  forward?: (x: Tensor) => Tensor
  /**
   * Optimisers the caller keeps across trainer calls, by group name ('default' for layers in no group): missing
   * ones are created into it, none is disposed (round-robin layer-wise training: each layer keeps its state).
   */
  optimizers?: Map<string, Optimizer>
}

/** An evaluation set: rows of the source, evaluated whole (one tensor kept for the run) or in chunks. */
export interface EvalSpec {
  split: 'train' | 'val' | 'test'
  rows: readonly number[]
  /** Rows per evaluation pass; null = all at once. */
  chunk: number | null
}

export interface EpochState {
  /** 0 = before training. */
  epoch: number
  /** The run's last epoch (the configured last one, or early stopping ends the run here). */
  last: boolean
  step: number
  totalSteps: number
  /** This epoch's evaluation, by key (`${prefix}${split}/loss|accuracy`). */
  metrics: Record<string, number>
  /** Mean minibatch loss over the epoch per member (with `runningLoss`). */
  epochLoss: number[]
  /** Log a scalar at this epoch's step and keep it as a final value (non-finite values are skipped). */
  record(key: string, value: number): void
  members: readonly Member[]
}

export interface StepState {
  epoch: number
  step: number
  /** The minibatch loss per member when it was read back this step (logging steps, running loss), else null. */
  loss: (number | null)[]
  members: readonly Member[]
}

export interface TrainerHooks {
  /** After each epoch's evaluation (epoch 0 = before training): study-specific measurements. False = cancelled part-way. */
  afterEpoch?(state: EpochState): boolean | void | Promise<boolean | void>
  /** After every optimisation step (runs every step: keep it cheap). */
  afterStep?(state: StepState): void
  /**
   * A synchronisation point every `every` steps, or at the end of each epoch before its evaluation: it may
   * rewrite the weights (e.g. quantise them), and training continues from what it leaves.
   */
  sync?: { every: number | 'epoch'; run(state: StepState): void | Promise<void> }
  /** The study's own state for a checkpoint (JSON), and back on resume. */
  saveState?(): unknown
  loadState?(state: unknown): void
}

export interface TrainerOptions {
  ctx: RunContext
  source: Source
  /** Training rows (indices into the source); batches are drawn from a seeded shuffle of them each epoch. */
  trainRows: readonly number[]
  /** Evaluated in this order at epoch 0 and after every epoch. */
  evalSets?: EvalSpec[]
  members: Member[]
  epochs: number
  batchSize: number
  shuffleSeed: number
  /** Minibatch loss and accuracy every N steps (`train/batch_loss`, `train/batch_accuracy`); 0 = never. */
  logEvery?: number
  /** Read every step's loss: `epochLoss` in the epoch state is the mean over the epoch. */
  runningLoss?: boolean
  schedule?: ScheduleConfig
  weightDecay?: number
  earlyStopping?: EarlyStoppingConfig
  checkpointEvery?: number
  probes?: ProbeEntry[]
  /** Evaluate (and run the epoch hook and probes) before the first step (default true). */
  evaluateAtStart?: boolean
  /** Scalar key of the epoch counter logged at each evaluation (null = none). */
  epochKey?: string | null
  /** Replaces the default progress report (`epoch e/E` every step). */
  progress?: (step: number, totalSteps: number, epoch: number) => void
  /** The last words of a NaN message ("try a lower learning rate"). */
  nanAdvice?: string
  hooks?: TrainerHooks
  /** A checkpoint to continue from (resume). */
  resume?: Checkpoint
  /** Measure the tensor memory of the first training step (TrainResult.memory; profiling slows that step). */
  measureMemory?: boolean
}

export interface TrainResult {
  /** The last value of every epoch-level key logged (evaluation, epoch counter, hook records). */
  final: Record<string, number>
  /** Best validation values ({ value, step }), chosen on validation only. */
  best: Record<string, { value: number; step: number }>
  steps: number
  epochs: number
  wallSeconds: number
  trainSeconds: number
  samplesPerSecond: number
  /** Set when early stopping ended the run. */
  stoppedEarly: { epoch: number; metric: string; bestEpoch: number } | null
  /**
   * With `measureMemory`: bytes held at the high-water mark of the first step above those held before it (the
   * batch, activations kept for backprop, gradients, optimiser state made on that step), and those it kept.
   */
  memory?: { peakBytes: number; keptBytes: number }
}

interface TrainedVariable {
  variable: Variable
  /** Weight decay applies to kernels only. */
  kernel: boolean
}

interface MemberRuntime {
  member: Member
  vars: TrainedVariable[]
  /** The same variables, as variableGrads takes them. */
  variables: Variable[]
  groups: { optimizer: Optimizer; config: OptimizerConfig; vars: Variable[] }[]
  infer: (x: Tensor) => Tensor
  forward: (x: Tensor) => Tensor
  bestWeights: Tensor[] | null
}

/** Trainable variables of a member by optimiser group (layers in no group form the default group). */
function variablesOf(tf: RunContext['tf'], member: Member): Pick<MemberRuntime, 'vars' | 'variables' | 'groups'> {
  const groups = [...(member.groups ?? []).map((g) => ({ name: g.name, config: g.optimizer, match: g.layers })), { name: 'default', config: member.optimizer, match: () => true }].map((g) => {
    let optimizer = member.optimizers?.get(g.name)
    if (!optimizer) {
      optimizer = createOptimizer(tf, g.config)
      member.optimizers?.set(g.name, optimizer)
    }
    return { ...g, optimizer, vars: [] as Variable[] }
  })
  const vars: TrainedVariable[] = []
  member.model.layers.forEach((layer, index) => {
    if (member.frozen?.(layer, index)) return
    const group = groups.find((g) => g.match(layer, index))!
    for (const w of layer.trainableWeights) {
      const variable = (w as unknown as { val: Variable }).val
      vars.push({ variable, kernel: isKernel(w) })
      group.vars.push(variable)
    }
  })
  return { vars, variables: vars.map((v) => v.variable), groups: groups.filter((g) => g.vars.length || g === groups.at(-1)).map(({ optimizer, config, vars }) => ({ optimizer, config, vars })) }
}

const savedTensors = (tensors: Tensor[]): Promise<SavedTensor[]> => Promise.all(tensors.map((tensor, i) => savedTensor({ name: String(i), tensor })))

export async function train(o: TrainerOptions): Promise<TrainResult> {
  const { ctx, source } = o
  const { tf } = ctx
  const started = performance.now()
  const nTrain = o.trainRows.length
  const stepsPerEpoch = Math.ceil(nTrain / o.batchSize)
  const totalSteps = stepsPerEpoch * o.epochs
  const width = targetWidth(source)
  const batchShape = (size: number) => [size, ...source.sample]
  const advice = o.nanAdvice ?? 'try a lower learning rate'
  const epochKey = o.epochKey === undefined ? 'epoch' : o.epochKey
  const logEvery = o.logEvery ?? 0
  const weightDecay = o.weightDecay ?? 0
  const schedule = o.schedule && (o.schedule.kind !== 'constant' || o.schedule.warmupEpochs > 0) ? o.schedule : null
  if (nTrain === 0) throw new RunFailure('there are no training samples (the test and validation splits take them all)')

  const runtimes: MemberRuntime[] = o.members.map((member) => ({
    member,
    ...variablesOf(tf, member),
    infer: member.infer ?? (member.feed ? (x: Tensor) => member.model.apply(member.feed!(x, false), { training: false }) as Tensor : (x: Tensor) => member.model.apply(x, { training: false }) as Tensor),
    forward: member.forward ?? ((x: Tensor) => member.model.apply(x, { training: true }) as Tensor),
    bestWeights: null
  }))

  // Evaluation sets kept whole are gathered once; chunked ones per evaluation.
  const evalSets = (o.evalSets ?? []).map((spec) => {
    if (spec.chunk !== null) return { spec, whole: null as [Tensor, Tensor] | null }
    const all = gather(source, spec.rows, 0, spec.rows.length)
    return { spec, whole: [tf.tensor(all.x, batchShape(spec.rows.length)), tf.tensor2d(all.y, [spec.rows.length, width])] as [Tensor, Tensor] }
  })

  const correctOf = (rt: MemberRuntime, out: Tensor, y: Tensor) =>
    rt.member.accuracy === 'sign' ? out.sign().equal(y) : out.argMax(1).equal(y.argMax(1))
  /** [loss, accuracy] of one batch of tensors. */
  const evaluateTensors = (rt: MemberRuntime, x: Tensor, y: Tensor): [number, number] => {
    const [loss, acc] = tf.tidy(() => {
      const out = rt.infer(x)
      return [rt.member.loss(out, y), correctOf(rt, out, y).toFloat().mean()]
    })
    const values: [number, number] = [loss.dataSync()[0], acc.dataSync()[0]]
    tf.dispose([loss, acc])
    return values
  }
  /** [loss, accuracy] over a set; null when the run is cancelled part-way (chunked sets check between chunks). */
  const evaluate = (rt: MemberRuntime, set: (typeof evalSets)[number]): [number, number] | null => {
    if (set.whole) return evaluateTensors(rt, set.whole[0], set.whole[1])
    const rows = set.spec.rows
    const chunk = set.spec.chunk!
    let lossSum = 0
    let correct = 0
    for (let start = 0; start < rows.length; start += chunk) {
      if (ctx.aborted) return null
      const size = Math.min(chunk, rows.length - start)
      const b = gather(source, rows, start, size)
      const x = tf.tensor(b.x, batchShape(size))
      const y = tf.tensor2d(b.y, [size, width])
      const [l, a] = evaluateTensors(rt, x, y)
      tf.dispose([x, y])
      lossSum += l * size
      correct += Math.round(a * size)
    }
    return [lossSum / rows.length, correct / rows.length]
  }

  // ── bookkeeping (all of it goes into a checkpoint) ──
  const shuffleRng = createRng(o.shuffleSeed)
  const order = Int32Array.from({ length: nTrain }, (_, i) => i)
  const batchRows = new Int32Array(o.batchSize)
  let final: Record<string, number> = {}
  let best: Record<string, { value: number; step: number; epoch: number }> = {}
  let step = 0
  let epochsDone = 0
  let samples = 0
  let trainSeconds = 0
  let wallBefore = 0
  let startEpoch = 1
  /** Early stopping: the best value of the watched metric, its epoch and evaluation, epochs since. */
  let watch: { value: number; epoch: number; step: number; since: number; metrics: Record<string, number> } | null = null
  let stoppedEarly: TrainResult['stoppedEarly'] = null
  let memory: TrainResult['memory'] = undefined
  let learningRate = o.members.map((m) => m.optimizer.learningRate)

  const stoppingKey = o.earlyStopping ? `${o.members[0].prefix}${o.earlyStopping.metric}` : null

  if (o.resume) {
    const c = o.resume
    if (c.members.length !== runtimes.length) throw new RunFailure(`the checkpoint holds ${c.members.length} networks; this run trains ${runtimes.length}`)
    for (let i = 0; i < runtimes.length; i++) {
      const rt = runtimes[i]
      const mc = c.members[i]
      const weights = mc.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype as 'float32'))
      try {
        rt.member.model.setWeights(weights)
      } catch (err) {
        throw new RunFailure(`the checkpoint does not fit this network (${(err as Error).message}); was the config changed?`)
      } finally {
        tf.dispose(weights)
      }
      if (mc.optimizers.length !== rt.groups.length) throw new RunFailure('the checkpoint\'s optimisers do not match this run\'s')
      for (let g = 0; g < rt.groups.length; g++) await restoreOptimizer(tf, rt.groups[g].optimizer, mc.optimizers[g])
      const dropouts = dropoutStates(rt.member.model)
      mc.dropoutCalls.forEach((n, k) => dropouts[k] && (dropouts[k].dropoutCalls = n))
      if (mc.bestWeights) rt.bestWeights = mc.bestWeights.map((w) => tf.tensor(w.values, w.shape, w.dtype as 'float32'))
    }
    shuffleRng.setState(c.shuffleState)
    if (c.order.values.length !== nTrain) throw new RunFailure(`the checkpoint trained on ${c.order.values.length} samples; this run has ${nTrain} (was the data changed?)`)
    order.set(c.order.values)
    const t = c.trainer as { final: typeof final; best: typeof best; watch: typeof watch; learningRate: number[] }
    final = t.final
    best = t.best
    watch = t.watch
    learningRate = t.learningRate
    step = c.step
    epochsDone = c.epoch
    samples = c.samples
    trainSeconds = c.trainSeconds
    wallBefore = c.wallSeconds
    startEpoch = c.epoch + 1
    if (c.study !== undefined) o.hooks?.loadState?.(c.study)
  }

  // ── probes ──
  // The probes see the splits the trainer trains and evaluates on.
  const probeData: ProbeData = {
    source,
    train: o.trainRows,
    val: evalSets.find((s) => s.spec.split === 'val')?.spec.rows ?? [],
    test: evalSets.find((s) => s.spec.split === 'test')?.spec.rows ?? [],
    trainEval: evalSets.find((s) => s.spec.split === 'train')?.spec.rows ?? o.trainRows
  }
  const probes: { every: number; instance: ProbeInstance }[] = o.probes?.length
    ? setupProbes(
        ctx,
        o.probes,
        runtimes.filter((rt) => rt.member.probed !== false).map((rt) => ({ name: rt.member.name, model: rt.member.model, loss: rt.member.loss, lossName: rt.member.lossName, infer: rt.infer, accuracy: rt.member.accuracy })),
        probeData,
        o.epochs,
        (key, at, value) => {
          if (!Number.isFinite(value)) return
          ctx.log(key, at, value)
          final[key] = value
        }
      )
    : []

  const record = (key: string, value: number) => {
    if (!Number.isFinite(value)) return
    ctx.log(key, step, value)
    final[key] = value
  }

  /** Evaluation, bookkeeping, hook and probes at the end of `epoch`; false when cancelled part-way. */
  const endOfEpoch = async (epoch: number, epochLoss: number[], last: boolean): Promise<boolean> => {
    const metrics: Record<string, number> = {}
    for (const rt of runtimes) {
      for (const set of evalSets) {
        const r = evaluate(rt, set)
        if (!r) return false
        const [loss, acc] = r
        if (set.spec.split === 'train' && !Number.isFinite(loss)) {
          const who = rt.member.name ? `the ${rt.member.name} net's training loss` : 'the training loss'
          throw new RunFailure(`${who} became ${loss} at epoch ${epoch} (step ${step}); ${advice}`)
        }
        metrics[`${rt.member.prefix}${set.spec.split}/loss`] = loss
        metrics[`${rt.member.prefix}${set.spec.split}/accuracy`] = acc
      }
    }
    for (const [k, v] of Object.entries(metrics)) {
      ctx.log(k, step, v)
      final[k] = v
    }
    if (epochKey) record(epochKey, epoch)
    if (schedule) runtimes.forEach((rt, i) => record(`${rt.member.prefix}train/lr`, learningRate[i]))
    // Best values on validation only (never test).
    for (const [k, v] of Object.entries(metrics)) {
      if (!/(^|\/)val\/(loss|accuracy)$/.test(k) || !Number.isFinite(v)) continue
      const lower = lowerIsBetter(k)
      const b = best[k]
      if (!b || (lower ? v < b.value : v > b.value)) best[k] = { value: v, step, epoch }
    }
    if (stoppingKey && o.earlyStopping && Number.isFinite(metrics[stoppingKey])) {
      const v = metrics[stoppingKey]
      const lower = lowerIsBetter(stoppingKey)
      const improved = !watch || (lower ? v < watch.value - o.earlyStopping.minDelta : v > watch.value + o.earlyStopping.minDelta)
      if (improved) {
        watch = { value: v, epoch, step, since: 0, metrics: { ...metrics } }
        if (o.earlyStopping.restoreBest)
          for (const rt of runtimes) {
            tf.dispose(rt.bestWeights ?? [])
            rt.bestWeights = rt.member.model.getWeights().map((w) => w.clone())
          }
      } else if (watch) watch.since++
    }
    const stopping = !!(watch && o.earlyStopping && watch.since >= o.earlyStopping.patience)
    const state: EpochState = { epoch, last: last || stopping, step, totalSteps, metrics, epochLoss, record, members: o.members }
    if ((await o.hooks?.afterEpoch?.(state)) === false) return false
    for (const p of probes) {
      if (epoch % p.every !== 0 && !last && !stopping) continue
      if (p.instance.run({ epoch, step, totalSteps }) === false) return false
    }
    if (stopping && watch) stoppedEarly = { epoch, metric: stoppingKey!, bestEpoch: watch.epoch }
    return true
  }

  const checkpoint = async (epoch: number): Promise<void> => {
    const members: MemberCheckpoint[] = []
    for (const rt of runtimes) {
      const optimizers = []
      for (const g of rt.groups) optimizers.push(await saveOptimizer(g.optimizer))
      members.push({
        prefix: rt.member.prefix,
        weights: await savedTensors(rt.member.model.getWeights()),
        optimizers,
        dropoutCalls: dropoutStates(rt.member.model).map((d) => d.dropoutCalls),
        ...(rt.bestWeights ? { bestWeights: await savedTensors(rt.bestWeights) } : {})
      })
    }
    const c: Checkpoint = {
      epoch,
      step,
      samples,
      trainSeconds,
      wallSeconds: wallBefore + (performance.now() - started) / 1000,
      shuffleState: shuffleRng.getState(),
      order: { name: 'order', shape: [nTrain], dtype: 'int32', values: order.slice() },
      trainer: { final, best, watch, learningRate },
      ...(o.hooks?.saveState ? { study: o.hooks.saveState() } : {}),
      members
    }
    ctx.artifact(CHECKPOINT_ARTIFACT, CHECKPOINT_KIND, encodeCheckpoint(c))
  }

  const report = o.progress ?? ((s: number, total: number, epoch: number) => ctx.progress(s, total, `epoch ${epoch}/${o.epochs}`))
  const syncEvery = o.hooks?.sync?.every
  const lossRead: (number | null)[] = runtimes.map(() => null)

  try {
    if (!o.resume && o.evaluateAtStart !== false) {
      ctx.progress(0, totalSteps, 'epoch 0')
      if (!(await endOfEpoch(0, [], false))) return result()
    }
    for (let epoch = startEpoch; epoch <= o.epochs && !ctx.aborted && !stoppedEarly; epoch++) {
      const t0 = performance.now()
      shuffleRng.shuffle(order)
      const lossSums = runtimes.map(() => 0)
      let epochSamples = 0
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (ctx.aborted) break
        const start = b * o.batchSize
        const size = Math.min(o.batchSize, nTrain - start)
        for (let i = 0; i < size; i++) batchRows[i] = o.trainRows[order[start + i]]
        step++
        samples += size
        epochSamples += size
        const runStep = () => {
          const batch = gather(source, batchRows, 0, size)
          const xb = tf.tensor(batch.x, batchShape(size))
          const yb = tf.tensor2d(batch.y, [size, width])
          const wantLoss = logEvery > 0 && step % logEvery === 0
          const readLoss = wantLoss || !!o.runningLoss
          try {
            for (let m = 0; m < runtimes.length; m++) {
              const rt = runtimes[m]
              if (schedule) {
                const lr = learningRateAt(schedule, rt.member.optimizer.learningRate, step, stepsPerEpoch, o.epochs)
                if (lr !== learningRate[m]) {
                  learningRate[m] = lr
                  // Groups with their own rate keep their ratio to the member's base rate.
                  for (const g of rt.groups) setLearningRate(g.optimizer, (lr * g.config.learningRate) / rt.member.optimizer.learningRate)
                }
              }
              // The feednet's output is computed before the tape starts: it is an input to the trained layers.
              const input = rt.member.feed ? rt.member.feed(xb, true) : xb
              const { value, grads } = tf.variableGrads(() => rt.member.loss(rt.forward(input), yb), rt.variables)
              if (input !== xb) input.dispose()
              if (weightDecay > 0) {
                for (const v of rt.vars) {
                  if (!v.kernel || !grads[v.variable.name]) continue
                  const g = grads[v.variable.name]
                  grads[v.variable.name] = tf.tidy(() => g.add(v.variable.mul(weightDecay)))
                  g.dispose()
                }
              }
              for (const g of rt.groups) if (g.vars.length) g.optimizer.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })))
              tf.dispose(grads)
              lossRead[m] = null
              if (readLoss) {
                const v = value.dataSync()[0]
                lossRead[m] = v
                if (!Number.isFinite(v)) {
                  value.dispose()
                  const who = rt.member.name ? ` of the ${rt.member.name} net` : ''
                  throw new RunFailure(`the minibatch loss${who} became ${v} at step ${step} (epoch ${epoch}); ${advice}`)
                }
                lossSums[m] += v * size
                if (wantLoss) {
                  // Only on logging steps: one extra forward pass of this batch, after the update.
                  const acc = tf.tidy(() => correctOf(rt, rt.infer(xb), yb).toFloat().mean())
                  ctx.log(`${rt.member.prefix}train/batch_loss`, step, v)
                  ctx.log(`${rt.member.prefix}train/batch_accuracy`, step, acc.dataSync()[0])
                  acc.dispose()
                }
              }
              value.dispose()
            }
          } finally {
            tf.dispose([xb, yb])
          }
        }
        if (o.measureMemory && !memory) {
          const m = await measurePeak(tf, runStep)
          memory = { peakBytes: m.peakBytes, keptBytes: m.keptBytes }
        } else runStep()
        if (o.hooks?.afterStep) o.hooks.afterStep({ epoch, step, loss: lossRead, members: o.members })
        if (typeof syncEvery === 'number' && step % syncEvery === 0) await o.hooks!.sync!.run({ epoch, step, loss: lossRead, members: o.members })
        report(step, totalSteps, epoch)
      }
      trainSeconds += (performance.now() - t0) / 1000
      if (ctx.aborted) break
      epochsDone = epoch
      if (syncEvery === 'epoch') await o.hooks!.sync!.run({ epoch, step, loss: lossRead, members: o.members })
      const epochLoss = lossSums.map((s) => (epochSamples ? s / epochSamples : NaN))
      if (!(await endOfEpoch(epoch, epochLoss, epoch === o.epochs))) break
      if (o.checkpointEvery && epoch % o.checkpointEvery === 0 && epoch < o.epochs && !stoppedEarly) await checkpoint(epoch)
    }
    if (stoppedEarly && o.earlyStopping?.restoreBest) {
      for (const rt of runtimes) if (rt.bestWeights) rt.member.model.setWeights(rt.bestWeights)
      // The run's final metrics are those of the epoch whose weights it ends with.
      final = { ...final, ...((watch as { metrics: Record<string, number> } | null)?.metrics ?? {}) }
    }
    return result()
  } finally {
    for (const set of evalSets) if (set.whole) tf.dispose(set.whole)
    for (const p of probes) p.instance.dispose()
    for (const rt of runtimes) {
      if (!rt.member.optimizers) for (const g of rt.groups) disposeOptimizer(g.optimizer)
      tf.dispose(rt.bestWeights ?? [])
    }
  }

  function result(): TrainResult {
    return {
      final,
      best: Object.fromEntries(Object.entries(best).map(([k, b]) => [k, { value: b.value, step: b.step }])),
      steps: step,
      epochs: epochsDone,
      wallSeconds: wallBefore + (performance.now() - started) / 1000,
      trainSeconds,
      samplesPerSecond: trainSeconds > 0 ? Math.round((samples / trainSeconds) * 10) / 10 : 0,
      stoppedEarly,
      ...(memory ? { memory } : {})
    }
  }
}
