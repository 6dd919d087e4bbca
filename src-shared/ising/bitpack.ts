/**
 * Bit-packed ±1 spin configurations and their first/second moments (effective-model study). Layout matches
 * the weight collections (collection.ts): ceil(n/32) little-endian uint32 words per configuration, bit k of word
 * w is spin 32w+k, bit 1 = spin +1.
 */

export interface PackedConfigs {
  n: number
  count: number
  wordsPerConfig: number
  /** Config c's words at c*wordsPerConfig. */
  bits: Uint32Array
}

export function packSpins(spins: Int8Array | ArrayLike<number>): Uint32Array {
  const n = spins.length
  const out = new Uint32Array((n + 31) >>> 5)
  for (let i = 0; i < n; i++) if (spins[i] > 0) out[i >>> 5] |= 1 << (i & 31)
  return out
}

export function unpackSpins(words: Uint32Array, n: number): Int8Array {
  const out = new Int8Array(n)
  for (let i = 0; i < n; i++) out[i] = (words[i >>> 5] >>> (i & 31)) & 1 ? 1 : -1
  return out
}

export function packedFromRows(rows: Uint32Array[], n: number): PackedConfigs {
  const W = (n + 31) >>> 5
  const bits = new Uint32Array(rows.length * W)
  rows.forEach((r, c) => {
    if (r.length < W) throw new Error(`row ${c} has ${r.length} words, need ${W}`)
    bits.set(r.subarray(0, W), c * W)
  })
  // Padding bits beyond n must not leak into anything, so clear them.
  if (n & 31) {
    const mask = (1 << (n & 31)) - 1
    for (let c = 0; c < rows.length; c++) bits[c * W + W - 1] &= mask
  }
  return { n, count: rows.length, wordsPerConfig: W, bits }
}

/** Spin i's value in config c as ±1. */
const spinAt = (d: PackedConfigs, c: number, i: number) => ((d.bits[c * d.wordsPerConfig + (i >>> 5)] >>> (i & 31)) & 1 ? 1 : -1)

/**
 * Transpose to per-spin bitsets over configurations: spin i's column at i*colWords, bit c = config c has +1.
 * Padding bits (configs ≥ count) stay 0 in every column, so they cancel in XORs.
 */
export function spinColumns(data: PackedConfigs): { cols: Uint32Array; colWords: number } {
  const { n, count, wordsPerConfig: W, bits } = data
  const colWords = (count + 31) >>> 5
  const cols = new Uint32Array(n * colWords)
  for (let c = 0; c < count; c++) {
    const cw = c >>> 5
    const cb = 1 << (c & 31)
    const base = c * W
    for (let w = 0; w < W; w++) {
      let word = bits[base + w]
      // Visit only the set bits: ~half the spins on average.
      while (word !== 0) {
        const k = 31 - Math.clz32(word & -word)
        word &= word - 1
        const i = (w << 5) + k
        if (i < n) cols[i * colWords + cw] |= cb
      }
    }
  }
  return { cols, colWords }
}

/** Popcount of a uint32 (SWAR bit tricks). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}

/** Sum of the 4 byte lanes of a (each ≤ 255; the total can exceed 255, so no multiply trick). */
const foldLanes = (a: number) => {
  a = (a & 0x00ff00ff) + ((a >>> 8) & 0x00ff00ff)
  return (a & 0xffff) + (a >>> 16)
}

/**
 * m_i = ⟨σ_i⟩ and C_ij = ⟨σ_iσ_j⟩ (n×n, C_ii = 1) by popcount on spin columns:
 * ⟨σ_iσ_j⟩ = (M − 2·popcount(col_i ⊕ col_j))/M.
 */
export function spinMoments(data: PackedConfigs): { m: Float64Array; C: Float64Array } {
  const { n, count: M } = data
  const { cols, colWords: CW } = spinColumns(data)
  const m = new Float64Array(n)
  const C = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    let p = 0
    for (let w = 0, o = i * CW; w < CW; w++) p += popcount32(cols[o + w])
    m[i] = (2 * p - M) / M
    C[i * n + i] = 1
  }
  // 4 columns i against one j per pass: each word of col_j is loaded once for 4 XORs. Popcounts are summed
  // per byte lane (≤ 8 per lane per word) and folded every 31 words (a lane stays ≤ 248 < 256).
  for (let j = 1; j < n; j++) {
    const oj = j * CW
    let i = 0
    for (; i + 4 <= j; i += 4) {
      const o0 = i * CW, o1 = o0 + CW, o2 = o1 + CW, o3 = o2 + CW
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0
      for (let w0 = 0; w0 < CW; w0 += 31) {
        const wEnd = Math.min(CW, w0 + 31)
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0
        for (let w = w0; w < wEnd; w++) {
          const b = cols[oj + w]
          let x = cols[o0 + w] ^ b
          x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); a0 += (x + (x >>> 4)) & 0x0f0f0f0f
          x = cols[o1 + w] ^ b
          x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); a1 += (x + (x >>> 4)) & 0x0f0f0f0f
          x = cols[o2 + w] ^ b
          x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); a2 += (x + (x >>> 4)) & 0x0f0f0f0f
          x = cols[o3 + w] ^ b
          x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); a3 += (x + (x >>> 4)) & 0x0f0f0f0f
        }
        t0 += foldLanes(a0)
        t1 += foldLanes(a1)
        t2 += foldLanes(a2)
        t3 += foldLanes(a3)
      }
      const c0 = (M - 2 * t0) / M, c1 = (M - 2 * t1) / M, c2 = (M - 2 * t2) / M, c3 = (M - 2 * t3) / M
      C[i * n + j] = C[j * n + i] = c0
      C[(i + 1) * n + j] = C[j * n + i + 1] = c1
      C[(i + 2) * n + j] = C[j * n + i + 2] = c2
      C[(i + 3) * n + j] = C[j * n + i + 3] = c3
    }
    for (; i < j; i++) {
      const oi = i * CW
      let t = 0
      for (let w = 0; w < CW; w++) t += popcount32(cols[oi + w] ^ cols[oj + w])
      C[i * n + j] = C[j * n + i] = (M - 2 * t) / M
    }
  }
  return { m, C }
}

/** Reference implementation (direct loops over configurations), for tests. */
export function spinMomentsPlain(data: PackedConfigs): { m: Float64Array; C: Float64Array } {
  const { n, count: M } = data
  const m = new Float64Array(n)
  const C = new Float64Array(n * n)
  const s = new Float64Array(n)
  for (let c = 0; c < M; c++) {
    for (let i = 0; i < n; i++) s[i] = spinAt(data, c, i)
    for (let i = 0; i < n; i++) {
      m[i] += s[i]
      for (let j = 0; j < n; j++) C[i * n + j] += s[i] * s[j]
    }
  }
  for (let i = 0; i < n; i++) m[i] /= M
  for (let k = 0; k < n * n; k++) C[k] /= M
  return { m, C }
}

/** Connected correlations C_ij − m_i m_j for i < j, flattened row by row. */
export function connectedCorrelations(m: Float64Array, C: Float64Array, n: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2)
  let k = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = C[i * n + j] - m[i] * m[j]
  return out
}
