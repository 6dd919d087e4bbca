/**
 * Runner of `k-filtering` (shared descriptor src-shared/studies/k-filtering/): the training rows' k nearest
 * neighbours once on the backend (max k, in chunks), the rows each k keeps, then one net per optimiser and data
 * variant trained in turn by the one trainer — every net from the same initial weights, validated and tested on
 * the unfiltered splits, also evaluated on all training rows. On 2-D data: the data before / after filtering,
 * −∂ℒ/∂x at the training points and a unit's correlation filter.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import type { CurvesPayload, ScatterPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { slidingEntropy } from '../../../../src-shared/representations/conditionalEntropy'
import { kFilterKeep } from '../../../../src-shared/representations/redundancy'
import { deriveSeed } from '../../../../src-shared/rng'
import { armNames, dataArms, optimizerName, PUBLISHED_KF, type KFilteringConfig } from '../../../../src-shared/studies/k-filtering'
import { MAX_POOL_FLOATS, nearestNeighbours } from '../../compute/neighbours'
import { trainingLoss } from '../../compute/outputs'
import { gather, type Source } from '../../training/data'
import { train, type EvalSpec, type TrainResult } from '../../training/trainer'
import { buildArmModel } from '../arms'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { loadSource, runSplit } from '../training'

const EVAL_CHUNK = 500
/** Points drawn in the 2-D pictures (and their gradients). */
const SHOWN = 1000

const round = (v: number) => +v.toPrecision(4)

/** Accuracy of a model on rows (inference, chunks). */
function accuracyOn(ctx: RunContext, model: LayersModel, src: Source, rows: readonly number[]): number {
  const { tf } = ctx
  let correct = 0
  for (let s = 0; s < rows.length; s += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, rows.length - s)
    const b = gather(src, rows, s, size)
    const hit = tf.tidy(() => {
      const out = model.predict(tf.tensor(b.x, [size, ...src.sample])) as Tensor
      return tf.equal(out.argMax(-1), tf.tensor2d(b.y, [size, src.classes]).argMax(-1)).sum()
    })
    correct += (hit.dataSync() as Float32Array)[0]
    hit.dispose()
  }
  return rows.length ? correct / rows.length : NaN
}

function groupsByClass(src: Source, rows: readonly number[], faded: readonly number[] = []): ScatterPayload['groups'] {
  const name = (c: number) => src.classNames?.[c] ?? `class ${c}`
  const groups: ScatterPayload['groups'] = []
  if (faded.length) groups.push({ name: 'dropped', x: faded.map((r) => round(src.x[2 * r])), y: faded.map((r) => round(src.x[2 * r + 1])), faded: true })
  for (let c = 0; c < src.classes; c++) {
    const rs = rows.filter((r) => src.labels[r] === c)
    groups.push({ name: name(c), x: rs.map((r) => round(src.x[2 * r])), y: rs.map((r) => round(src.x[2 * r + 1])) })
  }
  return groups
}

/** −∂ℒ/∂x at the rows, arrows scaled so the longest is 4 % of the data's span. */
function quiver(ctx: RunContext, model: LayersModel, src: Source, rows: readonly number[], loss: (o: Tensor, y: Tensor) => Tensor, note: string): ScatterPayload {
  const { tf } = ctx
  const b = gather(src, rows, 0, rows.length)
  const g = tf.tidy(() => {
    const x = tf.tensor2d(b.x, [rows.length, 2])
    const y = tf.tensor2d(b.y, [rows.length, src.classes])
    return tf.grad((xi: Tensor) => loss(model.apply(xi, { training: false }) as Tensor, y) as Tensor)(x).neg()
  })
  const d = g.dataSync() as Float32Array
  g.dispose()
  let longest = 0
  for (let i = 0; i < rows.length; i++) longest = Math.max(longest, Math.hypot(d[2 * i], d[2 * i + 1]))
  let span = 0
  for (let i = 0; i < rows.length * 2; i++) span = Math.max(span, Math.abs(b.x[i]))
  const scale = longest > 0 ? (0.04 * 2 * span) / longest : 0
  return {
    xLabel: 'x₁',
    yLabel: 'x₂',
    equalAxes: true,
    groups: groupsByClass(src, rows),
    arrows: { x: rows.map((r) => round(src.x[2 * r])), y: rows.map((r) => round(src.x[2 * r + 1])), dx: rows.map((_, i) => round(d[2 * i] * scale)), dy: rows.map((_, i) => round(d[2 * i + 1] * scale)), name: '−∂ℒ/∂x' },
    note: `${note}; arrows ×${scale.toPrecision(3)} (longest |∂ℒ/∂x| = ${longest.toPrecision(3)})`
  }
}

