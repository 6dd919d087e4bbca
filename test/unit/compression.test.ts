/**
 * The maths of thesis ch. 3 (src-shared/compression): entropy of known histograms, the N-bit quantisation's
 * index and decoding bounds, canonical Huffman on hand-built and random inputs (bit-exact round trips, Σ p·len
 * within [H, H + 1)), the bit allocation's clamps, and compressLayer / decompressLayer end to end.
 */
import { describe, expect, test } from 'vitest'
import {
  allocateBits,
  bitsPerSymbol,
  canonicalCodes,
  codebookOf,
  compressionRatio,
  compressLayer,
  decompressLayer,
  dequantise,
  entropyBits,
  histogramOf,
  huffmanDecode,
  huffmanEncode,
  huffmanLengths,
  quantiseIndices,
  quantiseLayer,
  sampledEntropy,
  weightRange
} from '../../src-shared/compression'
import { createRng } from '../../src-shared/rng'

const gaussian = (n: number, seed: number, std = 0.1) => {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => std * rng.normal())
}

describe('entropy', () => {
  test('uniform over 16 bins is 4 bits, one bin 0, and a hand-computed case', () => {
    expect(entropyBits(new Array(16).fill(5))).toBeCloseTo(4, 12)
    expect(entropyBits([7])).toBe(0)
    expect(entropyBits([0, 9, 0])).toBe(0)
    expect(entropyBits([])).toBe(0)
    // p = 1/2, 1/4, 1/8, 1/8: 1/2·1 + 1/4·2 + 2·1/8·3 = 1.75 bits.
    expect(entropyBits([4, 2, 1, 1])).toBeCloseTo(1.75, 12)
    // p = 1/3, 2/3: log2 3 − 2/3.
    expect(entropyBits([1, 2])).toBeCloseTo(Math.log2(3) - 2 / 3, 12)
  })

  test('histogramOf counts the used bins, densely and (N > 16) by sorting, alike', () => {
    const idx = Uint32Array.from([3, 1, 3, 3, 0, 1])
    expect(histogramOf(idx, 2)).toEqual({ symbols: Uint32Array.from([0, 1, 3]), counts: Uint32Array.from([1, 2, 3]) })
    const wide = Uint32Array.from([70000, 5, 70000, 1 << 29, 5, 5])
    expect(histogramOf(wide, 30)).toEqual({ symbols: Uint32Array.from([5, 70000, 1 << 29]), counts: Uint32Array.from([3, 2, 1]) })
    const rng = createRng(4)
    const small = Uint32Array.from({ length: 5000 }, () => rng.int(1000))
    expect(histogramOf(small, 17)).toEqual(histogramOf(small, 10))
  })

  test('sampled entropy: F = 1 is the exact layer entropy; the sample is seeded; at most M bits', () => {
    const w = gaussian(20_000, 1)
    const r = weightRange(w)!
    const exact = entropyBits(histogramOf(quantiseIndices(w, 4, r.min, r.max), 4).counts)
    expect(sampledEntropy(w, { M: 4, F: 1, seed: 9 })).toBe(exact)
    const a = sampledEntropy(w, { M: 4, F: 0.03, seed: 9 })
    expect(sampledEntropy(w, { M: 4, F: 0.03, seed: 9 })).toBe(a)
    expect(sampledEntropy(w, { M: 4, F: 0.03, seed: 10 })).not.toBe(a)
    // 600 samples of 16 bins estimate the entropy to within a few tenths of a bit.
    expect(Math.abs(a - exact)).toBeLessThan(0.2)
    expect(a).toBeGreaterThan(0)
    expect(a).toBeLessThanOrEqual(4)
    expect(sampledEntropy(new Float32Array(50).fill(0.3), { M: 4, F: 0.1, seed: 1 })).toBe(0)
    expect(sampledEntropy(Float32Array.from([1, NaN]), { M: 4, F: 1, seed: 1 })).toBeNaN()
    expect(() => sampledEntropy(w, { M: 4, F: 0, seed: 1 })).toThrow(/fraction must be in \(0, 1\]/)
  })
})

