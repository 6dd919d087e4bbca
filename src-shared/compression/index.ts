/**
 * Weight compression of thesis ch. 3, pure (no tfjs): Algorithm 1 compresses one layer — range, entropy H of its
 * M-bit quantised weights on a sampled fraction F, bits N = ⌈H + c⌉, N-bit quantisation, histogram P, canonical
 * Huffman codebook, encoded stream — into a package; Algorithm 2 rebuilds the codebook from P, decodes and maps
 * back to bin centres.
 */
import { allocateBits, histogramOf, sampledEntropy, type Histogram } from './entropy'
import { bitsPerSymbol, codebookOf, huffmanDecodeValues, huffmanEncode } from './huffman'
import { dequantise, quantiseIndices, weightRange } from './quantise'

export * from './quantise'
export * from './entropy'
export * from './huffman'

/** What one layer sends at a synchronisation point: [N, w_min, w_max, P, bitstream length] and the stream itself. */
export interface LayerPackage {
  /** N: bits per weight of the quantisation. */
  bits: number
  min: number
  max: number
  /** Weights in the layer. */
  count: number
  /** P: the used bins and their counts; the receiver builds the same codebook from it. */
  histogram: Histogram
  bitLength: number
  bytes: Uint8Array
}

export interface CompressOptions {
  /** Bits of the quantisation the entropy is measured at. */
  M: number
  /** Fraction of the weights the entropy is estimated on. */
  F: number
  /** Floor: N = ⌈H + c⌉ with c ≤ N ≤ c + M. */
  c: number
  /** Seed of the entropy's sample. */
  seed: number
}

export interface CompressedLayer {
  package: LayerPackage
  /** The weights as the receiver decodes them (bin centres). */
  decoded: Float32Array
  /** The sampled entropy H the bits were allocated from. */
  entropy: number
  /** Bits per parameter before entropy coding: N. */
  rawBits: number
  /** Bits per parameter of the Huffman stream: Σ p·len. */
  huffmanBits: number
}

/** Algorithm 1 for one layer (and the receiver's decoded weights, decoded from the package itself). */
export function compressLayer(weights: ArrayLike<number>, opts: CompressOptions): CompressedLayer {
  const range = weightRange(weights)
  if (!range) throw new Error(weights.length ? 'cannot compress a layer with a non-finite weight (NaN or ±∞)' : 'cannot compress a layer with no weights')
  const entropy = sampledEntropy(weights, { M: opts.M, F: opts.F, seed: opts.seed, range })
  const bits = allocateBits(entropy, opts.c, opts.M)
  const { package: pkg, huffmanBits } = encodeLayer(weights, bits, range)
  return { package: pkg, decoded: decompressLayer(pkg), entropy, rawBits: bits, huffmanBits }
}

/** The second half of Algorithm 1 at given bits: quantise, histogram P, codebook, encode. */
export function encodeLayer(weights: ArrayLike<number>, bits: number, range = weightRange(weights)): { package: LayerPackage; huffmanBits: number } {
  if (!range) throw new Error(weights.length ? 'cannot compress a layer with a non-finite weight (NaN or ±∞)' : 'cannot compress a layer with no weights')
  const indices = quantiseIndices(weights, bits, range.min, range.max)
  const histogram = histogramOf(indices, bits)
  const book = codebookOf(histogram)
  const { bytes, bitLength } = huffmanEncode(indices, book)
  return { package: { bits, min: range.min, max: range.max, count: weights.length, histogram, bitLength, bytes }, huffmanBits: bitsPerSymbol(histogram, book) }
}

/** Algorithm 2: codebook from P, decode the stream straight to bin centres (into `out` when given). */
export function decompressLayer(pkg: LayerPackage, out?: Float32Array): Float32Array {
  const book = codebookOf(pkg.histogram)
  const centres = dequantise(pkg.histogram.symbols, pkg.bits, pkg.min, pkg.max, new Float64Array(pkg.histogram.symbols.length))
  return huffmanDecodeValues(pkg.bytes, pkg.bitLength, book, centres, out ?? new Float32Array(pkg.count))
}

/** Compression ratio of 32-bit floats sent as `bits` per parameter. */
export function compressionRatio(bits: number): number {
  return bits > 0 ? 32 / bits : Infinity
}
