/**
 * Transforms: a dataset in, one new dataset out (two for a split), each recording its parent and the
 * transform. Pure array work; the job stores the results.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import type { DatasetInfo, DatasetShape } from '../../../src-shared/datasets'
import { createRng } from '../../../src-shared/rng'
import { InputError } from './source'
import type { Progress } from './importers'
import { splitIndices } from './toy'
import { kFilterKeep } from '../../../src-shared/representations/redundancy'

export type Transform =
  | { op: 'normalize' }
  | { op: 'standardize' }
  | { op: 'flatten' }
  | { op: 'pca'; components: number }
  | { op: 'subset'; classes: number[] }
  | { op: 'subsample'; n: number; seed?: number }
  | { op: 'split'; testFraction: number; seed?: number }
  /** Drop the samples whose k nearest neighbours (within chunks of a seeded shuffle) all share their class (thesis §5.4). */
  | { op: 'k-filter'; k: number; chunk: number; seed?: number }

/** A k-nearest-neighbour search (the engine's runs it on the compute backend): n × K neighbour indices. */
export type NeighbourSearch = (x: Float32Array | Uint8Array, n: number, d: number, K: number, chunk: number, scale: number) => Int32Array

export interface Source {
  info: DatasetInfo
  x: Float32Array | Uint8Array
  y: Int32Array | Float32Array
}

export interface Derived {
  name: string
  x: Float32Array | Uint8Array
  y: Int32Array | Float32Array
  shape: DatasetShape
  classNames: string[] | null
  /** Extra facts of the transform (PCA's variance explained, the stats used) for spec and provenance. */
  details: Record<string, unknown>
}

const features = (s: DatasetShape) => s.sample.reduce((a, b) => a * b, 1)

/** Per-feature statistics in float64 (one pass, Welford-free: sums are fine in float64 for these sizes). */
export function featureStats(x: ArrayLike<number>, n: number, d: number, maxFeatures = d) {
  const m = Math.min(d, maxFeatures)
  const sum = new Float64Array(m)
  const sq = new Float64Array(m)
  const min = new Float64Array(m).fill(Infinity)
  const max = new Float64Array(m).fill(-Infinity)
  for (let i = 0; i < n; i++) {
    const o = i * d
    for (let j = 0; j < m; j++) {
      const v = x[o + j]
      sum[j] += v
      sq[j] += v * v
      if (v < min[j]) min[j] = v
      if (v > max[j]) max[j] = v
    }
  }
  const mean = new Float64Array(m)
  const std = new Float64Array(m)
  for (let j = 0; j < m; j++) {
    mean[j] = n ? sum[j] / n : 0
    std[j] = n ? Math.sqrt(Math.max(0, sq[j] / n - mean[j] * mean[j])) : 0
  }
  return { mean, std, min, max }
}

function pick(src: Source, indices: ArrayLike<number>, y: Int32Array | Float32Array | null = null) {
  const d = features(src.info.shape)
  const t = src.info.shape.targets
  const n = indices.length
  const x = src.x instanceof Uint8Array ? new Uint8Array(n * d) : new Float32Array(n * d)
  const yo = y ?? (src.y instanceof Int32Array ? new Int32Array(n * t) : new Float32Array(n * t))
  for (let i = 0; i < n; i++) {
    const r = indices[i]
    x.set(src.x.subarray(r * d, (r + 1) * d), i * d)
    if (!y) yo.set(src.y.subarray(r * t, (r + 1) * t), i * t)
  }
  return { x, y: yo }
}

/**
 * Principal components by the eigen-decomposition (ml-matrix) of the d × d covariance, which is
 * accumulated here in float64 in blocks of 128 rows with a 2 × 2 register tile — ≈ 7 s for 60 000 × 784
 * on one core here, where ml-matrix's own mmul would take minutes.
 */
