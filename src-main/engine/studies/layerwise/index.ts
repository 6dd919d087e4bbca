/**
 * Runner of `layerwise` (shared descriptor src-shared/studies/layerwise/): the network built once per arm from the
 * same initial weights and cut into blocks; layer-wise (Algorithm 3) trains each segment of blocks with a fresh
 * decision head on the frozen blocks below — the feednet, applied to each batch outside the gradient tape, so
 * nothing of it is kept for backprop — by the one trainer; round robin (Algorithm 4) revisits the segments for
 * several rounds, each keeping its head and optimiser state; backprop trains the whole network. The first step of
 * every segment and of backprop is measured for peak tensor memory (training/memory.ts).
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import type { CurvesPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { kernelMatrixShape, stableRank } from '../../../../src-shared/layerwise/stableRank'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import { epochsOf, layerBlocks, PUBLISHED_LAYERWISE, segments, type LayerwiseConfig } from '../../../../src-shared/studies/layerwise'
import type { OptimizerConfig } from '../../../../src-shared/training/optimizer'
import { buildNetwork, isKernel, NetworkError } from '../../compute/network'
import { trainingLoss } from '../../compute/outputs'
import { gather, type Source } from '../../training/data'
import { weightBytes } from '../../training/memory'
import { train, type EvalSpec, type Member, type TrainResult } from '../../training/trainer'
import { buildArmModel } from '../arms'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { loadSource, runSplit } from '../training'

type Layer = LayersModel['layers'][number]

const EVAL_CHUNK = 500
const WEIGHTED_CLASSES = new Set(['Dense', 'Conv2D'])
const MB = 1024 * 1024
const round = (v: number, digits = 4) => +v.toPrecision(digits)

/** The built network's hidden layers (its output layer left out) cut into blocks, by the shared rule. */
function modelBlocks(model: LayersModel): Layer[][] {
  const hidden = model.layers.slice(0, -1)
  return layerBlocks(hidden.map((l) => ({ type: WEIGHTED_CLASSES.has(l.getClassName()) ? 'dense' : 'flatten' }))).map((idx) => idx.map((i) => hidden[i]))
}

const layerBytes = (layers: readonly Layer[]) => layers.reduce((s, l) => s + l.weights.reduce((a, w) => a + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1) * 4, 0), 0)

/** What a block is, for the table ("conv2d 16 · maxpool2d"). */
function describeBlock(layers: readonly Layer[]): string {
  return layers
    .map((l) => {
      const c = l.getConfig() as Record<string, unknown>
      switch (l.getClassName()) {
        case 'Dense':
          return `dense ${c.units}`
        case 'Conv2D':
          return `conv ${c.filters} ${(c.kernelSize as number[])[0]}×${(c.kernelSize as number[])[1]}`
        case 'MaxPooling2D':
          return 'max-pool'
        case 'AveragePooling2D':
          return 'avg-pool'
        case 'Flatten':
          return null
        default:
          return l.getClassName().toLowerCase()
      }
    })
    .filter(Boolean)
    .join(' · ')
}

/** One segment's trainable model (its blocks and a fresh head) on the feednet below it. */
interface Stage {
  index: number
  blocks: { start: number; end: number }
  model: LayersModel
  head: LayersModel
  feedLayers: Layer[]
  segLayers: Layer[]
  description: string
}

function buildStages(ctx: RunContext, cfg: LayerwiseConfig, source: Source, net: LayersModel): Stage[] {
  const { tf } = ctx
  const blocks = modelBlocks(net)
  return segments(blocks.length, cfg.subnet, cfg.stride).map((seg, index) => {
    const feedLayers = blocks.slice(0, seg.start).flat()
    const segLayers = blocks.slice(seg.start, seg.end).flat()
    const inShape = feedLayers.length ? (feedLayers.at(-1)!.outputShape as number[]).slice(1) : source.sample
    const outShape = (segLayers.at(-1)!.outputShape as number[]).slice(1)
    let head: LayersModel
    try {
      head = buildNetwork(tf, cfg.head, outShape, source.classes, deriveSeed(ctx.seed, `head/${index}`))
    } catch (err) {
      if (err instanceof NetworkError) throw new RunFailure(`the decision block does not fit on block ${seg.start + 1} (output ${outShape.join('×')}): ${err.message}`)
      throw err
    }
    const input = tf.input({ shape: inShape })
    let t = input as unknown as Tensor
    for (const l of segLayers) t = l.apply(t) as Tensor
    const model = tf.model({ inputs: input, outputs: head.apply(t) as unknown as typeof input })
    const description = blocks
      .slice(seg.start, seg.end)
      .map(describeBlock)
      .join(' | ')
    return { index, blocks: seg, model, head, feedLayers, segLayers, description }
  })
}

