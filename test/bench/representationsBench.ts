/**
 * Bench section 12 (`--representations-only`): the thesis ch. 5 probes on a 10 000-sample layer — each probe
 * (set-up and one measurement) on an MLP 784-392-196-50-10 over the 10 000 built-in digits with samples =
 * 10 000, every layer (the input included; for kred and voronoi, as their defaults say) — and the k-filter's
 * neighbour search over 60 000 × 784 bytes (the size of Fashion-MNIST's training set; the cost does not depend
 * on the pixels' values) in chunks of 6 000 and of 2 000; and one closed-form Platonic fit (thesis ch. 7) of
 * 2-32-32-32-32-1 on two spirals (float64 through ml-matrix, on the CPU whatever the backend).
 */
import type { Tensor } from '@tensorflow/tfjs'
import { tf } from '../../src-main/engine/compute/backend'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { nearestNeighbours } from '../../src-main/engine/compute/neighbours'
import { loadMnistPackage } from '../../src-main/engine/datasets/builtin'
import { setupProbes } from '../../src-main/engine/probes'
import type { RunContext } from '../../src-main/engine/studies/context'
import { dense } from '../../src-shared/network/layers'
import { newProbeEntry } from '../../src-shared/probes'
import { createRng } from '../../src-shared/rng'
import { Matrix } from 'ml-matrix'
import { runGenerator } from '../../src-main/engine/datasets/generators'
import { accuracyOf, platonicFit, platonicPredict } from '../../src-shared/platonic/fit'

export interface RepresentationFigures {
  backend: string
  rows: { what: string; seconds: number }[]
}

const PROBES: [string, Record<string, unknown>, string][] = [
  ['lsd', { samples: 10_000 }, 'LSD, layers 0–4 (784, 392, 196, 50, 10 features)'],
  ['hyz', { samples: 10_000 }, 'H(Y|z), 4 dense layers'],
  ['kred', { samples: 10_000, chunk: 0, ks: [5, 10, 20] }, 'k-redundancy k = 5, 10, 20, whole set, layers 0–4'],
  ['kred', { samples: 10_000, chunk: 2000, ks: [5, 10, 20] }, 'k-redundancy, chunks of 2 000, layers 0–4'],
  ['layer-pca', { samples: 10_000, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'PCA of layers 0–4, all classes'],
  ['voronoi', { samples: 10_000, layer: 4 }, 'pure Voronoi of the output layer (10 features)']
]

export async function representationFigures(o: { backend: string; log: (m: string) => void }): Promise<RepresentationFigures> {
  const mnist = loadMnistPackage()
  const n = mnist.shape.n
  const source = { x: mnist.arrays.x as Uint8Array, labels: mnist.arrays.y as Int32Array, n, sample: [28, 28, 1], dims: 784, classes: 10, scale: 1 / 255, label: 'built-in digits', stored: true, classNames: null }
  const model = buildNetwork(tf, [dense(392, 'relu'), dense(196, 'relu'), dense(50, 'relu')], source.sample, 10, 1)
  const rows = Array.from({ length: n }, (_, i) => i)
  const ctx = { tf, runId: 'bench', seed: 1, log: () => {}, logSeries: () => {}, progress: () => {}, aborted: false } as unknown as RunContext
  const network = { name: '', model, loss: (a: Tensor, b: Tensor) => tf.losses.softmaxCrossEntropy(b, a) as never, lossName: 'softmax-cross-entropy' as const, infer: (x: Tensor) => model.predict(x) as Tensor, accuracy: 'argmax' as const }
  const out: RepresentationFigures['rows'] = []
  for (const [id, params, what] of PROBES) {
    const entry = { ...newProbeEntry(id), params: { ...newProbeEntry(id).params, ...params } }
    const t = performance.now()
    const [p] = setupProbes(ctx, [entry], [network], { source, train: rows, val: [], test: [], trainEval: rows }, 1, () => {})
    p.instance.run({ epoch: 0, step: 0, totalSteps: 1 })
    p.instance.dispose()
    out.push({ what: `${id}: ${what}`, seconds: (performance.now() - t) / 1000 })
    o.log(`  ${out.at(-1)!.what}: ${out.at(-1)!.seconds.toFixed(2)} s`)
  }
  model.dispose()
  const rng = createRng(3)
  const big = Uint8Array.from({ length: 60_000 * 784 }, () => rng.int(256))
  for (const chunk of [6000, 2000]) {
    const t = performance.now()
    nearestNeighbours(tf, big, 60_000, 784, 42, { chunk }, 1 / 255)
    out.push({ what: `k-filter search: 60 000 × 784, k ≤ 42, chunks of ${chunk}`, seconds: (performance.now() - t) / 1000 })
    o.log(`  ${out.at(-1)!.what}: ${out.at(-1)!.seconds.toFixed(2)} s`)
  }
  // Thesis ch. 7: one closed-form fit of 2-32-32-32-32-1 tanh on 4 000 two-spirals points (float64, pinv,
  // α = 0.1, β = 10), the median of 5, and the same with N_tries = 5.
  const g = runGenerator('two-spirals', { n: 4000, noise: 0 }, 7)
  const X = Matrix.from1DArray(4000, 2, Float64Array.from(g.x))
  const Y = Matrix.from1DArray(4000, 1, Float64Array.from(g.y as Int32Array, (v) => (v === 1 ? 1 : -1)))
  for (const tries of [1, 5]) {
    const times: number[] = []
    let acc = 0
    for (let k = 0; k < 5; k++) {
      const t = performance.now()
      const fit = platonicFit(X, Y, { hidden: [32, 32, 32, 32], activation: 'tanh', alpha: 0.1, beta: 10, tries, solver: 'pinv', lambda: 0, rcond: 1e-15, projection: 'random', seed: k + 1, measureLsd: false })
      times.push((performance.now() - t) / 1000)
      acc += accuracyOf(platonicPredict(fit, X), Y) / 5
    }
    out.push({ what: `platonic fit, two spirals 2-32-32-32-32-1, 4 000 points, N_tries ${tries} (median of 5; train acc. ${(100 * acc).toFixed(2)} %)`, seconds: times.sort((a, b) => a - b)[2] })
    o.log(`  ${out.at(-1)!.what}: ${out.at(-1)!.seconds.toFixed(2)} s`)
  }
  return { backend: o.backend, rows: out }
}

export function representationReport(f: RepresentationFigures): string[] {
  return [`12. Representation probes (thesis ch. 5) on ${f.backend}, and the ch. 7 closed-form fit: one measurement of a 10 000-sample layer set (MLP 784-392-196-50-10, built-in digits)`, ...f.rows.map((r) => `   ${r.what.padEnd(72)} ${r.seconds.toFixed(2).padStart(7)} s`)]
}
