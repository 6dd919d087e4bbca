/**
 * Toy 2-D datasets (spec → X, y), seeded and deterministic: the same spec and seed give identical
 * arrays on every machine. Definitions follow shared/studies/datasets.md.
 */
import { createRng, type Rng } from '../../../src-shared/rng'
import type { ToyDatasetSpec } from '../../../src-shared/studies/training'

export interface ToyData {
  /** Row-major n × dims. */
  x: Float32Array
  /** Class index per point. */
  y: Int32Array
  n: number
  dims: number
  classes: number
}

type Generator = (spec: ToyDatasetSpec, rng: Rng, put: (i: number, a: number, b: number, label: number) => void) => void

type PlanarKind = Exclude<ToyDatasetSpec['kind'], 'random-labels' | 'stored'>

const GENERATORS: Record<PlanarKind, Generator> = {
  // Two interleaved Archimedean spirals in [−1, 1]²: θ = √u·3π, r = θ/3π, class 1 is class 0 rotated by π.
  'two-spirals': (spec, rng, put) => {
    const half = Math.floor(spec.n / 2)
    for (let i = 0; i < spec.n; i++) {
      const label = i < half ? 0 : 1
      const theta = Math.sqrt(rng.next()) * 3 * Math.PI
      const r = theta / (3 * Math.PI)
      const sign = label === 0 ? 1 : -1
      put(i, sign * r * Math.cos(theta) + spec.noise * rng.normal(), sign * r * Math.sin(theta) + spec.noise * rng.normal(), label)
    }
  },
  // Uniform on [−0.5, 0.5]², label = (⌊c(x+½)⌋ + ⌊c(y+½)⌋) mod 2; noise jitters positions after labelling.
  checkerboard: (spec, rng, put) => {
    const c = spec.cells
    for (let i = 0; i < spec.n; i++) {
      const a = rng.uniform(-0.5, 0.5)
      const b = rng.uniform(-0.5, 0.5)
      const label = (Math.min(c - 1, Math.floor(c * (a + 0.5))) + Math.min(c - 1, Math.floor(c * (b + 0.5)))) % 2
      put(i, a + 0.5 * spec.noise * rng.normal(), b + 0.5 * spec.noise * rng.normal(), label)
    }
  },
  // TensorFlow Playground's circle: a disc r < 2.5 (class 1) against a ring 3.5 < r < 5 (class 0).
  circles: (spec, rng, put) => {
    const radius = 5
    for (let i = 0; i < spec.n; i++) {
      const inner = i < Math.floor(spec.n / 2)
      const r = inner ? rng.uniform(0, radius * 0.5) : rng.uniform(radius * 0.7, radius)
      const angle = rng.uniform(0, 2 * Math.PI)
      const jitter = () => rng.uniform(-radius, radius) * spec.noise
      put(i, r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter(), inner ? 1 : 0)
    }
  },
  // Playground XOR: uniform on [−5, 5]² kept 0.3 away from the axes, label 1 where x·y > 0.
  xor: (spec, rng, put) => {
    const pad = 0.3
    for (let i = 0; i < spec.n; i++) {
      let a = rng.uniform(-5, 5)
      let b = rng.uniform(-5, 5)
      a += a > 0 ? pad : -pad
      b += b > 0 ? pad : -pad
      const label = a * b >= 0 ? 1 : 0
      put(i, a + rng.uniform(-5, 5) * spec.noise, b + rng.uniform(-5, 5) * spec.noise, label)
    }
  },
  // Playground's two Gaussians at (2, 2) and (−2, −2); noise widens them (σ from 0.5 to 4).
  gaussian: (spec, rng, put) => {
    const sigma = 0.5 + 3.5 * spec.noise
    for (let i = 0; i < spec.n; i++) {
      const label = i < Math.floor(spec.n / 2) ? 1 : 0
      const c = label === 1 ? 2 : -2
      put(i, c + sigma * rng.normal(), c + sigma * rng.normal(), label)
    }
  }
}

/**
 * Random inputs uniform in [0, 1)^dims with labels uniform over `classes`: no structure to learn, only to
 * memorise (Zhang et al. 2017). Also the bench's synthetic 784-dimensional workload.
 */
export function randomLabels(n: number, dims: number, classes: number, seed: number): ToyData {
  const rng = createRng(seed)
  const x = new Float32Array(n * dims)
  for (let i = 0; i < x.length; i++) x[i] = rng.next()
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) y[i] = rng.int(classes)
  return { x, y, n, dims, classes }
}

export function generateToy(spec: ToyDatasetSpec, seed: number): ToyData {
  if (spec.kind === 'random-labels') return randomLabels(spec.n, spec.dims ?? 2, spec.classes ?? 2, seed)
  if (spec.kind === 'stored') throw new Error('a stored dataset is loaded from the library, not generated')
  const gen = GENERATORS[spec.kind as PlanarKind]
  if (!gen) throw new Error(`unknown toy dataset "${spec.kind}"`)
  const x = new Float32Array(spec.n * 2)
  const y = new Int32Array(spec.n)
  gen(spec, createRng(seed), (i, a, b, label) => {
    x[2 * i] = a
    x[2 * i + 1] = b
    y[i] = label
  })
  return { x, y, n: spec.n, dims: 2, classes: 2 }
}

export interface Split {
  train: number[]
  test: number[]
}

/** Seeded train/test split by index (the test set is the first ⌈f·n⌉ of a shuffled order). */
export function splitIndices(n: number, testFraction: number, seed: number): Split {
  const order = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i))
  const nTest = Math.min(n - 1, Math.max(1, Math.round(testFraction * n)))
  return { test: order.slice(0, nTest), train: order.slice(nTest) }
}
