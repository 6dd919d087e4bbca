/**
 * Runner of `effective-model` (shared descriptor src-shared/studies/effective-model/; maths in src-shared/ising/):
 * per scenario,
 *  1. sampling — the trials the scenario's collection does not hold yet, on worker threads (./trials.ts), each
 *     kept network sent to the engine as it comes (stored bit-packed, idempotently by trial: a resumed or later
 *     run skips what is stored, so nothing is trained twice and nothing is lost);
 *  2. moments of the kept configurations (bit-packed popcount) per part, the correlation histogram with the
 *     1/√M noise floor;
 *  3. the Ising fit per part (Boltzmann learning with BP moments), the pseudo-likelihood cross-check;
 *  4. energies of the networks under the full-net model vs their accuracy, reference configurations from the
 *     low / medium / high energy regions, and the entropy landscape per part (tilted BP x = 3 → −3 → 3).
 * Summary (numbers only): `landscape/<scenario>/<part>/x0/{d,s,s-ub}`, `…/hysteresis` (1/0), `…/jump-down`,
 * `…/jump-up`, `fit/<scenario>/<part>/delta`, `sampling/<scenario>/{trials,collected,mean-accuracy}`.
 */
import { deriveSeed, createRng } from '../../../../src-shared/rng'
import { pearson as pearsonOf } from '../../../../src-shared/stats'
import type { CurvesPayload, HistogramPayload, ScatterPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { specHash, type CollectionHeader, type CollectionSample } from '../../../../src-shared/ising/collection'
import { layerSpinRanges, type LabelledSet } from '../../../../src-shared/ising/binaryNet'
import { packSpins, packedFromRows, spinMoments, connectedCorrelations, unpackSpins, type PackedConfigs } from '../../../../src-shared/ising/bitpack'
import { bpCorrelations, initMessages, isingEnergy, runBp, type IsingModel } from '../../../../src-shared/ising/bp'
import { fitError, fitIsing } from '../../../../src-shared/ising/fit'
import { pseudoLikelihoodFit } from '../../../../src-shared/ising/exact'
import { detectHysteresis, entropyLandscape, entropyUpperBound, type LandscapePoint } from '../../../../src-shared/ising/landscape'
import { PUBLISHED_LANDSCAPE, SCENARIO_NETS, type EffectiveModelConfig, type ScenarioConfig, type ScenarioKind } from '../../../../src-shared/studies/effective-model'
import { pca } from '../../datasets/transforms'
import { loadStored, splitRows } from '../../training/data'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { runTrialPool, type TrialPoolData, type TrialResult } from './trials'

const ENERGY_CLASSES = ['low', 'medium', 'high'] as const
type EnergyClass = (typeof ENERGY_CLASSES)[number]

const yieldToEvents = () => new Promise((r) => setImmediate(r))

/** The inputs: the library set's pixels centred and projected on the top components (unsupervised, every row). */
function loadInputs(ctx: RunContext, cfg: EffectiveModelConfig) {
  const src = loadStored(ctx, cfg.dataset.datasetId, 'the effective-model study')
  if (cfg.dataset.components > src.dims) throw new RunFailure(`${src.label} has ${src.dims} features; it cannot give ${cfg.dataset.components} principal components`)
  ctx.progress(0, 1, `principal components of ${src.label}`)
  return effectiveInputs(src, cfg.dataset, cfg.seed)
}

/** PCA inputs and the train / test split of a classification set (also the bench's). */
export function effectiveInputs(src: { x: Float32Array | Uint8Array; labels: Int32Array; n: number; dims: number; label: string }, dataset: EffectiveModelConfig['dataset'], seed: number) {
  const k = dataset.components
  const p = pca(src.x, src.n, src.dims, k, () => {})
  const split = splitRows(src.n, dataset.testFraction, 0, deriveSeed(seed, 'split'), 0)
  const pick = (rows: number[]): LabelledSet => {
    const x = new Float32Array(rows.length * k)
    const y = new Int32Array(rows.length)
    rows.forEach((r, i) => {
      x.set(p.out.subarray(r * k, (r + 1) * k), i * k)
      y[i] = src.labels[r]
    })
    return { x, y, rows: rows.length, features: k }
  }
  // "The first 500 images" of the over-parametrised case: the first training rows in the dataset's order.
  const trainSorted = split.train.slice().sort((a, b) => a - b)
  return { label: src.label, n: src.n, variance: p.varianceExplained, train: pick(split.train), trainFirst: (m: number) => pick(trainSorted.slice(0, m)), test: pick(split.test) }
}

type Inputs = ReturnType<typeof effectiveInputs>

/** Everything that decides a trial given its index — the collection's identity (not the count). */
function samplingSpec(cfg: EffectiveModelConfig, s: ScenarioConfig, inputs: Inputs) {
  const net = SCENARIO_NETS[s.kind]
  return {
    dataset: { id: cfg.dataset.datasetId, rows: inputs.n, components: cfg.dataset.components, testFraction: cfg.dataset.testFraction },
    sizes: [cfg.dataset.components, ...net.sizes.slice(1)],
    trainLimit: net.trainLimit,
    batchesPerEpoch: net.batchesPerEpoch,
    batchSize: net.batchSize,
    epochs: s.epochs,
    threshold: s.threshold,
    training: cfg.training,
    seed: cfg.seed
  }
}

function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): HistogramPayload {
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  const n = values.length
  const mean = n ? sum / n : 0
  let sq = 0
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2
  const lo = range ? range[0] : min
  const hi = range ? range[1] : max > min ? max : min + 1
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins)
  const counts = new Array(bins).fill(0)
  for (let i = 0; i < n; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor(((values[i] - lo) / (hi - lo)) * bins)))]++
  return { edges, counts, min, max, mean, std: n ? Math.sqrt(sq / n) : 0 }
}

