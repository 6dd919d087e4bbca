/**
 * Toy 2-D datasets (spec → X, y), seeded and deterministic: the same spec and seed give identical
 * arrays on every machine. Definitions follow shared/studies/datasets.md.
 */
import { createRng } from '../../../src-shared/rng'
import { runGenerator } from './generators'
import type { DatasetSpec, ToyDatasetSpec } from '../../../src-shared/studies/training'

export interface ToyData {
  /** Row-major n × dims. */
  x: Float32Array
  /** Class index per point. */
  y: Int32Array
  n: number
  dims: number
  classes: number
}

type PlanarKind = Exclude<ToyDatasetSpec['kind'], 'random-labels'>

/** The training study's inline kinds are the library's generators (one implementation for both paths). */
const GENERATOR_OF: Record<PlanarKind, string> = {
  'two-spirals': 'two-spirals',
  checkerboard: 'checkerboard',
  circles: 'circles',
  xor: 'xor',
  gaussian: 'gaussian-blobs'
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

export function generateToy(spec: DatasetSpec, seed: number): ToyData {
  if (spec.kind === 'random-labels') return randomLabels(spec.n, spec.dims, spec.classes, seed)
  if (spec.kind === 'stored') throw new Error('a stored dataset is loaded from the library, not generated')
  const id = GENERATOR_OF[spec.kind as PlanarKind]
  if (!id) throw new Error(`unknown toy dataset "${spec.kind}"`)
  // Only the checkerboard has a board size (the other generators ignore it; 8 is what they were always given).
  const d = runGenerator(id, { n: spec.n, noise: spec.noise, cells: spec.kind === 'checkerboard' ? spec.cells : 8 }, seed)
  return { x: d.x, y: d.y as Int32Array, n: spec.n, dims: 2, classes: 2 }
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
