/** The heatmap payload of the `elasticity-clustering` study: S_sym over (a seeded subset of) P, ordered by class. */
import { float32Base64 } from '../../probes/local-elasticity/rows'
import { createRng } from '../../../../src-shared/rng'
import type { ElasticityHeatmapPayload } from '../../../../src-shared/studies/elasticityPayloads'

/** Largest heatmap sent (n × n floats: 400 points are 640 kB of float32). Larger P is subsampled, seeded. */
export const MAX_HEATMAP_POINTS = 400

export function heatmapPayload(methodId: string, sSym: ArrayLike<number>, n: number, truth: ArrayLike<number>, assigned: ArrayLike<number>, seed: number): ElasticityHeatmapPayload {
  const keep = n <= MAX_HEATMAP_POINTS ? Array.from({ length: n }, (_, i) => i) : createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, MAX_HEATMAP_POINTS).sort((a, b) => a - b)
  const k = keep.length
  const values = new Float32Array(k * k)
  keep.forEach((i, a) => keep.forEach((j, b) => (values[a * k + b] = sSym[i * n + j])))
  const sub = (arr: ArrayLike<number>) => keep.map((i) => arr[i])
  const t = sub(truth)
  return {
    methodId,
    n: k,
    order: Array.from({ length: k }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b),
    truth: t,
    assigned: sub(assigned),
    values: float32Base64(values)
  }
}