/** The correlation filter of unit u of the first dense layer over the plane, and its sorted projection strip. */
function correlationFilter(model: LayersModel, src: Source, rows: readonly number[], u: number): { map: ScatterPayload; strip: ScatterPayload; entropy: CurvesPayload } | null {
  const first = model.layers.find((l) => l.getClassName() === 'Dense')
  if (!first) return null
  const [kernel, bias] = first.getWeights()
  const units = kernel.shape[1] as number
  if (u >= units) return null
  const k = kernel.dataSync() as Float32Array
  const w = [k[u], k[units + u]]
  const b0 = bias ? (bias.dataSync() as Float32Array)[u] : 0
  const proj = (x: number, y: number) => w[0] * x + w[1] * y + b0
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const r of rows) {
    x0 = Math.min(x0, src.x[2 * r])
    x1 = Math.max(x1, src.x[2 * r])
    y0 = Math.min(y0, src.x[2 * r + 1])
    y1 = Math.max(y1, src.x[2 * r + 1])
  }
  const N = 80
  const values: number[] = []
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) values.push(round(proj(x0 + ((i + 0.5) / N) * (x1 - x0), y0 + ((j + 0.5) / N) * (y1 - y0))))
  // The line w·x + b = 0 across the box, parametrised along the axis it is steepest against.
  const line: [number, number][] =
    Math.abs(w[1]) >= Math.abs(w[0]) ? [x0, x1].map((x) => [x, -(w[0] * x + b0) / w[1]] as [number, number]) : [y0, y1].map((y) => [-(w[1] * y + b0) / w[0], y] as [number, number])
  const a = rows.map((r) => proj(src.x[2 * r], src.x[2 * r + 1]))
  const selected = rows.filter((_, i) => a[i] > 0)
  const other = rows.filter((_, i) => !(a[i] > 0))
  const order = rows.map((_, i) => i).sort((p, q) => a[p] - a[q])
  const sortedLabels = order.map((i) => src.labels[rows[i]])
  const window = Math.max(5, Math.round(rows.length * 0.05))
  const h = slidingEntropy(sortedLabels, src.classes, window)
  const name = (c: number) => src.classNames?.[c] ?? `class ${c}`
  return {
    map: {
      xLabel: 'x₁',
      yLabel: 'x₂',
      equalAxes: true,
      grid: { nx: N, ny: N, extent: [x0, x1, y0, y1], values, kind: 'value', label: `a = x·w + b of unit ${u}` },
      groups: [{ name: 'not selected (a ≤ 0)', faded: true, x: other.map((r) => round(src.x[2 * r])), y: other.map((r) => round(src.x[2 * r + 1])) }, ...groupsByClass(src, selected).map((g) => ({ ...g, name: `selected: ${g.name}` }))],
      lines: [{ name: 'w·x + b = 0', x: [line[0][0], line[1][0]], y: [line[0][1], line[1][1]] }],
      note: `unit ${u} of the first hidden layer: w = (${w.map((v) => v.toPrecision(3)).join(', ')}), b = ${b0.toPrecision(3)}; ${selected.length} of ${rows.length} points selected`
    },
    strip: {
      xLabel: `x·w + b of unit ${u}`,
      yLabel: 'class (points spread ± 0.3 so their density shows)',
      groups: Array.from({ length: src.classes }, (_, c) => {
        const idx = order.filter((i) => src.labels[rows[i]] === c)
        // A fixed low-discrepancy spread (golden ratio), the same at every step.
        return { name: name(c), x: idx.map((i) => round(a[i])), y: idx.map((i) => round(c + 0.6 * (((i * 0.618034) % 1) - 0.5))) }
      })
    },
    entropy: {
      xLabel: `x·w + b of unit ${u} (window centre)`,
      yLabel: `class entropy in a window of ${window} points (bits)`,
      x: h.map((_, i) => round(a[order[i + (window >> 1)]])),
      series: [{ name: 'sliding-window entropy', y: h.map(round) }]
    }
  }
}

