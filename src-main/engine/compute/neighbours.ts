/**
 * k-nearest-neighbour search on the compute backend, for k-redundancy, k-filtering and the pure Voronoi map.
 * Squared distances are ‖q‖² + ‖p‖² − 2 q·p: per query row ‖q‖² is a constant, so rows are ranked by
 * ‖p‖² − 2 q·p — one matrix product per block of queries (BLAS on the `blas` backend), then `topk` on the
 * backend; only the K + 1 indices per row come back to JavaScript. Neighbours are searched in the whole set
 * or within consecutive chunks of it (the thesis ran its kNN on mini-batches); query blocks are sized so one
 * block's distance matrix stays near BLOCK_ELEMENTS floats, whatever the set's size.
 */
import type { Tensor2D } from '@tensorflow/tfjs'
import type { tf as TF } from './backend'

/** Floats in one block's distance matrix (64 MB). */
const BLOCK_ELEMENTS = 16 * 1024 * 1024
/** Floats of one pool (a chunk, or the whole set) held on the backend at once (1 GB). */
export const MAX_POOL_FLOATS = 256 * 1024 * 1024

export interface NeighbourOptions {
  /** Search within consecutive chunks of this many rows; 0 = the whole set. */
  chunk: number
  /** Called after each block with the fraction done; return false to stop (the search then returns null). */
  progress?: (fraction: number) => boolean | void
}

/** Float32 rows × scale; a plain loop (Float32Array.from with a map function is ≈ 80× slower here: 0.8 s per 6 000 images). */
function scaled(x: Float32Array | Uint8Array, scale: number): Float32Array {
  if (x instanceof Float32Array && scale === 1) return x
  const out = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale
  return out
}

/** The rows of each pool: consecutive chunks, or the whole set; a last chunk too small for K neighbours joins the one before. */
function pools(n: number, chunk: number, K: number): [number, number][] {
  const size = chunk > 0 ? Math.min(chunk, n) : n
  const out: [number, number][] = []
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)])
  const last = out.at(-1)!
  if (out.length > 1 && last[1] - last[0] <= K) {
    out.pop()
    out[out.length - 1][1] = n
  }
  return out
}

/**
 * Row r's K nearest neighbours (indices into the rows of `x`, nearest first, r excluded) as row r of an
 * n × K table; null when cancelled. `x` is row-major n × d; `scale` multiplies it (1/255 for bytes).
 */
export function nearestNeighbours(tf: typeof TF, x: Float32Array | Uint8Array, n: number, d: number, K: number, opts: NeighbourOptions, scale = 1): Int32Array | null {
  const ranges = pools(n, opts.chunk, K)
  for (const [s, e] of ranges) if (e - s - 1 < K) throw new Error(`${K} neighbours were asked for in a set of ${e - s} rows`)
  const widest = Math.max(...ranges.map(([s, e]) => e - s))
  if (widest * d > MAX_POOL_FLOATS) throw new Error(`a neighbour search over ${widest} rows of ${d} features would hold ${((widest * d * 4) / 2 ** 30).toFixed(1)} GB at once; search within chunks of at most ${Math.floor(MAX_POOL_FLOATS / d)} rows`)
  const out = new Int32Array(n * K)
  let done = 0
  for (const [start, end] of ranges) {
    const size = end - start
    const rows = scaled(x.subarray(start * d, end * d), scale)
    const pool = tf.tensor2d(rows, [size, d])
    const poolNorms = tf.tidy(() => pool.square().sum(1).reshape([1, size]))
    const block = Math.max(1, Math.min(size, Math.floor(BLOCK_ELEMENTS / size)))
    try {
      for (let q = 0; q < size; q += block) {
        const b = Math.min(block, size - q)
        const idx = tf.tidy(() => {
          const queries = pool.slice([q, 0], [b, d]) as Tensor2D
          // −(‖p‖² − 2 q·p): topk takes the largest.
          const score = tf.sub(tf.mul(tf.matMul(queries, pool, false, true), 2), poolNorms)
          return tf.topk(score, Math.min(K + 1, size)).indices
        })
        const got = idx.dataSync() as Int32Array
        idx.dispose()
        const width = Math.min(K + 1, size)
        for (let i = 0; i < b; i++) {
          const self = q + i
          let k = 0
          for (let t = 0; t < width && k < K; t++) {
            const j = got[i * width + t]
            if (j === self) continue
            out[(start + self) * K + k++] = start + j
          }
        }
        done += b
        if (opts.progress?.(done / n) === false) return null
      }
    } finally {
      pool.dispose()
      poolNorms.dispose()
    }
  }
  return out
}