/** The spins start..end of every configuration, re-packed. */
function slicePacked(data: PackedConfigs, start: number, end: number): PackedConfigs {
  if (start === 0 && end === data.n) return data
  const rows: Uint32Array[] = []
  for (let c = 0; c < data.count; c++) {
    const spins = unpackSpins(data.bits.subarray(c * data.wordsPerConfig, (c + 1) * data.wordsPerConfig), data.n)
    rows.push(packSpins(spins.subarray(start, end)))
  }
  return packedFromRows(rows, end - start)
}

const pearson = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const r = pearsonOf(Array.from(a), Array.from(b))
  return Number.isFinite(r) ? r : 0
}

const upper = (M: Float64Array, n: number) => {
  const out = new Float64Array((n * (n - 1)) / 2)
  let k = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = M[i * n + j]
  return out
}

interface PartFit {
  name: string
  start: number
  end: number
  model: IsingModel
  delta: number
}

interface ClassLandscape {
  cls: EnergyClass
  references: number
  /** Mean over references per grid point. */
  down: { x: number[]; d: number[]; s: number[] }
  up: { x: number[]; d: number[]; s: number[] }
  hysteresis: { detected: boolean; jumpDown: number | null; jumpUp: number | null; maxGap: number }
  detectedIn: number
}