export const runKFiltering: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as KFilteringConfig
  const started = performance.now()
  const source = loadSource(ctx, cfg.dataset)
  const split = runSplit(source.n, cfg.dataset, ctx.seed)
  const planar = source.dims === 2 && source.sample.length === 1
  const trainRows = split.train
  const K = cfg.ks.length ? Math.max(...cfg.ks) : 0
  const kept = new Map<string, readonly number[]>([['baseline', trainRows]])
  if (K > 0) {
    const size = cfg.chunk > 0 ? Math.min(cfg.chunk, trainRows.length) : trainRows.length
    if (size <= K) throw new RunFailure(`k = ${K} needs more than ${K} training rows per neighbour search (there are ${size})`)
    ctx.progress(0, 1, `nearest neighbours of ${trainRows.length} training rows (k ≤ ${K}${cfg.chunk > 0 ? `, chunks of ${cfg.chunk}` : ''})`)
    if (size * source.dims > MAX_POOL_FLOATS) throw new RunFailure(`neighbours over ${size} rows of ${source.dims} features would need ${((size * source.dims * 4) / 2 ** 30).toFixed(1)} GB at once; set a neighbour chunk of at most ${Math.floor(MAX_POOL_FLOATS / source.dims)} rows`)
    const x = gather(source, trainRows, 0, trainRows.length).x
    const labels = Int32Array.from(trainRows, (r) => source.labels[r])
    const nb = nearestNeighbours(tf, x, trainRows.length, source.dims, K, { chunk: cfg.chunk, progress: (f) => (ctx.progress(f, 1, `nearest neighbours ${Math.round(100 * f)} %`), !ctx.aborted) })
    if (!nb) return { final: {}, steps: 0, epochs: 0, samplesPerSecond: 0 }
    for (const k of cfg.ks) {
      const rows = kFilterKeep(nb, K, labels, k).map((i) => trainRows[i])
      if (!rows.length) throw new RunFailure(`k = ${k} keeps no training rows (every sample's neighbourhood is pure); choose a smaller k`)
      kept.set(`k${k}`, rows)
      ctx.log(`kfilter/k${k}/kept`, 0, rows.length / trainRows.length)
    }
  }
  if (planar) {
    const shown = trainRows.slice(0, 3000)
    for (const [name, rows] of kept) {
      if (name === 'baseline') continue
      const keep = new Set(rows)
      ctx.logSeries(`kfilter/data/${name}`, 0, {
        xLabel: 'x₁',
        yLabel: 'x₂',
        equalAxes: true,
        groups: groupsByClass(source, shown.filter((r) => keep.has(r)), shown.filter((r) => !keep.has(r))),
        note: `${name}: ${rows.length} of ${trainRows.length} training points kept (${((100 * rows.length) / trainRows.length).toFixed(1)} %)`
      } satisfies ScatterPayload)
    }
  }

  const evalSets: EvalSpec[] = [
    ...(split.val.length ? [{ split: 'val' as const, rows: split.val, chunk: EVAL_CHUNK }] : []),
    { split: 'test', rows: split.test, chunk: EVAL_CHUNK },
    { split: 'train', rows: trainRows, chunk: EVAL_CHUNK }
  ]
  const data = dataArms(cfg)
  const names = armNames(cfg)
  const arms = cfg.optimizers.flatMap((optimizer, oi) => data.map((d, di) => ({ optimizer, headline: oi === 0, data: d, name: names[oi * data.length + di] })))
  const stepsOf = (rows: number) => Math.ceil(rows / cfg.batchSize) * cfg.epochs
  const total = arms.reduce((s, a) => s + stepsOf(kept.get(a.data)!.length), 0)
  const loss = (out: Tensor, y: Tensor) => trainingLoss(tf, cfg.loss, undefined, out, y)
  const results: { arm: (typeof arms)[number]; best: { val: number; test: number; epoch: number }; last: number; full: number; keptAcc: number }[] = []
  let done = 0
  let last: TrainResult | null = null
  const final: Record<string, number> = {}
  for (const [ai, arm] of arms.entries()) {
    if (ctx.aborted) break
    const rows = kept.get(arm.data)!
    const model = buildArmModel(ctx, cfg.layers, source, 0)
    const best = { val: -Infinity, test: NaN, epoch: 0 }
    // The 2-D pictures: the headline optimiser's baseline and first filtered arm.
    const drawn = planar && arm.headline && (arm.data === 'baseline' || arm.data === data[1])
    const gradRows = rows.slice(0, SHOWN)
    try {
      last = await train({
        ctx,
        source,
        trainRows: rows,
        evalSets,
        members: [{ prefix: `${arm.name}/`, name: arm.name, model, optimizer: arm.optimizer, loss, lossName: cfg.loss, accuracy: 'argmax' }],
        epochs: cfg.epochs,
        batchSize: cfg.batchSize,
        shuffleSeed: deriveSeed(ctx.seed, 'shuffle'),
        logEvery: 0,
        epochKey: null,
        progress: (step, _t, epoch) => ctx.progress(done + step, total, `${arm.name} (${ai + 1}/${arms.length}) · epoch ${epoch}/${cfg.epochs} · ${rows.length} rows`),
        nanAdvice: `try a lower learning rate for ${optimizerName(arm.optimizer)}`,
        hooks: {
          afterEpoch: (s) => {
            const val = s.metrics[`${arm.name}/val/accuracy`]
            const test = s.metrics[`${arm.name}/test/accuracy`]
            if (s.epoch >= 1 && (split.val.length ? val > best.val : true)) Object.assign(best, { val, test, epoch: s.epoch })
            if (drawn && cfg.quiverEvery > 0 && (s.epoch % cfg.quiverEvery === 0 || s.last)) {
              ctx.logSeries(`quiver/${arm.name}`, s.step, quiver(ctx, model, source, gradRows, loss, `${arm.name}, epoch ${s.epoch}, ${gradRows.length} training points`))
            }
          }
        }
      })
      done += stepsOf(rows.length)
      Object.assign(final, last.final)
      const full = accuracyOn(ctx, model, source, trainRows)
      const keptAcc = accuracyOn(ctx, model, source, rows)
      results.push({ arm, best, last: last.final[`${arm.name}/test/accuracy`], full, keptAcc })
      if (drawn && cfg.filterUnit >= 0) {
        const f = correlationFilter(model, source, trainRows.slice(0, 2000), cfg.filterUnit)
        if (f) {
          ctx.logSeries(`filter/${arm.name}`, last.steps, f.map)
          ctx.logSeries(`strip/${arm.name}`, last.steps, f.strip)
          ctx.logSeries(`strip-entropy/${arm.name}`, last.steps, f.entropy)
        }
      }
    } finally {
      model.dispose()
    }
  }

  const published = PUBLISHED_KF[cfg.reference] as Record<string, { accuracy?: number; kept?: number }>
  const headline = optimizerName(cfg.optimizers[0])
  const table: TablePayload = {
    columns: [
      { key: 'arm', label: 'arm' },
      { key: 'kept', label: 'kept', percent: true },
      { key: 'thesisKept', label: 'thesis kept', percent: true },
      { key: 'accuracy', label: 'test acc. (best val. epoch)', percent: true },
      { key: 'lastAccuracy', label: 'test acc. (last epoch)', percent: true },
      { key: 'thesisAccuracy', label: 'thesis test acc.', percent: true },
      { key: 'fullTrain', label: 'acc. on all training rows', percent: true },
      { key: 'keptTrain', label: 'acc. on its training rows', percent: true }
    ],
    rows: results.map((r) => ({
      arm: r.arm.name,
      kept: round(kept.get(r.arm.data)!.length / trainRows.length),
      thesisKept: published[r.arm.data]?.kept ?? null,
      accuracy: Number.isFinite(r.best.test) ? r.best.test : null,
      lastAccuracy: Number.isFinite(r.last) ? r.last : null,
      thesisAccuracy: published[r.arm.data]?.accuracy ?? null,
      fullTrain: round(r.full),
      keptTrain: round(r.keptAcc)
    }))
  }
  if (cfg.reference === 'checkerboard') table.rows.push({ arm: 'thesis (§5.4.2)', kept: null, thesisKept: null, accuracy: null, lastAccuracy: null, thesisAccuracy: null, fullTrain: null, keptTrain: null, note: PUBLISHED_KF.checkerboard.claim })
  if (cfg.reference === 'checkerboard') table.columns.push({ key: 'note', label: 'thesis claim' })
  // Columns the reference has nothing for (no thesis accuracy for the checkerboard) are left out.
  table.columns = table.columns.filter((c) => table.rows.some((r) => r[c.key] !== null && r[c.key] !== undefined && r[c.key] !== ''))
  ctx.logSeries('kfilter/table', last?.steps ?? 0, table)
  for (const r of results) {
    const base = optimizerName(r.arm.optimizer) === headline ? `table/${r.arm.data}` : `table/${optimizerName(r.arm.optimizer)}/${r.arm.data}`
    final[`${base}/accuracy`] = r.best.test
    final[`${base}/train_accuracy`] = r.full
    final[`${base}/kept_train_accuracy`] = r.keptAcc
  }
  for (const k of cfg.ks) final[`table/k${k}/kept`] = kept.get(`k${k}`)!.length / trainRows.length
  const seconds = (performance.now() - started) / 1000
  return { final, steps: done, epochs: cfg.epochs, wallSeconds: seconds, samplesPerSecond: seconds > 0 ? (done * cfg.batchSize) / seconds : 0 }
}
