/**
 * Runner of `platonic` (shared descriptor src-shared/studies/platonic/; maths src-shared/platonic/fit.ts): the
 * data (a library generator run with the run's seed, or a library dataset capped at `maxTrain` training rows),
 * a seeded train / test split, then every row × seed fitted in closed form in float64 — progress per fit, the
 * table after each row. Targets: ±1 for two classes (sign), one-hot for more (argmax), the values for regression.
 * The first row's first fit draws the fitted curve (1-D) or the decision regions (2-D); every row's first fit its
 * layer-wise LSD.
 */
import { Matrix } from 'ml-matrix'
import type { CurvesPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { accuracyOf, mseOf, platonicFit, platonicPredict, type PlatonicFit } from '../../../../src-shared/platonic/fit'
import type { BoundaryPayload, PointsPayload } from '../../../../src-shared/records'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import { PUBLISHED_PLATONIC, type PlatonicConfig, type PlatonicRow } from '../../../../src-shared/studies/platonic'
import { generate } from '../../datasets/generators'
import { loadDataset } from '../../training/data'
import { RunFailure, type RunContext, type StudyRunner } from '../context'

/** A row-major float array as a float64 Matrix of the given rows. */
function rowsOf(x: ArrayLike<number>, d: number, rows: readonly number[], scale = 1): Matrix {
  const m = new Matrix(rows.length, d)
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) m.set(i, j, x[r * d + j] * scale)
  })
  return m
}

interface Data {
  x: ArrayLike<number>
  d: number
  scale: number
  /** Targets per row: ±1, one-hot or values. */
  target: (r: number) => number[]
  outputs: number
  classes: number | null
  train: number[]
  test: number[]
}

function loadData(ctx: RunContext, cfg: PlatonicConfig): Data {
  const rng = createRng(deriveSeed(ctx.seed, 'split'))
  const split = (n: number, testFraction: number, maxTrain = Infinity) => {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i))
    const nTest = Math.max(1, Math.round(n * testFraction))
    return { test: order.slice(0, nTest), train: order.slice(nTest, nTest + Math.min(maxTrain, n - nTest)) }
  }
  let x: ArrayLike<number>
  let y: ArrayLike<number>
  let d: number
  let classes: number | null
  let scale = 1
  let n: number
  let s: { train: number[]; test: number[] }
  if (cfg.dataset.kind === 'generator') {
    const g = generate(cfg.dataset.generator, cfg.dataset.params, deriveSeed(ctx.seed, 'data'))
    ;({ x, y } = g)
    d = g.shape.sample.reduce((a, b) => a * b, 1)
    classes = g.shape.task === 'classification' ? (g.shape.classes ?? 2) : null
    n = g.shape.n
    s = split(n, cfg.dataset.testFraction)
  } else {
    const got = loadDataset(ctx, cfg.dataset.datasetId)
    if (got.info.shape.task !== 'classification' || !got.info.shape.classes) throw new RunFailure(`dataset "${got.info.name}" is not a classification dataset`)
    ;({ x, y } = got)
    d = got.info.shape.sample.reduce((a, b) => a * b, 1)
    classes = got.info.shape.classes
    scale = got.x instanceof Uint8Array && cfg.dataset.pixels === 'unit' ? 1 / 255 : 1
    n = got.info.shape.n
    s = split(n, cfg.dataset.testFraction, cfg.dataset.maxTrain)
  }
  const outputs = classes === null ? 1 : classes === 2 ? 1 : classes
  const target = (r: number): number[] => {
    if (classes === null) return [y[r]]
    if (classes === 2) return [y[r] === 1 ? 1 : -1]
    return Array.from({ length: classes }, (_, c) => (c === y[r] ? 1 : 0))
  }
  return { x, d, scale, target, outputs, classes, ...s }
}

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0
  return { mean: m, std: sd }
}

const BOUNDARY = 120

