/**
 * k-redundancy (thesis Def. 8) and k-filtering (§5.4) from a neighbour table: row r of `neighbours` holds the
 * indices (into the same rows) of r's K nearest neighbours, nearest first, r itself excluded. A sample is
 * k-redundant when all of its k nearest neighbours share its class; k-filtering drops those and keeps the
 * samples whose neighbourhood is mixed (the ones near a class boundary).
 */

/** Is row r k-redundant (k ≤ K)? */
export function isRedundant(neighbours: Int32Array, K: number, labels: ArrayLike<number>, r: number, k: number): boolean {
  const y = labels[r]
  for (let i = 0; i < k; i++) if (labels[neighbours[r * K + i]] !== y) return false
  return true
}

/** The fraction of rows that are k-redundant. */
export function kRedundancy(neighbours: Int32Array, K: number, labels: ArrayLike<number>, k: number): number {
  if (k > K) throw new Error(`k-redundancy: k = ${k} but only ${K} neighbours were searched`)
  const n = neighbours.length / K
  let count = 0
  for (let r = 0; r < n; r++) if (isRedundant(neighbours, K, labels, r, k)) count++
  return n ? count / n : NaN
}

/** Rows kept by k-filtering (those not k-redundant), in order. */
export function kFilterKeep(neighbours: Int32Array, K: number, labels: ArrayLike<number>, k: number): number[] {
  if (k > K) throw new Error(`k-filtering: k = ${k} but only ${K} neighbours were searched`)
  const n = neighbours.length / K
  const keep: number[] = []
  for (let r = 0; r < n; r++) if (!isRedundant(neighbours, K, labels, r, k)) keep.push(r)
  return keep
}

/**
 * The K nearest neighbours of every row by brute force in plain JS (Euclidean, self excluded, ties by index):
 * the reference the engine's backend search is tested against, and the search for small sets.
 */
export function bruteForceNeighbours(x: ArrayLike<number>, n: number, d: number, K: number, chunk = 0): Int32Array {
  const size = chunk > 0 ? chunk : n
  const out = new Int32Array(n * K)
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size)
    if (end - start - 1 < K) throw new Error(`${K} neighbours asked in a chunk of ${end - start} rows`)
    for (let r = start; r < end; r++) {
      const cand: [number, number][] = []
      for (let s = start; s < end; s++) {
        if (s === r) continue
        let dist = 0
        for (let j = 0; j < d; j++) dist += (x[r * d + j] - x[s * d + j]) ** 2
        cand.push([dist, s])
      }
      cand.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      for (let i = 0; i < K; i++) out[r * K + i] = cand[i][1]
    }
  }
  return out
}
