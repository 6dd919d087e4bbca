/**
 * What the local elasticity studies and the local-elasticity probe share: choosing base points,
 * running the exact / first-order probe in chunks (so a cancel is seen between chunks), and packing the result
 * as the `ElasticityMatrixPayload` of src-shared/studies/elasticityPayloads.ts.
 */
import type { Tensor } from '@tensorflow/tfjs'
import { localityIndex } from '../../../../src-shared/elasticity'
import { createRng } from '../../../../src-shared/rng'
import type { ElasticityMatrixPayload } from '../../../../src-shared/studies/elasticityPayloads'
import type { tf as TF } from '../../compute/backend'
import { exactElasticity, kernelElasticity, testJacobian, type ProbeLoss } from './measure'
import { RunFailure } from '../../studies/context'

/** Base points per exactElasticity call: between chunks the runner checks for a cancel. */
const BASE_CHUNK = 32

/** Float32 values as base64 of their little-endian bytes (the payloads' matrix encoding). */
export function float32Base64(values: ArrayLike<number>): string {
  const f = values instanceof Float32Array ? values : Float32Array.from(values)
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64')
}

/**
 * A fixed seeded set of `count` point indices balanced over the labels (round robin over the classes, each
 * class in seeded order), sorted ascending. count ≤ 0 or ≥ n: every point.
 */
export function balancedSubset(labels: ArrayLike<number>, count: number, seed: number): number[] {
  const n = labels.length
  if (count <= 0 || count >= n) return Array.from({ length: n }, (_, i) => i)
  const rng = createRng(seed)
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]) ?? []
    list.push(i)
    byClass.set(labels[i], list)
  }
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(byClass.get(c)!))
  const out: number[] = []
  for (let r = 0; out.length < count; r++) for (const q of queues) if (r < q.length && out.length < count) out.push(q[r])
  return out.sort((a, b) => a - b)
}

export interface ProbeRows {
  /** Row-major nBase × nTest exact LE (S_rel for one output). */
  le: Float32Array
  /** Row-major nBase × nTest first-order S_ker, when asked for. */
  ker: Float32Array | null
  gamma: number[]
}

/**
 * Exact LE (and optionally the first-order S_ker) from every row of `xBase` to every row of `xTest`.
 * Returns null when `aborted()` turns true between chunks. The caller owns (and disposes) the tensors.
 */
export function probeRows(
  tf: typeof TF,
  model: import('@tensorflow/tfjs').LayersModel,
  loss: ProbeLoss,
  xBase: Tensor,
  yBase: Tensor,
  xTest: Tensor,
  opts: { gamma: number; kernel: boolean; aborted: () => boolean }
): ProbeRows | null {
  const nBase = xBase.shape[0]
  const nTest = xTest.shape[0]
  const le = new Float32Array(nBase * nTest)
  const ker = opts.kernel ? new Float32Array(nBase * nTest) : null
  const gamma: number[] = []
  // J(x′) of the test points is the same for every chunk of base points: built once per probe.
  let jacobian: Tensor | null = null
  if (opts.kernel) {
    try {
      jacobian = testJacobian(tf, model, xTest)
    } catch (err) {
      throw new RunFailure(err instanceof Error ? err.message : String(err))
    }
  }
  try {
    for (let start = 0; start < nBase; start += BASE_CHUNK) {
      if (opts.aborted()) return null
      const size = Math.min(BASE_CHUNK, nBase - start)
      const xb = xBase.slice([start], [size])
      const yb = yBase.slice([start], [size])
      try {
        const r = exactElasticity(tf, model, loss, xb, yb, xTest, opts.gamma)
        le.set(r.le, start * nTest)
        gamma.push(...r.gamma)
        if (ker) ker.set(kernelElasticity(tf, model, loss, xb, yb, xTest, jacobian as TF.Tensor2D), start * nTest)
      } finally {
        tf.dispose([xb, yb])
      }
    }
  } finally {
    jacobian?.dispose()
  }
  return { le, ker, gamma }
}

/**
 * The payload of one probe: rows `bases` (indices into `points`) against every point, with the locality index
 * (mean LE to the k nearest same-label points ÷ mean LE to the rest) computed on `points` (row-major, `dims` wide).
 */
export function matrixPayload(
  rows: ProbeRows,
  bases: number[],
  points: ArrayLike<number>,
  dims: number,
  labels: ArrayLike<number>,
  k: number,
  shown?: ElasticityMatrixPayload['points']
): ElasticityMatrixPayload {
  const locality = localityIndex(rows.le, bases, points, dims, labels, k)
  return {
    bases,
    n: labels.length,
    le: float32Base64(rows.le),
    ...(rows.ker ? { ker: float32Base64(rows.ker) } : {}),
    gamma: rows.gamma,
    locality,
    k,
    ...(shown ? { points: shown } : {})
  }
}

/** Coordinates for display: rounded to 4 decimals (a third of the JSON of full floats). */
export function rounded(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 1e4) / 1e4)
}
