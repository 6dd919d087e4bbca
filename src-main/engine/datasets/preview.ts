/**
 * `datasets.preview`: what the Datasets view draws — a seeded sample of points (first ≤ 3 dims), a page
 * of images as 0–255 pixels, or per-feature statistics with class counts / a target histogram.
 * Stored datasets never change, so the last dataset's arrays and its stats are cached.
 */
import type { DatasetPreview } from '../../../src-shared/contract'
import { createRng } from '../../../src-shared/rng'
import type { DatasetArrays, DatasetStore } from '../store/datasets'
import type { DatasetInfo } from '../../../src-shared/datasets'
import { featureStats } from './transforms'

export class PreviewError extends Error {}

const MAX_STAT_FEATURES = 4096

export class Previewer {
  private cached: (DatasetArrays & { info: DatasetInfo }) | null = null
  private stats = new Map<string, DatasetPreview>()

  constructor(private readonly store: DatasetStore) {}

  private load(id: string) {
    if (this.cached?.info.id !== id) this.cached = this.store.loadArrays(id)
    return this.cached
  }

  forget(id: string) {
    if (this.cached?.info.id === id) this.cached = null
    this.stats.delete(id)
  }

  preview(p: { id: string; kind: 'points' | 'images' | 'stats'; limit?: number; offset?: number }): DatasetPreview {
    const { info, x, y } = this.load(p.id)
    const s = info.shape
    const d = s.sample.reduce((a, b) => a * b, 1)
    const t = s.targets
    const scale = x instanceof Uint8Array ? 1 / 255 : 1
    const offset = p.offset ?? 0
    if (p.kind === 'points') {
      const limit = p.limit ?? 2000
      let indices: number[]
      if (s.n <= limit && offset === 0) indices = Array.from({ length: s.n }, (_, i) => i)
      else {
        const order = createRng(0).shuffle(Int32Array.from({ length: s.n }, (_, i) => i))
        indices = Array.from(order.subarray(offset, offset + limit)).sort((a, b) => a - b)
      }
      const dims = Math.min(3, d)
      const xs = new Array<number>(indices.length * dims)
      const label = new Array<number>(indices.length)
      indices.forEach((r, i) => {
        for (let k = 0; k < dims; k++) xs[i * dims + k] = x[r * d + k] * scale
        label[i] = y[r * t]
      })
      return { kind: 'points', dims, x: xs, label, indices }
    }
    if (p.kind === 'images') {
      if (s.sample.length !== 3) throw new PreviewError(`"${info.name}" is not image data (its samples are [${s.sample.join(', ')}], images are [H, W, C])`)
      const [h, w, c] = s.sample
      const limit = p.limit ?? 64
      const start = Math.min(offset, s.n)
      const end = Math.min(s.n, start + limit)
      const count = end - start
      const pixels = new Uint8Array(count * d)
      if (x instanceof Uint8Array) pixels.set(x.subarray(start * d, end * d))
      else {
        let lo = Infinity
        let hi = -Infinity
        for (let i = start * d; i < end * d; i++) {
          if (x[i] < lo) lo = x[i]
          if (x[i] > hi) hi = x[i]
        }
        const k = hi > lo ? 255 / (hi - lo) : 0
        for (let i = 0; i < count * d; i++) pixels[i] = Math.round((x[start * d + i] - lo) * k)
      }
      const label = Array.from({ length: count }, (_, i) => y[(start + i) * t])
      return { kind: 'images', height: h, width: w, channels: c, pixels: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength).toString('base64'), label, indices: Array.from({ length: count }, (_, i) => start + i) }
    }
    const hit = this.stats.get(info.id)
    if (hit) return hit
    const st = featureStats(x, s.n, d, MAX_STAT_FEATURES)
    const features = Array.from(st.mean, (_, j) => ({ mean: st.mean[j], std: st.std[j], min: st.min[j], max: st.max[j] }))
    let targetHistogram: { edges: number[]; counts: number[] } | null = null
    if (s.task === 'regression') {
      let lo = Infinity
      let hi = -Infinity
      for (let i = 0; i < s.n; i++) {
        const v = y[i * t]
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
      const bins = 30
      const width = hi > lo ? (hi - lo) / bins : 1
      const counts = new Array<number>(bins).fill(0)
      for (let i = 0; i < s.n; i++) counts[Math.min(bins - 1, Math.floor((y[i * t] - lo) / width))]++
      targetHistogram = { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts }
    }
    const out: DatasetPreview = { kind: 'stats', features, classCounts: info.classCounts, targetHistogram }
    this.stats.set(info.id, out)
    return out
  }
}