export function pca(x: Float32Array | Uint8Array, n: number, d: number, k: number, progress: Progress) {
  const scale = x instanceof Uint8Array ? 1 / 255 : 1
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j]
  for (let j = 0; j < d; j++) mean[j] = (mean[j] / n) * scale
  if (n < d) return dualPca(x, n, d, k, scale, mean, progress)
  const dp = d + (d & 1)
  const C = new Float64Array(dp * dp)
  const B = 128
  const blk = new Float64Array(dp * B)
  let last = Date.now()
  for (let s = 0; s < n; s += B) {
    const m = Math.min(B, n - s)
    if (m < B) blk.fill(0)
    for (let r = 0; r < m; r++) {
      const o = (s + r) * d
      for (let j = 0; j < d; j++) blk[j * B + r] = x[o + j] * scale - mean[j]
    }
    for (let i = 0; i < dp; i += 2) {
      const bi = i * B
      const bi1 = bi + B
      for (let j = i; j < dp; j += 2) {
        const bj = j * B
        const bj1 = bj + B
        let a00 = 0
        let a01 = 0
        let a10 = 0
        let a11 = 0
        for (let r = 0; r < B; r++) {
          const u0 = blk[bi + r]
          const u1 = blk[bi1 + r]
          const v0 = blk[bj + r]
          const v1 = blk[bj1 + r]
          a00 += u0 * v0
          a01 += u0 * v1
          a10 += u1 * v0
          a11 += u1 * v1
        }
        C[i * dp + j] += a00
        C[i * dp + j + 1] += a01
        C[(i + 1) * dp + j] += a10
        C[(i + 1) * dp + j + 1] += a11
      }
    }
    if (Date.now() - last > 100) {
      last = Date.now()
      progress((0.85 * (s + m)) / n, `covariance: ${s + m} of ${n} samples`)
    }
  }
  const cov = new Matrix(d, d)
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = C[i * dp + j] / Math.max(1, n - 1)
      cov.set(i, j, v)
      cov.set(j, i, v)
    }
  progress(0.86, `eigen-decomposition of the ${d} × ${d} covariance`)
  const { vectors, top, perComponent } = topEigen(cov, k)
  const W = new Float64Array(d * k)
  top.forEach(([, idx], c) => {
    for (let j = 0; j < d; j++) W[j * k + c] = vectors.get(j, idx)
  })
  progress(0.93, `projecting onto ${k} components`)
  const out = new Float32Array(n * k)
  const row = new Float64Array(d)
  const acc = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    const o = i * d
    for (let j = 0; j < d; j++) row[j] = x[o + j] * scale - mean[j]
    acc.fill(0)
    for (let j = 0; j < d; j++) {
      const v = row[j]
      if (v === 0) continue
      const w = j * k
      for (let c = 0; c < k; c++) acc[c] += v * W[w + c]
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c]
  }
  return { out, perComponent, varianceExplained: perComponent.reduce((a, b) => a + b, 0), eigenvalues: top.map(([v]) => v) }
}

/** The k largest eigenpairs of a symmetric matrix, with each one's share of the total (non-negative) variance. */
function topEigen(m: Matrix, k: number) {
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true })
  const values = evd.realEigenvalues
  const order = values.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0])
  const totalVar = values.reduce((a, v) => a + Math.max(0, v), 0)
  const top = order.slice(0, k)
  const perComponent = top.map(([v]) => (totalVar > 0 ? Math.max(0, v) / totalVar : 0))
  return { vectors: evd.eigenvectorMatrix, top, perComponent }
}

/**
 * PCA with fewer samples than features: the n × n Gram matrix of the centred rows has the same nonzero
 * eigenvalues as the covariance, and the projections are its eigenvectors scaled by √((n−1)λ).
 */
