/**
 * Bench section 13b (`--ising-only`, with isingBench.ts): the effective-model study's sampling throughput — its
 * trials (binary-weight nets by local reparametrisation, src-shared/ising/binaryNet.ts) on the 10 000 built-in
 * digits' top 20 PCs, per scenario: seconds per trial on one thread, and networks per hour through the study's
 * trial pool (worker threads, ./isingTrialWorker.js) on every core. Epochs are the CPU preset's; the paper's 50
 * epochs scale the time linearly.
 */
import { availableParallelism } from 'node:os'
import { loadMnistPackage } from '../../src-main/engine/datasets/builtin'
import { effectiveInputs } from '../../src-main/engine/studies/effective-model'
import { runTrialPool, trainOne, trialWorkerUrl, type TrialPoolData } from '../../src-main/engine/studies/effective-model/trials'
import { deriveSeed } from '../../src-shared/rng'
import { effectiveModelDefaults, SCENARIO_NETS, SCENARIO_KINDS, type ScenarioKind } from '../../src-shared/studies/effective-model'

export interface SamplingRow {
  scenario: ScenarioKind
  epochs: number
  secondsPerTrial: number
  acceptedFraction: number
  meanAccuracy: number
  threads: number
  networksPerHour: number | null
}

const EPOCHS: Record<ScenarioKind, number> = { under: 10, over: 30, shallow: 4 }
const THRESHOLD: Record<ScenarioKind, number> = { under: 0.75, over: 0.65, shallow: 0.65 }

export async function samplingFigures(opts: { quick: boolean; log: (msg: string) => void }): Promise<SamplingRow[]> {
  const mnist = loadMnistPackage()
  const { x, y } = mnist.arrays as { x: Uint8Array; y: Int32Array }
  const inputs = effectiveInputs({ x, labels: y, n: mnist.shape.n, dims: 784, label: 'built-in MNIST' }, effectiveModelDefaults.dataset, 1)
  const rows: SamplingRow[] = []
  const threads = availableParallelism()
  for (const kind of SCENARIO_KINDS) {
    const net = SCENARIO_NETS[kind]
    const data: TrialPoolData = {
      train: net.trainLimit ? inputs.trainFirst(net.trainLimit) : inputs.train,
      test: inputs.test,
      sizes: net.sizes,
      epochs: EPOCHS[kind],
      batchesPerEpoch: net.batchesPerEpoch,
      batchSize: net.batchSize,
      learningRate: 0.3,
      l2: 1e-5,
      theta0Std: 0.1,
      samples: 10,
      threshold: THRESHOLD[kind]
    }
    const single = opts.quick ? 1 : 3
    const t0 = performance.now()
    const results = []
    for (let t = 0; t < single; t++) results.push(trainOne(data, { trial: t, seed: deriveSeed(1, `bench/${kind}/${t}`) }, () => false))
    const secondsPerTrial = (performance.now() - t0) / 1000 / single
    let networksPerHour: number | null = null
    const url = trialWorkerUrl(import.meta.url)
    if (url) {
      const n = (opts.quick ? 1 : 3) * threads
      let done = 0
      const t1 = performance.now()
      await runTrialPool(data, Array.from({ length: n }, (_, t) => ({ trial: t, seed: deriveSeed(1, `bench/${kind}/pool/${t}`) })), { workers: threads, isAborted: () => false, onResult: () => void done++ })
      networksPerHour = done / ((performance.now() - t1) / 3.6e6)
    }
    const row = {
      scenario: kind,
      epochs: EPOCHS[kind],
      secondsPerTrial,
      acceptedFraction: results.filter((r) => r.accepted).length / results.length,
      meanAccuracy: results.reduce((a, r) => a + r.testAccuracy, 0) / results.length,
      threads,
      networksPerHour
    }
    opts.log(`sampling ${kind}: ${secondsPerTrial.toFixed(2)} s per trial (${EPOCHS[kind]} epochs), ${networksPerHour === null ? 'no trial worker built' : `${Math.round(networksPerHour)} networks/hour on ${threads} threads`}`)
    rows.push(row)
  }
  return rows
}

export function samplingReport(rows: SamplingRow[]): string[] {
  return [
    'effective-model sampling (built-in digits, 20 PCs; CPU-preset epochs)',
    ...rows.map(
      (r) =>
        `  ${r.scenario.padEnd(8)} ${String(r.epochs).padStart(3)} epochs  ${r.secondsPerTrial.toFixed(2).padStart(6)} s/trial (1 thread)  ${r.networksPerHour === null ? '—' : Math.round(r.networksPerHour).toLocaleString('en-US').padStart(7)} networks/hour (${r.threads} threads)  test acc ${(100 * r.meanAccuracy).toFixed(1)} %  ≥ threshold ${(100 * r.acceptedFraction).toFixed(0)} %  (50 epochs ≈ ${((r.secondsPerTrial * 50) / r.epochs).toFixed(1)} s/trial)`
    )
  ]
}