describe('fixed N-bit quantisation', () => {
  test('the endpoints map to 0 and 2^N − 1; every decoded value is within half a bin of its input, for N = 1…30', () => {
    const w = Float64Array.from(gaussian(3000, 2))
    const { min, max } = weightRange(w)!
    for (let bits = 1; bits <= 30; bits++) {
      const idx = quantiseIndices(w, bits, min, max)
      expect(idx[w.indexOf(min)], `N=${bits}`).toBe(0)
      expect(idx[w.indexOf(max)], `N=${bits}`).toBe(2 ** bits - 1)
      expect(Math.max(...idx), `N=${bits}`).toBe(2 ** bits - 1)
      const decoded = dequantise(idx, bits, min, max, new Float64Array(w.length))
      const half = (max - min) / 2 ** (bits + 1)
      let worst = 0
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(decoded[i] - w[i]))
      expect(worst, `N=${bits}`).toBeLessThanOrEqual(half * (1 + 1e-9))
    }
  })

  test('bin edges and centres by hand: [0, 1] at 2 bits', () => {
    const idx = quantiseIndices([0, 0.24, 0.25, 0.5, 0.74, 0.75, 1], 2, 0, 1)
    expect(Array.from(idx)).toEqual([0, 0, 1, 2, 2, 3, 3])
    expect(Array.from(dequantise(idx, 2, 0, 1, new Float64Array(7)))).toEqual([0.125, 0.125, 0.375, 0.625, 0.625, 0.875, 0.875])
    // Outside the range: clamped.
    expect(Array.from(quantiseIndices([-3, 7], 3, 0, 1))).toEqual([0, 7])
  })

  test('w_min = w_max: one bin, decoded exactly; bad bits are refused', () => {
    const same = new Float32Array(10).fill(-0.75)
    expect(Array.from(quantiseIndices(same, 8, -0.75, -0.75))).toEqual(new Array(10).fill(0))
    expect(Array.from(quantiseLayer(same, 8))).toEqual(Array.from(same))
    expect(() => quantiseIndices(same, 31, 0, 1)).toThrow(/bits must be an integer from 1 to 30/)
    expect(() => quantiseIndices(same, 0, 0, 1)).toThrow(/from 1 to 30/)
    expect(() => quantiseLayer(Float32Array.from([1, Infinity]), 4)).toThrow(/non-finite/)
  })
})