function dualPca(x: Float32Array | Uint8Array, n: number, d: number, k: number, scale: number, mean: Float64Array, progress: Progress) {
  const c = new Float64Array(n * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) c[i * d + j] = x[i * d + j] * scale - mean[j]
  const G = new Matrix(n, n)
  for (let a = 0; a < n; a++)
    for (let b = a; b < n; b++) {
      let s = 0
      for (let j = 0; j < d; j++) s += c[a * d + j] * c[b * d + j]
      s /= Math.max(1, n - 1)
      G.set(a, b, s)
      G.set(b, a, s)
    }
  progress(0.6, `eigen-decomposition of the ${n} × ${n} Gram matrix`)
  const { vectors, top, perComponent } = topEigen(G, k)
  const out = new Float32Array(n * k)
  top.forEach(([v, idx], comp) => {
    const f = Math.sqrt(Math.max(0, v) * Math.max(1, n - 1))
    for (let i = 0; i < n; i++) out[i * k + comp] = vectors.get(i, idx) * f
  })
  return { out, perComponent, varianceExplained: perComponent.reduce((a, b) => a + b, 0), eigenvalues: top.map(([v]) => v) }
}

export function applyTransform(src: Source, t: Transform, name: string | undefined, progress: Progress, search?: NeighbourSearch): Derived[] {
  const { info } = src
  const s = info.shape
  const n = s.n
  const d = features(s)
  const base = name ?? `${info.name} · ${t.op === 'pca' ? `PCA-${t.components}` : t.op}`
  const needClasses = () => {
    if (s.task !== 'classification') throw new InputError(`${t.op} needs a classification dataset; "${info.name}" is a regression dataset`)
  }
  switch (t.op) {
    case 'normalize':
    case 'standardize': {
      progress(0.1, 'per-feature statistics')
      const st = featureStats(src.x, n, d)
      const scale = src.x instanceof Uint8Array ? 1 / 255 : 1
      const out = new Float32Array(n * d)
      const a = new Float64Array(d)
      const b = new Float64Array(d)
      for (let j = 0; j < d; j++) {
        if (t.op === 'normalize') {
          const range = st.max[j] - st.min[j]
          a[j] = range > 0 ? 1 / range : 0
          b[j] = st.min[j]
        } else {
          a[j] = st.std[j] > 0 ? 1 / st.std[j] : 0
          b[j] = st.mean[j]
        }
      }
      progress(0.5, t.op === 'normalize' ? 'scaling to [0, 1]' : 'centring and scaling')
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (src.x[i * d + j] - b[j]) * a[j]
      const stats =
        t.op === 'normalize'
          ? { min: Array.from(st.min, (v) => v * scale), max: Array.from(st.max, (v) => v * scale) }
          : { mean: Array.from(st.mean, (v) => v * scale), std: Array.from(st.std, (v) => v * scale) }
      return [{ name: base, x: out, y: src.y, shape: { ...s, dtype: 'float32' }, classNames: info.classNames, details: d <= 4096 ? { stats } : {} }]
    }
    case 'flatten':
      return [{ name: base, x: src.x, y: src.y, shape: { ...s, sample: [d] }, classNames: info.classNames, details: { from: s.sample } }]
    case 'pca': {
      if (t.components > d) throw new InputError(`PCA to ${t.components} components: "${info.name}" has only ${d} features`)
      if (n < 2) throw new InputError('PCA needs at least 2 samples')
      const r = pca(src.x, n, d, t.components, progress)
      return [
        {
          name: base,
          x: r.out,
          y: src.y,
          shape: { ...s, sample: [t.components], dtype: 'float32' },
          classNames: info.classNames,
          details: { varianceExplained: r.varianceExplained, perComponent: r.perComponent, eigenvalues: r.eigenvalues, inputScale: src.x instanceof Uint8Array ? '1/255' : '1' }
        }
      ]
    }
    case 'subset': {
      needClasses()
      const k = s.classes ?? 0
      const map = new Int32Array(k).fill(-1)
      t.classes.forEach((c, i) => {
        if (c >= k) throw new InputError(`class ${c} does not exist: "${info.name}" has classes 0 … ${k - 1}`)
        if (map[c] !== -1) throw new InputError(`class ${c} is listed twice`)
        map[c] = i
      })
      const idx: number[] = []
      for (let i = 0; i < n; i++) if (map[src.y[i]] >= 0) idx.push(i)
      if (idx.length === 0) throw new InputError(`"${info.name}" has no samples of classes ${t.classes.join(', ')}`)
      const y = new Int32Array(idx.length)
      idx.forEach((r, i) => (y[i] = map[src.y[r]]))
      const picked = pick(src, idx, y)
      const names = t.classes.map((c) => info.classNames?.[c] ?? String(c))
      const nm = name ?? `${info.name} · classes ${names.join(', ')}`
      return [{ name: nm, x: picked.x, y, shape: { ...s, n: idx.length, classes: t.classes.length }, classNames: names, details: { originalClasses: t.classes } }]
    }
    case 'subsample': {
      if (t.n > n) throw new InputError(`cannot subsample ${t.n} of the ${n} samples of "${info.name}"`)
      const order = createRng(t.seed ?? 0).shuffle(Int32Array.from({ length: n }, (_, i) => i))
      const idx = order.subarray(0, t.n).sort()
      const picked = pick(src, idx)
      return [{ name: name ?? `${info.name} · ${t.n} samples`, ...picked, shape: { ...s, n: t.n }, classNames: info.classNames, details: { seed: t.seed ?? 0 } }]
    }
    case 'k-filter': {
      needClasses()
      if (!search) throw new InputError('k-filtering needs the neighbour search of the compute backend')
      const size = t.chunk > 0 ? Math.min(t.chunk, n) : n
      if (size <= t.k) throw new InputError(`k = ${t.k} needs chunks of more than ${t.k} samples`)
      // The search holds one chunk of float32 features on the backend (src-main/engine/compute/neighbours.ts, 1 GB at most).
      if (size * d > 256 * 1024 * 1024) throw new InputError(`neighbours over ${size} samples of ${d} features would need ${((size * d * 4) / 2 ** 30).toFixed(1)} GB at once; choose a chunk of at most ${Math.floor((256 * 1024 * 1024) / d)} samples`)
      // Chunks of a seeded shuffle, so each holds every class in proportion (the thesis ran its kNN on mini-batches).
      const order = createRng(t.seed ?? 0).shuffle(Int32Array.from({ length: n }, (_, i) => i))
      const shuffled = pick(src, order)
      progress(0.05, `nearest neighbours of ${n} samples${t.chunk > 0 ? ` in chunks of ${t.chunk}` : ''}`)
      const nb = search(shuffled.x, n, d, t.k, t.chunk, src.x instanceof Uint8Array ? 1 / 255 : 1)
      const keptAt = kFilterKeep(nb, t.k, shuffled.y, t.k)
      if (!keptAt.length) throw new InputError(`k = ${t.k} keeps no sample of "${info.name}": every neighbourhood is pure`)
      const idx = Int32Array.from(keptAt, (i) => order[i]).sort()
      const picked = pick(src, idx)
      const kept = idx.length / n
      return [
        {
          name: name ?? `${info.name} · k-filter k=${t.k}`,
          ...picked,
          shape: { ...s, n: idx.length },
          classNames: info.classNames,
          details: { k: t.k, chunk: t.chunk, seed: t.seed ?? 0, kept, keptSamples: idx.length, of: n }
        }
      ]
    }
    case 'split': {
      if (n < 2) throw new InputError('a split needs at least 2 samples')
      const sp = splitIndices(n, t.testFraction, t.seed ?? 0)
      const train = Int32Array.from(sp.train).sort()
      const test = Int32Array.from(sp.test).sort()
      const root = name ?? info.name
      const a = pick(src, train)
      const b = pick(src, test)
      return [
        { name: `${root} (train)`, ...a, shape: { ...s, n: train.length }, classNames: info.classNames, details: { part: 'train', seed: t.seed ?? 0, testFraction: t.testFraction } },
        { name: `${root} (test)`, ...b, shape: { ...s, n: test.length }, classNames: info.classNames, details: { part: 'test', seed: t.seed ?? 0, testFraction: t.testFraction } }
      ]
    }
  }
}