/** The frozen feednet of a stage: layer by layer in inference mode (each intermediate freed), then input dropout. */
function feednet(ctx: RunContext, stage: Stage, dropout: () => number, seeds: () => number): Member['feed'] {
  const { tf } = ctx
  if (!stage.feedLayers.length && dropout() === 0) return undefined
  return (x: Tensor, training: boolean) => {
    let cur = x
    for (const l of stage.feedLayers) {
      const next = tf.tidy(() => l.apply(cur, { training: false }) as Tensor)
      if (cur !== x) cur.dispose()
      cur = next
    }
    const p = training ? dropout() : 0
    if (p > 0) {
      const dropped = tf.dropout(cur, p, undefined, seeds())
      if (cur !== x) cur.dispose()
      cur = dropped
    }
    return cur
  }
}

/** Training-mode forward with gradient dropout between the segment and its head (identity forward). */
function gradientDropForward(ctx: RunContext, stage: Stage, p: number, seeds: () => number): Member['forward'] {
  const { tf } = ctx
  if (p <= 0) return undefined
  const drop = tf.customGrad(((z: Tensor) => ({
    value: z.add(0),
    gradFunc: (dy: Tensor) => tf.tidy(() => dy.mul(tf.randomUniform(dy.shape, 0, 1, 'float32', seeds()).greaterEqual(p).toFloat().div(1 - p)))
  })) as unknown as Parameters<typeof tf.customGrad>[0])
  return (x: Tensor) => {
    let t = x
    for (const l of stage.segLayers) t = l.apply(t, { training: true }) as Tensor
    return stage.head.apply(drop(t) as Tensor, { training: true }) as Tensor
  }
}

/** Test accuracy under a stage's head (feednet in inference mode), in chunks. */
function stageAccuracy(ctx: RunContext, stage: Stage, source: Source, rows: readonly number[]): number {
  const { tf } = ctx
  let correct = 0
  for (let s = 0; s < rows.length; s += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, rows.length - s)
    const b = gather(source, rows, s, size)
    const hit = tf.tidy(() => {
      let t = tf.tensor(b.x, [size, ...source.sample])
      for (const l of [...stage.feedLayers]) t = l.apply(t, { training: false }) as Tensor
      const out = stage.model.apply(t, { training: false }) as Tensor
      return tf.equal(out.argMax(-1), tf.tensor2d(b.y, [size, source.classes]).argMax(-1)).sum()
    })
    correct += (hit.dataSync() as Float32Array)[0]
    hit.dispose()
  }
  return rows.length ? correct / rows.length : NaN
}

/** Stable rank of every weighted hidden layer's kernel. */
function stableRanks(net: LayersModel): number[] {
  return modelBlocks(net)
    .flat()
    .filter((l) => WEIGHTED_CLASSES.has(l.getClassName()))
    .map((l) => {
      const w = l.weights.find(isKernel)!
      const [rows, cols] = kernelMatrixShape(w.shape as number[])
      const t = w.read()
      const r = stableRank(t.dataSync() as Float32Array, rows, cols)
      return r
    })
}

const scaled = (o: OptimizerConfig, factor: number): OptimizerConfig => ({ ...o, learningRate: o.learningRate * factor })

interface StageResult {
  stage: number
  accuracy: number
  valAccuracy: number
  seconds: number
  peakBytes: number
  epochs: number
}