function boundaryOf(fit: PlatonicFit, data: Data, classes: number): { boundary: BoundaryPayload; points: PointsPayload } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const r of [...data.train, ...data.test]) {
    x0 = Math.min(x0, data.x[2 * r])
    x1 = Math.max(x1, data.x[2 * r])
    y0 = Math.min(y0, data.x[2 * r + 1])
    y1 = Math.max(y1, data.x[2 * r + 1])
  }
  const px = (x1 - x0) * 0.1
  const py = (y1 - y0) * 0.1
  ;[x0, x1, y0, y1] = [x0 - px, x1 + px, y0 - py, y1 + py]
  const grid = new Matrix(BOUNDARY * BOUNDARY, 2)
  for (let j = 0; j < BOUNDARY; j++) for (let i = 0; i < BOUNDARY; i++) grid.setRow(j * BOUNDARY + i, [x0 + ((i + 0.5) / BOUNDARY) * (x1 - x0), y0 + ((j + 0.5) / BOUNDARY) * (y1 - y0)])
  const out = platonicPredict(fit, grid)
  const cls = new Uint8Array(BOUNDARY * BOUNDARY)
  const conf = new Uint8Array(BOUNDARY * BOUNDARY)
  for (let k = 0; k < cls.length; k++) {
    if (out.columns === 1) {
      const v = out.get(k, 0)
      cls[k] = v > 0 ? 1 : 0
      conf[k] = Math.round(255 * Math.min(1, 0.5 + Math.abs(v) / 2))
    } else {
      let a = 0
      for (let c = 1; c < out.columns; c++) if (out.get(k, c) > out.get(k, a)) a = c
      cls[k] = a
      conf[k] = 255
    }
  }
  const shown = [...data.train.slice(0, 1500), ...data.test.slice(0, 500)]
  const labelOf = (r: number) => (data.outputs === 1 ? (data.target(r)[0] > 0 ? 1 : 0) : data.target(r).indexOf(1))
  return {
    boundary: { nx: BOUNDARY, ny: BOUNDARY, extent: [x0, x1, y0, y1], classes, cls: Buffer.from(cls).toString('base64'), conf: Buffer.from(conf).toString('base64') },
    points: { x: shown.map((r) => data.x[2 * r]), y: shown.map((r) => data.x[2 * r + 1]), label: shown.map(labelOf), split: shown.map((_, i) => (i < Math.min(1500, data.train.length) ? 0 : 1)) }
  }
}