describe('Huffman', () => {
  test('known code lengths: frequencies 1, 1, 2, 4 → 3, 3, 2, 1; canonical codes by (length, symbol)', () => {
    expect(Array.from(huffmanLengths([1, 1, 2, 4]))).toEqual([3, 3, 2, 1])
    expect(Array.from(huffmanLengths([4, 2, 1, 1]))).toEqual([1, 2, 3, 3])
    expect(Array.from(huffmanLengths([5, 5]))).toEqual([1, 1])
    expect(Array.from(huffmanLengths([3, 3, 3, 3]))).toEqual([2, 2, 2, 2])
    expect(Array.from(huffmanLengths([9]))).toEqual([0])
    // Ties are broken the same way however the counts are listed: lengths follow the counts.
    expect(Array.from(huffmanLengths([2, 1, 1, 2, 1, 1]))).toEqual([2, 3, 3, 2, 3, 3])
    const { codes, maxLength } = canonicalCodes(Uint8Array.from([3, 3, 2, 1]))
    expect(maxLength).toBe(3)
    expect(Array.from(codes)).toEqual([0b110, 0b111, 0b10, 0b0])
  })

  test('a hand-built stream: symbols 0 1 2 3 with lengths 3 3 2 1 pack MSB first', () => {
    const h = { symbols: Uint32Array.from([0, 1, 2, 3]), counts: Uint32Array.from([1, 1, 2, 4]) }
    const book = codebookOf(h)
    const idx = Uint32Array.from([3, 3, 2, 0, 3, 1, 2, 3])
    const { bytes, bitLength } = huffmanEncode(idx, book)
    // 0 0 10 110 0 111 10 0 → 00101100 11110 0(pad 00)
    expect(bitLength).toBe(14)
    expect(Array.from(bytes)).toEqual([0b00101100, 0b11110000])
    expect(Array.from(huffmanDecode(bytes, bitLength, idx.length, book))).toEqual(Array.from(idx))
    expect(bitsPerSymbol(h, book)).toBe(14 / 8)
  })

  test('random inputs round-trip bit-exactly, and Σ p·len lies in [H, H + 1)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rng = createRng(seed)
      const bits = 1 + rng.int(14)
      const n = 1 + rng.int(4000)
      // Skewed (Gaussian-like) or uniform indices, sometimes over very few symbols.
      const spread = rng.next() < 0.5 ? 2 ** bits : 1 + rng.int(4)
      const top = 2 ** bits - 1
      const idx = Uint32Array.from({ length: n }, () => Math.min(top, Math.max(0, Math.round(top / 2 + (spread / 6) * rng.normal()))))
      const h = histogramOf(idx, bits)
      const book = codebookOf(h)
      const { bytes, bitLength } = huffmanEncode(idx, book)
      expect(huffmanDecode(bytes, bitLength, n, book), `seed ${seed}`).toEqual(idx)
      const H = entropyBits(h.counts)
      const L = bitsPerSymbol(h, book)
      expect(L, `seed ${seed}`).toBeGreaterThanOrEqual(H - 1e-12)
      expect(L, `seed ${seed}`).toBeLessThan(H + 1)
      expect(bitLength).toBe(Math.round(L * n))
    }
  })

  test('single- and two-symbol alphabets; long codes past the decode table; wide bins (N = 30)', () => {
    const one = new Uint32Array(100).fill(7)
    const b1 = codebookOf(histogramOf(one, 4))
    const e1 = huffmanEncode(one, b1)
    expect(e1.bitLength).toBe(0)
    expect(e1.bytes.length).toBe(0)
    expect(huffmanDecode(e1.bytes, 0, 100, b1)).toEqual(one)

    const two = Uint32Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? 2 : 9))
    const b2 = codebookOf(histogramOf(two, 4))
    expect(Array.from(b2.lengths)).toEqual([1, 1])
    const e2 = huffmanEncode(two, b2)
    expect(e2.bitLength).toBe(37)
    expect(huffmanDecode(e2.bytes, e2.bitLength, 37, b2)).toEqual(two)

    // Fibonacci-like counts give codes up to 20 bits, beyond the 11-bit primary table.
    const fib = [1, 1]
    while (fib.length < 21) fib.push(fib.at(-1)! + fib.at(-2)!)
    const idx = Uint32Array.from(fib.flatMap((c, s) => new Array(c).fill(s)))
    createRng(3).shuffle(idx)
    const h = histogramOf(idx, 5)
    const book = codebookOf(h)
    expect(book.maxLength).toBe(20)
    const e = huffmanEncode(idx, book)
    expect(huffmanDecode(e.bytes, e.bitLength, idx.length, book)).toEqual(idx)

    // Skewed beyond MAX_CODE_LENGTH (27 Fibonacci counts: a 26-bit Huffman code): counts are flattened until
    // no code is longer than 24 bits, and the stream still round-trips.
    while (fib.length < 27) fib.push(fib.at(-1)! + fib.at(-2)!)
    expect(Math.max(...huffmanLengths(fib, 64))).toBe(26)
    const deepIdx = Uint32Array.from(fib.flatMap((c, s) => new Array(c).fill(s)))
    createRng(4).shuffle(deepIdx)
    const deepH = histogramOf(deepIdx, 5)
    const deepBook = codebookOf(deepH)
    expect(deepBook.maxLength).toBeLessThanOrEqual(24)
    expect(deepBook.maxLength).toBeGreaterThan(11)
    const ed = huffmanEncode(deepIdx, deepBook)
    expect(huffmanDecode(ed.bytes, ed.bitLength, deepIdx.length, deepBook)).toEqual(deepIdx)
    expect(bitsPerSymbol(deepH, deepBook)).toBeLessThan(entropyBits(deepH.counts) + 1)

    const rng = createRng(8)
    const wide = Uint32Array.from({ length: 3000 }, () => rng.int(2 ** 30))
    const bw = codebookOf(histogramOf(wide, 30))
    const ew = huffmanEncode(wide, bw)
    expect(huffmanDecode(ew.bytes, ew.bitLength, wide.length, bw)).toEqual(wide)
  })

  test('a corrupt or short stream is refused with a message', () => {
    // 14 bits in two bytes (the hand-built stream above).
    const idx = Uint32Array.from([3, 3, 2, 0, 3, 1, 2, 3])
    const book = codebookOf(histogramOf(idx, 2))
    const { bytes, bitLength } = huffmanEncode(idx, book)
    expect(() => huffmanDecode(bytes.subarray(0, 1), bitLength, idx.length, book)).toThrow(/the stream has 8 bits, the package says 14/)
    expect(() => huffmanDecode(bytes, bitLength + 1, idx.length, book)).toThrow(/read 14 bits, the package says 15/)
    expect(() => huffmanEncode(Uint32Array.from([1, 5]), codebookOf(histogramOf(Uint32Array.from([1, 2]), 3)))).toThrow(/index 5 at 1 is not in the codebook/)
  })
})