export const runEffectiveModel: StudyRunner = async (ctx: RunContext) => {
  const cfg = ctx.config as EffectiveModelConfig
  const started = performance.now()
  const inputs = loadInputs(ctx, cfg)
  const final: Record<string, number> = { 'data/variance-explained': inputs.variance }
  const samplingRows: TablePayload['rows'] = []
  const landscapeRows: TablePayload['rows'] = []
  const workers = cfg.workers > 0 ? cfg.workers : Math.max(1, ctx.threads ?? 1)
  let step = 0

  for (const scenario of cfg.scenarios) {
    if (ctx.aborted) break
    const kind = scenario.kind
    const net = SCENARIO_NETS[kind]
    const spec = samplingSpec(cfg, scenario, inputs)
    const sizes = spec.sizes
    const N = sizes.slice(0, -1).reduce((a, s, l) => a + s * sizes[l + 1], 0)
    const header: CollectionHeader = { id: `${kind}-${specHash(spec)}`, scenario: kind, spec, spins: N }

    // ── 1. sampling ──
    const stored = ctx.collections?.load(header.id) ?? { summary: undefined, samples: [] }
    const have = new Map<number, CollectionSample>()
    for (const s of stored.samples) if (s.trial < scenario.trials) have.set(s.trial, s)
    const reused = have.size
    const requests = []
    for (let t = 0; t < scenario.trials; t++) if (!have.has(t)) requests.push({ trial: t, seed: deriveSeed(cfg.seed, `${kind}/trial/${t}`) })
    const train = net.trainLimit ? inputs.trainFirst(net.trainLimit) : inputs.train
    const data: TrialPoolData = {
      train,
      test: inputs.test,
      sizes,
      epochs: scenario.epochs,
      batchesPerEpoch: net.batchesPerEpoch,
      batchSize: net.batchSize,
      learningRate: cfg.training.learningRate,
      l2: cfg.training.l2,
      theta0Std: cfg.training.theta0Std,
      samples: cfg.training.samples,
      threshold: scenario.threshold
    }
    const curveSum = Array.from({ length: scenario.epochs }, () => ({ loss: 0, acc: 0, lossMin: Infinity, lossMax: -Infinity, accMin: Infinity, accMax: -Infinity, n: 0 }))
    let newTrials = 0
    const samplingStart = performance.now()
    const acceptedCount = () => [...have.values()].filter((s) => s.accepted).length
    const logSampling = () => {
      const hours = (performance.now() - samplingStart) / 3.6e6
      ctx.log(`sampling/${kind}/trials`, have.size, have.size)
      ctx.log(`sampling/${kind}/accepted`, have.size, acceptedCount())
      if (newTrials > 0 && hours > 0) ctx.log(`sampling/${kind}/networks-per-hour`, have.size, newTrials / hours)
    }
    const logCurve = () => {
      const done = curveSum.filter((c) => c.n > 0)
      if (!done.length) return
      const payload: CurvesPayload = {
        xLabel: 'epoch',
        yLabel: 'cross-entropy / test accuracy',
        x: done.map((_, i) => i + 1),
        series: [
          { name: 'train CE (mean)', y: done.map((c) => c.loss / c.n) },
          { name: 'train CE (min)', y: done.map((c) => c.lossMin) },
          { name: 'train CE (max)', y: done.map((c) => c.lossMax) },
          { name: 'test accuracy (mean)', y: done.map((c) => c.acc / c.n) },
          { name: 'test accuracy (min)', y: done.map((c) => c.accMin) },
          { name: 'test accuracy (max)', y: done.map((c) => c.accMax) }
        ]
      }
      ctx.logSeries(`train/${kind}/curve`, newTrials, payload)
    }
    ctx.progress(step, step + requests.length, requests.length ? `${net.label}: ${requests.length} trials to train${reused ? ` (${reused} reused from the stored collection)` : ''}` : `${net.label}: all ${reused} trials reused from the stored collection`)
    const logEvery = Math.max(1, Math.round(requests.length / 100))
    const onResult = (r: TrialResult) => {
      const sample: CollectionSample = { trial: r.trial, accepted: r.accepted, testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy, seconds: r.seconds, bits: packSpins(r.spins) }
      ctx.collections?.append(header, [sample])
      have.set(r.trial, sample)
      newTrials++
      r.curve.forEach((c, e) => {
        const a = curveSum[e]
        if (!a) return
        a.loss += c.loss
        a.acc += c.testAccuracy
        a.lossMin = Math.min(a.lossMin, c.loss)
        a.lossMax = Math.max(a.lossMax, c.loss)
        a.accMin = Math.min(a.accMin, c.testAccuracy)
        a.accMax = Math.max(a.accMax, c.testAccuracy)
        a.n++
      })
      if (newTrials % logEvery === 0 || newTrials === requests.length) {
        logSampling()
        logCurve()
      }
      const rate = newTrials / ((performance.now() - samplingStart) / 3.6e6)
      ctx.progress(step + newTrials, step + requests.length, `${net.label}: trial ${have.size}/${scenario.trials}, ${acceptedCount()} kept, ${Math.round(rate).toLocaleString('en-US')} networks/hour`)
    }
    const pool = requests.length ? await runTrialPool(data, requests, { workers, isAborted: () => ctx.aborted, onResult }) : null
    step += newTrials
    const kept = [...have.values()].filter((s) => s.accepted).sort((a, b) => a.trial - b.trial)
    const meanAcc = kept.length ? kept.reduce((a, s) => a + s.testAccuracy, 0) / kept.length : NaN
    final[`sampling/${kind}/trials`] = have.size
    final[`sampling/${kind}/collected`] = kept.length
    if (kept.length) final[`sampling/${kind}/mean-accuracy`] = meanAcc
    samplingRows.push({
      scenario: net.label,
      collection: header.id,
      trials: have.size,
      reused,
      trained: newTrials,
      kept: kept.length,
      meanAccuracy: kept.length ? +meanAcc.toFixed(4) : null,
      threads: pool ? (pool.inline ? 'inline' : pool.threads) : '—',
      networksPerHour: newTrials ? Math.round(newTrials / ((performance.now() - samplingStart) / 3.6e6)) : null
    })
    ctx.logSeries('sampling/table', step, {
      columns: [
        { key: 'scenario', label: 'scenario' },
        { key: 'collection', label: 'collection' },
        { key: 'trials', label: 'trials' },
        { key: 'reused', label: 'reused' },
        { key: 'trained', label: 'trained now' },
        { key: 'kept', label: 'kept (≥ threshold)' },
        { key: 'meanAccuracy', label: 'mean test accuracy', percent: true },
        { key: 'threads', label: 'threads' },
        { key: 'networksPerHour', label: 'networks / hour' }
      ],
      rows: samplingRows
    } satisfies TablePayload)
    if (ctx.aborted) break
    if (kept.length < 4) {
      ctx.progress(step, step, `${net.label}: only ${kept.length} networks passed the ${Math.round(scenario.threshold * 100)} % threshold — too few to fit a model (more trials or epochs, or a lower threshold)`)
      await yieldToEvents()
      continue
    }

    // ── 2.–3. moments and fits, per part ──
    const M = kept.length
    const full = packedFromRows(kept.map((s) => s.bits), N)
    const ranges = layerSpinRanges(sizes)
    const parts = ranges.length > 1 ? [...ranges, { name: 'full', start: 0, end: N }] : ranges
    const fits: PartFit[] = []
    const crossRows: TablePayload['rows'] = []
    const deltaSeries: { name: string; y: number[] }[] = []
    const floor = 1 / Math.sqrt(M)
    for (const part of parts) {
      if (ctx.aborted) break
      const n = part.end - part.start
      const sub = slicePacked(full, part.start, part.end)
      const { m, C } = spinMoments(sub)
      const conn = connectedCorrelations(m, C, n)
      let inside = 0
      for (let i = 0; i < conn.length; i++) if (Math.abs(conn[i]) <= floor) inside++
      const corrHist = histogram(conn, 60)
      ctx.logSeries(`moments/${kind}/${part.name}/correlations`, step, { ...corrHist, lines: [{ label: '−1/√M', value: -floor }, { label: '+1/√M', value: floor }], note: `M = ${M} configurations: noise floor 1/√M = ${floor.toPrecision(3)}; ${((100 * inside) / Math.max(1, conn.length)).toFixed(1)} % of the ${conn.length.toLocaleString('en-US')} pairs inside it` } as HistogramPayload)
      let absM = 0
      for (let i = 0; i < n; i++) absM += Math.abs(m[i])
      final[`moments/${kind}/${part.name}/mean-abs-m`] = absM / n
      final[`moments/${kind}/${part.name}/inside-noise-floor`] = inside / Math.max(1, conn.length)
      ctx.logSeries(`moments/${kind}/${part.name}/magnetisations`, step, histogram(m, 40, [-1, 1]))

      ctx.progress(step, step + 1, `${net.label}: fitting the ${part.name} model (${n} spins, ${M} configurations)`)
      const deltas: number[] = []
      const fit = fitIsing(
        { n, m, C },
        {
          etaJ: cfg.fit.etaJ,
          etaH: cfg.fit.etaH,
          gamma: cfg.fit.gamma,
          maxSteps: cfg.fit.maxSteps,
          tol: cfg.fit.tol,
          // Warm-started BP settles in a few sweeps per step; where it cannot (a glassy model of a few configurations)
          // the step goes on with the unconverged moments rather than spending seconds per step.
          bpMaxSweeps: 300,
          rng: createRng(deriveSeed(cfg.seed, `${kind}/${part.name}/fit`)),
          shouldStop: () => ctx.aborted,
          onStep: (s, delta) => {
            deltas.push(delta)
            ctx.log(`fit/${kind}/${part.name}/delta`, s, delta)
          }
        }
      )
      await yieldToEvents()
      fits.push({ name: part.name, start: part.start, end: part.end, model: fit.model, delta: fit.bestDelta })
      final[`fit/${kind}/${part.name}/delta`] = fit.bestDelta
      final[`fit/${kind}/${part.name}/steps`] = fit.deltas.length
      deltaSeries.push({ name: part.name, y: deltas })
      const longest = Math.max(...deltaSeries.map((d) => d.y.length))
      ctx.logSeries(`fit/${kind}/delta`, step, {
        xLabel: 'learning step',
        yLabel: 'fit error Δ',
        logY: true,
        x: Array.from({ length: longest }, (_, i) => i + 1),
        series: deltaSeries.map((d) => ({ name: d.name, y: Array.from({ length: longest }, (_, i) => d.y[i] ?? null) }))
      } satisfies CurvesPayload)
      // Model vs data, m_i and (a sample of) C_ij.
      const pairs = upper(C, n)
      const modelPairs = upper(fit.modelC, n)
      const stride = Math.max(1, Math.floor(pairs.length / 4000))
      const px: number[] = []
      const py: number[] = []
      for (let k = 0; k < pairs.length; k += stride) (px.push(pairs[k]), py.push(modelPairs[k]))
      ctx.logSeries(`fit/${kind}/${part.name}/moments`, step, {
        xLabel: 'data',
        yLabel: 'model (BP)',
        groups: [
          { name: 'C_ij', x: px, y: py },
          { name: 'm_i', x: Array.from(m), y: Array.from(fit.modelM) }
        ],
        lines: [{ name: 'identity', x: [-1, 1], y: [-1, 1] }],
        equalAxes: true,
        note: `best Δ ${fit.bestDelta.toPrecision(3)} at step ${fit.bestStep}${stride > 1 ? `; every ${stride}th pair of ${pairs.length.toLocaleString('en-US')}` : ''}`
      } satisfies ScatterPayload)
      ctx.logSeries(`fit/${kind}/${part.name}/J-hist`, step, histogram(upper(fit.model.J, n), 60))
      ctx.logSeries(`fit/${kind}/${part.name}/h-hist`, step, histogram(fit.model.h, 40))

      if (cfg.fit.crossCheck === 'pseudo-likelihood' && part.name !== 'full' && !ctx.aborted) {
        ctx.progress(step, step + 1, `${net.label}: pseudo-likelihood cross-check of ${part.name}`)
        const pl = pseudoLikelihoodFit(sub, { steps: 100, maxSamples: 2000 })
        const msgs = initMessages(n, createRng(deriveSeed(cfg.seed, `${kind}/${part.name}/pl`)))
        const bp = runBp(pl, msgs, { maxSweeps: 1000, tol: 1e-4 })
        const plDelta = fitError(m, C, bp.m, bpCorrelations(pl, msgs), n)
        const jCorr = pearson(upper(fit.model.J, n), upper(pl.J, n))
        final[`fit/${kind}/${part.name}/crosscheck/delta`] = plDelta
        final[`fit/${kind}/${part.name}/crosscheck/j-correlation`] = jCorr
        crossRows.push({ part: part.name, spins: n, boltzmann: +fit.bestDelta.toPrecision(4), pseudo: +plDelta.toPrecision(4), bpConverged: bp.converged ? 'yes' : 'no', jCorrelation: +jCorr.toFixed(3), hCorrelation: +pearson(fit.model.h, pl.h).toFixed(3) })
        ctx.logSeries(`fit/${kind}/crosscheck`, step, {
          columns: [
            { key: 'part', label: 'part' },
            { key: 'spins', label: 'spins' },
            { key: 'boltzmann', label: 'Δ Boltzmann (BP)' },
            { key: 'pseudo', label: 'Δ pseudo-likelihood (BP moments)' },
            { key: 'bpConverged', label: 'BP converged on PL model' },
            { key: 'jCorrelation', label: 'corr(J_BM, J_PL)' },
            { key: 'hCorrelation', label: 'corr(h_BM, h_PL)' }
          ],
          rows: crossRows
        } satisfies TablePayload)
      }
      await yieldToEvents()
    }
    if (ctx.aborted) break

    // ── 4. energies, references and the landscape ──
    const whole = fits.find((f) => f.name === 'full' || f.name === 'all')!
    const energies = kept.map((s) => isingEnergy(whole.model, unpackSpins(s.bits, N)) / N)
    const accs = kept.map((s) => s.testAccuracy)
    final[`energy/${kind}/accuracy-correlation`] = pearson(energies, accs)
    {
      const bins = 8
      const lo = Math.min(...accs)
      const hi = Math.max(...accs) + 1e-9
      const bx: number[] = []
      const by: number[] = []
      const lx: number[] = []
      const ly: number[] = []
      for (let b = 0; b < bins; b++) {
        const e = energies.filter((_, i) => accs[i] >= lo + ((hi - lo) * b) / bins && accs[i] < lo + ((hi - lo) * (b + 1)) / bins)
        if (!e.length) continue
        const mean = e.reduce((a, v) => a + v, 0) / e.length
        const std = Math.sqrt(e.reduce((a, v) => a + (v - mean) ** 2, 0) / e.length)
        const x = lo + ((hi - lo) * (b + 0.5)) / bins
        bx.push(x)
        by.push(mean)
        lx.push(x, x)
        ly.push(mean - std, mean + std)
      }
      ctx.logSeries(`energy/${kind}/accuracy`, step, {
        xLabel: 'test accuracy',
        yLabel: `energy per spin (${whole.name} model)`,
        groups: [
          { name: 'networks', x: accs, y: energies, faded: true },
          { name: 'binned mean', x: bx, y: by },
          { name: 'mean ± std', x: lx, y: ly }
        ],
        note: `${M} networks; corr(energy, accuracy) = ${pearson(energies, accs).toFixed(3)}`
      } satisfies ScatterPayload)
    }
    const order = energies.map((e, i) => [e, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i)
    const refsPer = Math.min(cfg.landscape.referencesPerClass, Math.max(1, Math.floor(M / 3)))
    const region = Math.max(refsPer, Math.ceil(M / 10))
    const references: Record<EnergyClass, number[]> = {
      low: order.slice(0, region),
      medium: order.slice(Math.max(0, Math.floor(M / 2 - region / 2)), Math.floor(M / 2 - region / 2) + region),
      high: order.slice(M - region)
    }
    const pickEven = (ids: number[]) => Array.from({ length: refsPer }, (_, i) => ids[Math.floor(((i + 0.5) * ids.length) / refsPer)])
    const landscapeParts = fits.filter((f) => f.name !== 'full')
    for (const part of landscapeParts) {
      if (ctx.aborted) break
      const n = part.end - part.start
      const classes: ClassLandscape[] = []
      for (const cls of ENERGY_CLASSES) {
        if (ctx.aborted) break
        const refs = pickEven(references[cls])
        const runs: LandscapePoint[][] = []
        let detectedIn = 0
        for (const [ri, idx] of refs.entries()) {
          if (ctx.aborted) break
          ctx.progress(step, step + 1, `${net.label}: entropy landscape of ${part.name}, ${cls}-energy reference ${ri + 1}/${refs.length}`)
          const ref = unpackSpins(kept[idx].bits, N).subarray(part.start, part.end)
          const l = entropyLandscape(part.model, ref, { xMax: cfg.landscape.xMax, step: cfg.landscape.step, rng: createRng(deriveSeed(cfg.seed, `${kind}/${part.name}/${cls}/${ri}`)), shouldStop: () => ctx.aborted })
          if (l.points.length) runs.push(l.points)
          if (l.hysteresis.detected) detectedIn++
          await yieldToEvents()
        }
        if (!runs.length || runs[0].length === 0) continue
        const len = Math.min(...runs.map((r) => r.length))
        const mean = (i: number, f: (p: LandscapePoint) => number) => runs.reduce((a, r) => a + f(r[i]), 0) / runs.length
        const avg: LandscapePoint[] = Array.from({ length: len }, (_, i) => ({ ...runs[0][i], q: mean(i, (p) => p.q), d: mean(i, (p) => p.d), s: mean(i, (p) => p.s), energy: mean(i, (p) => p.energy), et: mean(i, (p) => p.et), converged: runs.every((r) => r[i].converged) }))
        const dir = (d: 'down' | 'up') => {
          const pts = avg.filter((p) => p.direction === d).sort((a, b) => a.x - b.x)
          return { x: pts.map((p) => p.x), d: pts.map((p) => p.d), s: pts.map((p) => p.s) }
        }
        classes.push({ cls, references: runs.length, down: dir('down'), up: dir('up'), hysteresis: detectHysteresis(avg), detectedIn })
      }
      if (!classes.length) continue
      const xs = classes[0].down.x
      const xm = cfg.landscape.xMax
      const atX = (c: { x: number[]; d: number[]; s: number[] }, x: number) => {
        const i = c.x.findIndex((v) => Math.abs(v - x) < 1e-9)
        return i >= 0 ? { d: c.d[i], s: c.s[i] } : null
      }
      ctx.logSeries(`landscape/${kind}/${part.name}/d-x`, step, {
        xLabel: 'tilt x',
        yLabel: 'distance d = (1 − q)/2',
        x: xs,
        series: classes.flatMap((c) => [
          { name: `${c.cls} ↓ (${xm} → −${xm})`, y: xs.map((x) => atX(c.down, x)?.d ?? null) },
          { name: `${c.cls} ↑ (−${xm} → ${xm})`, y: xs.map((x) => atX(c.up, x)?.d ?? null) }
        ])
      } satisfies CurvesPayload)
      const ub: ScatterPayload['lines'] = []
      for (let i = 0; i < 50; i++) {
        const a = i / 50
        const b = (i + 1) / 50
        ub.push({ name: 's_ub(d)', x: [a, b], y: [entropyUpperBound(a), entropyUpperBound(b)] })
      }
      ctx.logSeries(`landscape/${kind}/${part.name}/s-d`, step, {
        xLabel: 'distance d',
        yLabel: 'entropy per spin s',
        groups: classes.flatMap((c) => [
          { name: `${c.cls} ↓`, x: c.down.d, y: c.down.s },
          { name: `${c.cls} ↑`, x: c.up.d, y: c.up.s, faded: true }
        ]),
        lines: ub,
        note: `${part.name} (${n} spins), mean over ${classes.map((c) => `${c.references} ${c.cls}`).join(', ')}-energy references`
      } satisfies ScatterPayload)
      for (const c of classes) {
        const zero = atX(c.down, 0)
        const pub = PUBLISHED_LANDSCAPE[`${kind}/${part.name}`]
        if (c.cls === 'low' && zero) {
          const key = `landscape/${kind}/${part.name}`
          final[`${key}/x0/d`] = zero.d
          final[`${key}/x0/s`] = zero.s
          final[`${key}/x0/s-ub`] = entropyUpperBound(zero.d)
          final[`${key}/hysteresis`] = c.hysteresis.detected ? 1 : 0
          final[`${key}/max-gap`] = c.hysteresis.maxGap
          if (c.hysteresis.detected && c.hysteresis.jumpDown !== null) final[`${key}/jump-down`] = c.hysteresis.jumpDown
          if (c.hysteresis.detected && c.hysteresis.jumpUp !== null) final[`${key}/jump-up`] = c.hysteresis.jumpUp
        }
        landscapeRows.push({
          scenario: kind,
          part: part.name,
          energy: c.cls,
          references: c.references,
          d0: zero ? +zero.d.toFixed(3) : null,
          s0: zero ? +zero.s.toFixed(3) : null,
          sub0: zero ? +entropyUpperBound(zero.d).toFixed(3) : null,
          hysteresis: c.hysteresis.detected ? `yes (${c.detectedIn}/${c.references} refs)` : `no (${c.detectedIn}/${c.references} refs)`,
          jumps: c.hysteresis.detected ? `${c.hysteresis.jumpDown?.toFixed(2) ?? '—'} / ${c.hysteresis.jumpUp?.toFixed(2) ?? '—'}` : '—',
          maxGap: +c.hysteresis.maxGap.toFixed(3),
          published: c.cls === 'low' && pub ? pub.text : ''
        })
      }
      ctx.logSeries('landscape/table', step, {
        columns: [
          { key: 'scenario', label: 'scenario' },
          { key: 'part', label: 'part' },
          { key: 'energy', label: 'references' },
          { key: 'references', label: 'n' },
          { key: 'd0', label: 'd (x = 0, ↓)' },
          { key: 's0', label: 's (x = 0, ↓)' },
          { key: 'sub0', label: 's_ub(d)' },
          { key: 'hysteresis', label: 'hysteresis' },
          { key: 'jumps', label: 'jump ↓ / ↑ at x' },
          { key: 'maxGap', label: 'max |d↓ − d↑|' },
          { key: 'published', label: 'seed 004 (low-energy references)' }
        ],
        rows: landscapeRows
      } satisfies TablePayload)
    }
    step++
  }
  const seconds = (performance.now() - started) / 1000
  return { final, steps: step, epochs: 0, wallSeconds: seconds, samplesPerSecond: 0 }
}

export type { ScenarioKind }