export const runPlatonic: StudyRunner = async (ctx: RunContext) => {
  const cfg = ctx.config as PlatonicConfig
  const started = performance.now()
  const data = loadData(ctx, cfg)
  const X = rowsOf(data.x, data.d, data.train, data.scale)
  const Y = new Matrix(data.train.map(data.target))
  const Xt = rowsOf(data.x, data.d, data.test, data.scale)
  const Yt = new Matrix(data.test.map(data.target))
  const regression = data.classes === null
  const published = PUBLISHED_PLATONIC[cfg.reference] ?? {}
  const total = cfg.rows.length * cfg.seeds
  const results: { row: PlatonicRow; test: number[]; train: number[]; mse: number[]; trainMse: number[]; seconds: number[]; error?: string }[] = []
  const lsdCurves: CurvesPayload['series'] = []
  let done = 0
  const final: Record<string, number> = {}
  const table = (): TablePayload => ({
    columns: [
      { key: 'row', label: 'row' },
      { key: 'setting', label: 'setting' },
      ...(regression
        ? [
            { key: 'mse', label: 'test MSE (mean)' },
            { key: 'mseStd', label: '± std' },
            { key: 'trainMse', label: 'train MSE' },
            { key: 'thesisMse', label: 'thesis MSE' }
          ]
        : [
            { key: 'accuracy', label: 'test acc. (mean)', percent: true },
            { key: 'std', label: '± std', percent: true },
            { key: 'train', label: 'train acc.', percent: true },
            { key: 'thesis', label: 'thesis', percent: true },
            { key: 'thesisStd', label: 'thesis ± std', percent: true }
          ]),
      { key: 'seeds', label: 'seeds' },
      { key: 'seconds', label: 's per fit' },
      { key: 'note', label: 'thesis setting / problem' }
    ],
    rows: results.map((r) => {
      const pub = published[r.row.name]
      const t = stats(r.test)
      const m = stats(r.mse)
      const setting = `${[data.d, ...r.row.hidden, data.outputs].join('-')} ${r.row.activation}, ${r.row.kind}, α ${r.row.alpha}, β ${r.row.beta}, ${r.row.solver}${r.row.solver === 'ridge' ? ` λ ${r.row.lambda}` : ''}${r.row.tries > 1 ? `, N_tries ${r.row.tries}` : ''}`
      const base = { row: r.row.name, setting, seeds: r.test.length, seconds: r.seconds.length ? +stats(r.seconds).mean.toFixed(3) : null, note: r.error ?? pub?.note ?? '' }
      return regression
        ? { ...base, mse: r.mse.length ? +m.mean.toPrecision(4) : null, mseStd: r.mse.length ? +m.std.toPrecision(3) : null, trainMse: r.train.length ? +stats(r.train).mean.toPrecision(4) : null, thesisMse: pub?.mse ?? null }
        : { ...base, accuracy: r.test.length ? +t.mean.toFixed(5) : null, std: r.test.length ? +t.std.toFixed(5) : null, train: r.train.length ? +stats(r.train).mean.toFixed(5) : null, thesis: pub?.accuracy ?? null, thesisStd: pub?.std ?? null }
    })
  })
  for (const [ri, row] of cfg.rows.entries()) {
    const res: (typeof results)[number] = { row, test: [], train: [], mse: [], trainMse: [], seconds: [] }
    results.push(res)
    for (let k = 0; k < cfg.seeds; k++) {
      if (ctx.aborted) break
      ctx.progress(done, total, `${row.name} (${ri + 1}/${cfg.rows.length}) · seed ${k + 1}/${cfg.seeds}`)
      await new Promise((r) => setImmediate(r)) // let a cancel arrive between fits
      const t0 = performance.now()
      let fit: PlatonicFit
      try {
        fit = platonicFit(X, Y, { ...row, projection: row.kind, seed: cfg.seed + k, measureLsd: k === 0 && Math.max(data.d, ...row.hidden) <= 256 })
      } catch (err) {
        // A setting the solver cannot take (a ridge system that is not positive definite, PCA wider than its rank): said in the table, the other rows go on.
        res.error = err instanceof Error ? err.message : String(err)
        done += cfg.seeds - k
        break
      }
      res.seconds.push((performance.now() - t0) / 1000)
      const outTrain = platonicPredict(fit, X)
      const outTest = platonicPredict(fit, Xt)
      res.test.push(regression ? mseOf(outTest, Yt) : accuracyOf(outTest, Yt))
      res.train.push(regression ? mseOf(outTrain, Y) : accuracyOf(outTrain, Y))
      res.mse.push(mseOf(outTest, Yt))
      res.trainMse.push(mseOf(outTrain, Y))
      if (k === 0) {
        if (fit.lsd.some(Number.isFinite)) lsdCurves.push({ name: row.name, y: fit.lsd.map((v) => (Number.isFinite(v) ? +v.toPrecision(5) : null)) })
        if (ri === 0 && data.d === 1 && regression) {
          const order = data.test.map((_, i) => i).sort((a, b) => Xt.get(a, 0) - Xt.get(b, 0))
          ctx.logSeries('platonic/fit', 0, { xLabel: 'x', yLabel: 'y', x: order.map((i) => +Xt.get(i, 0).toPrecision(5)), series: [{ name: 'data (test)', y: order.map((i) => +Yt.get(i, 0).toPrecision(5)) }, { name: `fit (${row.name})`, y: order.map((i) => +outTest.get(i, 0).toPrecision(5)) }] } satisfies CurvesPayload)
        }
        if (ri === 0 && data.d === 2 && data.classes !== null) {
          const b = boundaryOf(fit, data, data.classes)
          ctx.logSeries('platonic/points', 0, b.points)
          ctx.logSeries('platonic/boundary', 0, b.boundary)
        }
        if (row.tries > 1 && !results.slice(0, ri).some((r) => r.row.tries > 1)) {
          ctx.logSeries('platonic/tries', 0, {
            xLabel: 'try',
            yLabel: 'LSD of the layer\'s representation',
            x: fit.tryLsd[0].map((_, i) => i + 1),
            series: fit.tryLsd.map((s, l) => ({ name: `layer ${l + 1}`, y: s.map((v) => +v.toPrecision(5)) }))
          } satisfies CurvesPayload)
        }
      }
      done++
    }
    const width = Math.max(...lsdCurves.map((c) => c.y.length), 0)
    if (lsdCurves.length) ctx.logSeries('platonic/lsd', ri, { xLabel: 'layer index (0 = input)', yLabel: 'least-squares distance', x: Array.from({ length: width }, (_, i) => i), series: lsdCurves.map((c) => ({ ...c, y: [...c.y, ...new Array(width - c.y.length).fill(null)] })) } satisfies CurvesPayload)
    ctx.logSeries('platonic/table', ri, table())
    if (res.test.length) {
      const key = regression ? 'mse' : 'accuracy'
      final[`table/${row.name}/${key}`] = stats(res.test).mean
      final[`table/${row.name}/${key}_std`] = stats(res.test).std
      final[`table/${row.name}/train_${key}`] = stats(res.train).mean
      final[`table/${row.name}/seconds`] = stats(res.seconds).mean
    }
    if (ctx.aborted) break
  }
  const first = results[0]
  if (first?.test.length) {
    if (regression) final['test/mse'] = stats(first.test).mean
    else final['test/accuracy'] = stats(first.test).mean
    // Of the raw outputs against the targets (±1, one-hot or the values).
    final['train/mse'] = stats(first.trainMse).mean
  }
  ctx.progress(done, total, ctx.aborted ? 'cancelled' : `${done} fits`)
  const seconds = (performance.now() - started) / 1000
  return { final, steps: done, epochs: 0, wallSeconds: seconds, samplesPerSecond: 0 }
}