describe('bit allocation', () => {
  test('N = ⌈H + c⌉ clamped to c ≤ N ≤ c + M', () => {
    expect(allocateBits(0, 6, 4)).toBe(6)
    expect(allocateBits(0.01, 6, 4)).toBe(7)
    expect(allocateBits(2.3, 5, 4)).toBe(8)
    expect(allocateBits(3, 5, 4)).toBe(8)
    expect(allocateBits(3 + 1e-13, 5, 4)).toBe(8)
    expect(allocateBits(4, 6, 4)).toBe(10)
    expect(allocateBits(7.5, 6, 4)).toBe(10)
    expect(allocateBits(-1, 6, 4)).toBe(6)
    expect(() => allocateBits(1, 0, 4)).toThrow(/floor c must be a whole number of bits ≥ 1/)
    expect(() => allocateBits(1, 28, 4)).toThrow(/c \+ M must be an integer from 1 to 30/)
    expect(() => allocateBits(NaN, 5, 4)).toThrow(/cannot allocate bits/)
  })
})

describe('compressLayer / decompressLayer (Algorithms 1–2)', () => {
  test('a Gaussian layer: N from the sampled entropy, the package decodes to the bin centres, bits as measured', () => {
    const w = gaussian(50_000, 5)
    const out = compressLayer(w, { M: 4, F: 0.03, c: 5, seed: 1 })
    const { package: pkg } = out
    expect(out.rawBits).toBe(allocateBits(out.entropy, 5, 4))
    expect(pkg.bits).toBe(out.rawBits)
    expect(pkg.count).toBe(w.length)
    expect(pkg.min).toBe(Math.min(...w))
    expect(pkg.max).toBe(Math.max(...w))
    expect(out.decoded).toEqual(quantiseLayer(w, pkg.bits))
    expect(decompressLayer(pkg)).toEqual(out.decoded)
    expect(out.huffmanBits).toBeCloseTo(pkg.bitLength / w.length, 12)
    // The Huffman stream is within a bit of the entropy of the N-bit histogram, below the raw N bits.
    const H = entropyBits(pkg.histogram.counts)
    expect(out.huffmanBits).toBeGreaterThanOrEqual(H)
    expect(out.huffmanBits).toBeLessThan(Math.min(H + 1, out.rawBits))
    expect(compressionRatio(out.huffmanBits)).toBeGreaterThan(32 / out.rawBits)
  })

  test('a constant layer costs no bits and decodes exactly; bad layers are refused', () => {
    const zeros = new Float32Array(64)
    const out = compressLayer(zeros, { M: 4, F: 0.03, c: 6, seed: 2 })
    expect(out.entropy).toBe(0)
    expect(out.rawBits).toBe(6)
    expect(out.huffmanBits).toBe(0)
    expect(out.package.bitLength).toBe(0)
    expect(out.decoded).toEqual(zeros)
    expect(() => compressLayer(Float32Array.from([0, NaN]), { M: 4, F: 1, c: 6, seed: 1 })).toThrow(/non-finite weight/)
    expect(() => compressLayer(new Float32Array(0), { M: 4, F: 1, c: 6, seed: 1 })).toThrow(/no weights/)
    expect(compressionRatio(0)).toBe(Infinity)
    expect(compressionRatio(8)).toBe(4)
  })
})