export const runLayerwise: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as LayerwiseConfig
  const started = performance.now()
  const source = loadSource(ctx, cfg.dataset)
  const split = runSplit(source.n, cfg.dataset, ctx.seed)
  const evalSets: EvalSpec[] = [...(split.val.length ? [{ split: 'val' as const, rows: split.val, chunk: EVAL_CHUNK }] : []), { split: 'test', rows: split.test, chunk: EVAL_CHUNK }]
  const loss = (out: Tensor, y: Tensor) => trainingLoss(tf, 'softmax-cross-entropy', undefined, out, y)
  const rng = createRng(deriveSeed(ctx.seed, 'layerwise/noise'))
  const seeds = () => Math.floor(rng.next() * 2 ** 31)
  const stepsPerEpoch = Math.ceil(split.train.length / cfg.batchSize)
  const nBlocks = layerBlocks(cfg.layers).length
  const segs = segments(nBlocks, cfg.subnet, cfg.stride)
  const has = (a: LayerwiseConfig['arms'][number]) => cfg.arms.includes(a)
  const totalSteps =
    stepsPerEpoch *
    ((has('dll') ? segs.reduce((s, _, i) => s + epochsOf(cfg, i), 0) : 0) + (has('round-robin') ? cfg.rounds * segs.length * cfg.epochsPerVisit : 0) + (has('backprop') ? cfg.backpropEpochs : 0))
  let done = 0
  const final: Record<string, number> = {}
  const models: LayersModel[] = []
  const ranks: { arm: string; values: number[] }[] = []
  const dll: StageResult[] = []
  const rr: { accuracy: number[]; peakBytes: number[]; seconds: number } = { accuracy: [], peakBytes: [], seconds: 0 }
  let backprop: { accuracy: number; seconds: number; peakBytes: number } | null = null
  const depths: { depth: number; accuracy: number }[] = []
  let lastSteps = 0
  /** What each segment holds (the table's rows). */
  let descriptions: string[] = []
  const member = (stage: Stage, prefix: string, optimizer: OptimizerConfig, dropout: () => number, optimizers?: Member['optimizers']): Member => ({
    prefix,
    name: prefix.replace(/\/$/, ''),
    model: stage.model,
    optimizer,
    loss,
    lossName: 'softmax-cross-entropy',
    accuracy: 'argmax',
    feed: feednet(ctx, stage, dropout, seeds),
    forward: gradientDropForward(ctx, stage, cfg.gradientDropout, seeds),
    probed: false,
    ...(optimizers ? { optimizers } : {})
  })
  const stageBytes = (stage: Stage, r: TrainResult) => (r.memory?.peakBytes ?? 0) + layerBytes(stage.feedLayers) + weightBytes(stage.model)

  try {
    // ── layer-wise (Algorithm 3) ──
    if (has('dll')) {
      const net = buildArmModel(ctx, cfg.layers, source, 0)
      models.push(net)
      const stages = buildStages(ctx, cfg, source, net)
      // A layer's weights go when the last model holding it is disposed: the stage models (and their heads) too.
      stages.forEach((s) => models.push(s.model))
      descriptions = stages.map((s) => s.description)
      let epochsBefore = 0
      for (const stage of stages) {
        if (ctx.aborted) break
        const i = stage.index
        const epochs = epochsOf(cfg, i)
        const prefix = `dll/layer${i + 1}/`
        let epoch = 0
        const dropout = () => cfg.forwardDropout * cfg.forwardDropoutDecay ** epoch
        const t0 = performance.now()
        const r = await train({
          ctx,
          source,
          trainRows: split.train,
          evalSets,
          members: [member(stage, prefix, scaled(cfg.optimizer, cfg.lrDecay ** i), dropout)],
          epochs,
          batchSize: cfg.batchSize,
          weightDecay: cfg.weightDecay * cfg.wdGrowth ** i,
          shuffleSeed: deriveSeed(ctx.seed, `shuffle/dll/${i}`),
          evaluateAtStart: false,
          epochKey: null,
          measureMemory: true,
          progress: (step, _t, e) => ctx.progress(done + step, totalSteps, `layer-wise: block ${i + 1}/${stages.length} (${stage.description}) · epoch ${e}/${epochs}`),
          hooks: {
            afterEpoch: (s) => {
              epoch = s.epoch
              if (s.epoch >= 1) ctx.log('epochs/dll/test/accuracy', epochsBefore + s.epoch, s.metrics[`${prefix}test/accuracy`])
            }
          }
        })
        done += r.steps
        lastSteps = r.steps
        epochsBefore += r.epochs
        if (ctx.aborted) break
        Object.assign(final, r.final)
        dll.push({
          stage: i,
          accuracy: r.final[`${prefix}test/accuracy`],
          valAccuracy: r.final[`${prefix}val/accuracy`] ?? NaN,
          seconds: (performance.now() - t0) / 1000,
          peakBytes: stageBytes(stage, r),
          epochs
        })
      }
      if (!ctx.aborted) ranks.push({ arm: 'layer-wise', values: stableRanks(net) })
    }

    // ── round robin (Algorithm 4) ──
    if (has('round-robin') && !ctx.aborted) {
      const net = buildArmModel(ctx, cfg.layers, source, 0)
      models.push(net)
      const stages = buildStages(ctx, cfg, source, net)
      // A layer's weights go when the last model holding it is disposed: the stage models (and their heads) too.
      stages.forEach((s) => models.push(s.model))
      descriptions = stages.map((s) => s.description)
      const optimizers = stages.map(() => new Map())
      const orderRng = createRng(deriveSeed(ctx.seed, 'round-robin/order'))
      const t0 = performance.now()
      try {
        for (let round = 1; round <= cfg.rounds && !ctx.aborted; round++) {
          const order = stages.map((s) => s.index)
          if (cfg.order === 'random') orderRng.shuffle(order)
          for (const [v, i] of order.entries()) {
            if (ctx.aborted) break
            const stage = stages[i]
            let epoch = 0
            const dropout = () => cfg.forwardDropout * cfg.forwardDropoutDecay ** epoch
            const r = await train({
              ctx,
              source,
              trainRows: split.train,
              members: [member(stage, `round-robin/layer${i + 1}/`, scaled(cfg.optimizer, cfg.lrDecay ** i), dropout, optimizers[i])],
              epochs: cfg.epochsPerVisit,
              batchSize: cfg.batchSize,
              weightDecay: cfg.weightDecay * cfg.wdGrowth ** i,
              shuffleSeed: deriveSeed(ctx.seed, `shuffle/rr/${round}/${i}`),
              evaluateAtStart: false,
              epochKey: null,
              // The first visit of a block creates its optimiser state: that step is its peak.
              measureMemory: round === 1,
              progress: (step) => ctx.progress(done + step, totalSteps, `round robin: round ${round}/${cfg.rounds}, visit ${v + 1}/${stages.length} (block ${i + 1})`),
              hooks: { afterEpoch: (s) => void (epoch = s.epoch) }
            })
            done += r.steps
            if (round === 1) rr.peakBytes[i] = stageBytes(stage, r)
          }
          if (ctx.aborted) break
          const top = stageAccuracy(ctx, stages.at(-1)!, source, split.test)
          ctx.log('epochs/round-robin/test/accuracy', round * stages.length * cfg.epochsPerVisit, top)
          ctx.log('round-robin/test/accuracy', round, top)
        }
        if (!ctx.aborted) {
          rr.accuracy = stages.map((s) => stageAccuracy(ctx, s, source, split.test))
          ranks.push({ arm: 'round robin', values: stableRanks(net) })
        }
      } finally {
        for (const m of optimizers) for (const o of m.values()) o.dispose()
      }
      rr.seconds = (performance.now() - t0) / 1000
    }

    // ── full backprop, and of the network cut at chosen depths ──
    const backpropOf = async (layers: LayerwiseConfig['layers'], prefix: string, full: boolean) => {
      const net = buildArmModel(ctx, layers, source, 0)
      models.push(net)
      const t0 = performance.now()
      const r = await train({
        ctx,
        source,
        trainRows: split.train,
        evalSets,
        members: [{ prefix, name: prefix.replace(/\/$/, ''), model: net, optimizer: cfg.optimizer, loss, lossName: 'softmax-cross-entropy', accuracy: 'argmax', probed: false }],
        epochs: cfg.backpropEpochs,
        batchSize: cfg.batchSize,
        weightDecay: cfg.weightDecay,
        shuffleSeed: deriveSeed(ctx.seed, 'shuffle/backprop'),
        evaluateAtStart: false,
        epochKey: null,
        measureMemory: full,
        progress: (step, _t, e) => ctx.progress(done + step, totalSteps, `backprop${full ? '' : ` of ${prefix.slice(0, -1)}`} · epoch ${e}/${cfg.backpropEpochs}`),
        hooks: { afterEpoch: (s) => void (full && s.epoch >= 1 && ctx.log('epochs/backprop/test/accuracy', s.epoch, s.metrics['backprop/test/accuracy'])) }
      })
      done += r.steps
      lastSteps = Math.max(lastSteps, r.steps)
      return { r, net, seconds: (performance.now() - t0) / 1000 }
    }
    if (has('backprop') && !ctx.aborted) {
      const { r, net, seconds } = await backpropOf(cfg.layers, 'backprop/', true)
      if (!ctx.aborted) {
        Object.assign(final, r.final)
        backprop = { accuracy: r.final['backprop/test/accuracy'], seconds, peakBytes: (r.memory?.peakBytes ?? 0) + weightBytes(net) }
        ranks.push({ arm: 'backprop', values: stableRanks(net) })
      }
      const blocks = layerBlocks(cfg.layers)
      for (const d of cfg.backpropDepths) {
        if (ctx.aborted) break
        const cut = await backpropOf(cfg.layers.slice(0, blocks[d - 1].at(-1)! + 1), `backprop-depth${d}/`, false)
        if (!ctx.aborted) depths.push({ depth: d, accuracy: cut.r.final[`backprop-depth${d}/test/accuracy`] })
      }
    }
  } finally {
    for (const m of models) m.dispose()
  }

  // ── what the run shows ──
  const pick = dll.length ? dll.reduce((b, s) => ((split.val.length ? s.valAccuracy > b.valAccuracy : s.accuracy > b.accuracy) ? s : b)) : null
  for (const s of dll) {
    final[`dll/layer${s.stage + 1}/accuracy`] = s.accuracy
    final[`dll/layer${s.stage + 1}/peak_bytes`] = s.peakBytes
    final[`dll/layer${s.stage + 1}/seconds`] = round(s.seconds)
  }
  if (dll.length) {
    final['dll/accuracy'] = dll.at(-1)!.accuracy
    final['dll/peak_bytes'] = Math.max(...dll.map((s) => s.peakBytes))
    final['dll/seconds'] = round(dll.reduce((a, s) => a + s.seconds, 0))
    final['dll/best_layer'] = pick!.stage + 1
    final['dll/best_accuracy'] = pick!.accuracy
  }
  rr.accuracy.forEach((a, i) => (final[`round-robin/layer${i + 1}/accuracy`] = a))
  if (rr.accuracy.length) {
    final['round-robin/accuracy'] = rr.accuracy.at(-1)!
    final['round-robin/peak_bytes'] = Math.max(...rr.peakBytes)
    final['round-robin/seconds'] = round(rr.seconds)
  }
  if (backprop) {
    final['backprop/accuracy'] = backprop.accuracy
    final['backprop/peak_bytes'] = backprop.peakBytes
    final['backprop/seconds'] = round(backprop.seconds)
    if (dll.length) final['memory/ratio'] = round(final['dll/peak_bytes'] / backprop.peakBytes)
  }
  for (const d of depths) final[`backprop/depth${d.depth}/accuracy`] = d.accuracy
  for (const r of ranks) r.values.forEach((v, i) => (final[`stable_rank/${r.arm.replace(' ', '-')}/layer${i + 1}`] = round(v)))

  const blocksShown = Math.max(dll.length, rr.accuracy.length, ...depths.map((d) => d.depth))
  const published = PUBLISHED_LAYERWISE[cfg.reference] as { backprop?: number; dll?: number; claim?: string }
  const mb = (b: number | undefined) => (b === undefined || !Number.isFinite(b) ? null : round(b / MB, 3))
  const table: TablePayload = {
    columns: [
      { key: 'what', label: 'block / arm' },
      { key: 'layers', label: 'layers' },
      { key: 'epochs', label: 'epochs' },
      { key: 'accuracy', label: 'test acc. (layer-wise)', percent: true },
      { key: 'best', label: 'best' },
      { key: 'rr', label: 'test acc. (round robin)', percent: true },
      { key: 'seconds', label: 'seconds' },
      { key: 'peakMB', label: 'peak MB' },
      { key: 'relative', label: 'vs backprop', percent: true },
      { key: 'thesis', label: 'thesis', percent: true },
      { key: 'note', label: 'note' }
    ],
    rows: []
  }
  const stagesShown = Math.max(dll.length, rr.accuracy.length)
  for (let i = 0; i < stagesShown; i++) {
    const s = dll.find((d) => d.stage === i)
    table.rows.push({
      what: `block ${i + 1}`,
      layers: descriptions[i] ?? '',
      epochs: s?.epochs ?? null,
      accuracy: s ? round(s.accuracy) : null,
      best: pick && s === pick ? '★' : '',
      rr: rr.accuracy[i] !== undefined ? round(rr.accuracy[i]) : null,
      seconds: s ? round(s.seconds, 3) : null,
      peakMB: mb(s?.peakBytes ?? rr.peakBytes[i]),
      relative: backprop && (s ?? rr.peakBytes[i] !== undefined) ? round((s?.peakBytes ?? rr.peakBytes[i]) / backprop.peakBytes) : null,
      thesis: i === stagesShown - 1 && published.dll !== undefined ? published.dll : null,
      note: i === stagesShown - 1 && published.dll !== undefined ? 'thesis: DLL, last layer' : ''
    })
  }
  if (backprop)
    table.rows.push({ what: 'backprop', layers: 'the whole network', epochs: cfg.backpropEpochs, accuracy: round(backprop.accuracy), best: '', rr: null, seconds: round(backprop.seconds, 3), peakMB: mb(backprop.peakBytes), relative: 1, thesis: published.backprop ?? null, note: published.backprop !== undefined ? 'thesis: baseline, 100 epochs' : '' })
  for (const d of depths) table.rows.push({ what: `backprop, first ${d.depth} blocks`, layers: '', epochs: cfg.backpropEpochs, accuracy: round(d.accuracy), best: '', rr: null, seconds: null, peakMB: null, relative: null, thesis: null, note: '' })
  if (published.claim) table.rows.push({ what: 'thesis claim', layers: '', epochs: null, accuracy: null, best: '', rr: null, seconds: null, peakMB: null, relative: null, thesis: null, note: published.claim })
  table.columns = table.columns.filter((c) => table.rows.some((r) => r[c.key] !== null && r[c.key] !== undefined && r[c.key] !== ''))
  ctx.logSeries('layerwise/table', lastSteps, table)

  const x = Array.from({ length: blocksShown }, (_, i) => i + 1)
  const accuracy: CurvesPayload = { xLabel: 'block', yLabel: 'test accuracy', percent: true, x, series: [] }
  if (dll.length) accuracy.series.push({ name: 'layer-wise', y: x.map((_, i) => dll.find((d) => d.stage === i)?.accuracy ?? null) })
  if (rr.accuracy.length) accuracy.series.push({ name: 'round robin', y: rr.accuracy })
  if (backprop) accuracy.series.push({ name: 'backprop', y: x.map(() => backprop!.accuracy) })
  if (depths.length) accuracy.series.push({ name: 'backprop, d blocks', y: x.map((d) => depths.find((p) => p.depth === d)?.accuracy ?? null) })
  if (x.length) ctx.logSeries('layerwise/accuracy', lastSteps, accuracy)
  const memory: CurvesPayload = { xLabel: 'block', yLabel: 'peak tensor memory (MB)', x, series: [] }
  if (dll.length) memory.series.push({ name: 'layer-wise', y: x.map((_, i) => mb(dll.find((d) => d.stage === i)?.peakBytes)) })
  if (rr.peakBytes.length) memory.series.push({ name: 'round robin', y: x.map((_, i) => mb(rr.peakBytes[i])) })
  if (backprop) memory.series.push({ name: 'backprop', y: x.map(() => mb(backprop!.peakBytes)) })
  if (x.length) ctx.logSeries('layerwise/memory', lastSteps, memory)
  if (ranks.length) {
    const n = Math.max(...ranks.map((r) => r.values.length))
    ctx.logSeries('layerwise/stable-rank', lastSteps, {
      xLabel: 'weighted layer',
      yLabel: '‖W‖_F² / ‖W‖₂²',
      x: Array.from({ length: n }, (_, i) => i + 1),
      series: ranks.map((r) => ({ name: r.arm, y: r.values.map((v) => (Number.isFinite(v) ? round(v) : null)) }))
    } satisfies CurvesPayload)
  }
  const seconds = (performance.now() - started) / 1000
  return { final, steps: done, epochs: dll.length, wallSeconds: seconds, samplesPerSecond: seconds > 0 ? round((done * cfg.batchSize) / seconds) : 0 }
}
