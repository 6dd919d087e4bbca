/**
 * Canonical Huffman coding of quantised weights (Algorithms 1–2 of thesis ch. 3). The code is a function of the
 * histogram alone — lengths from the counts with deterministic tie-breaking, canonical codes from the lengths —
 * so a package carries the histogram P and the receiver rebuilds the same codebook. Codes are written MSB first
 * into a packed byte stream; decoding looks the next PRIMARY_BITS bits up in one table and walks the canonical
 * per-length ranges only for longer codes. Typed arrays throughout, nothing allocated per symbol.
 */
import type { Histogram } from './entropy'

/** Longest code; longer Huffman codes (only for very skewed histograms of millions of weights) are avoided by flattening the counts. */
export const MAX_CODE_LENGTH = 24
const PRIMARY_BITS = 11

export interface Codebook {
  /** The used bins, ascending (the histogram's symbols). */
  symbols: Uint32Array
  /** Code length of each used bin (0 when there is only one: it costs no bits). */
  lengths: Uint8Array
  /** Canonical code of each used bin. */
  codes: Uint32Array
  maxLength: number
}

/**
 * Huffman code lengths of the counts (all > 0). Ties: leaves sorted by (count, position), a leaf is taken before
 * an internal node of equal weight — the same lengths on every machine.
 */
export function huffmanLengths(counts: ArrayLike<number>, maxLength = MAX_CODE_LENGTH): Uint8Array {
  const k = counts.length
  const lengths = new Uint8Array(k)
  if (k <= 1) return lengths
  let weights = Float64Array.from(counts as ArrayLike<number>)
  for (let i = 0; i < k; i++) if (!(weights[i] > 0)) throw new Error(`Huffman counts must be positive, got ${counts[i]} at ${i}`)
  for (;;) {
    const longest = buildLengths(weights, lengths)
    if (longest <= maxLength) return lengths
    // Too deep: halve the counts (keeping every one ≥ 1) and build again; rarely more than one round.
    weights = weights.map((w) => Math.ceil(w / 2))
  }
}

function buildLengths(weights: Float64Array, lengths: Uint8Array): number {
  const k = weights.length
  const order = new Uint32Array(k)
  for (let i = 0; i < k; i++) order[i] = i
  order.sort((a, b) => weights[a] - weights[b] || a - b)
  // Two-queue construction: leaves in `order`, internal nodes k… appended in nondecreasing weight.
  const nodeWeight = new Float64Array(2 * k - 1)
  const parent = new Int32Array(2 * k - 1)
  for (let i = 0; i < k; i++) nodeWeight[i] = weights[i]
  let leaf = 0
  let internal = k
  let next = k
  const take = (): number => {
    if (leaf < k && (internal >= next || weights[order[leaf]] <= nodeWeight[internal])) return order[leaf++]
    return internal++
  }
  while (next < 2 * k - 1) {
    const a = take()
    const b = take()
    nodeWeight[next] = nodeWeight[a] + nodeWeight[b]
    parent[a] = next
    parent[b] = next
    next++
  }
  // Depths from the root (the last node) down: a parent always comes after its children.
  const depth = new Uint32Array(2 * k - 1)
  let longest = 0
  for (let n = 2 * k - 3; n >= 0; n--) {
    depth[n] = depth[parent[n]] + 1
    if (n < k && depth[n] > longest) longest = depth[n]
  }
  for (let i = 0; i < k; i++) lengths[i] = Math.min(255, depth[i])
  return longest
}

/** Canonical codes for lengths (in symbol order within a length, as DEFLATE assigns them). */
export function canonicalCodes(lengths: Uint8Array): { codes: Uint32Array; maxLength: number } {
  let maxLength = 0
  for (let i = 0; i < lengths.length; i++) if (lengths[i] > maxLength) maxLength = lengths[i]
  const perLength = new Uint32Array(maxLength + 1)
  for (let i = 0; i < lengths.length; i++) perLength[lengths[i]]++
  perLength[0] = 0
  const nextCode = new Uint32Array(maxLength + 2)
  for (let len = 1, code = 0; len <= maxLength; len++) {
    code = (code + perLength[len - 1]) << 1
    nextCode[len] = code
  }
  const codes = new Uint32Array(lengths.length)
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) codes[i] = nextCode[lengths[i]]++
  return { codes, maxLength }
}

/** The codebook of a histogram — the same one on both sides of a package. */
export function codebookOf(h: Histogram): Codebook {
  const lengths = huffmanLengths(h.counts)
  const { codes, maxLength } = canonicalCodes(lengths)
  return { symbols: h.symbols, lengths, codes, maxLength }
}

/** Huffman bits per parameter Σ p·len (exact for the histogram the codebook was built from). */
export function bitsPerSymbol(h: Histogram, book: Codebook): number {
  let total = 0
  let bits = 0
  for (let i = 0; i < h.counts.length; i++) {
    total += h.counts[i]
    bits += h.counts[i] * book.lengths[i]
  }
  return total ? bits / total : 0
}

/** Encode indices (every one a symbol of the codebook) into a packed MSB-first bit stream of exactly `bitLength` bits. */
export function huffmanEncode(indices: Uint32Array, book: Codebook): { bytes: Uint8Array; bitLength: number } {
  const { symbols, lengths, codes, maxLength } = book
  const n = indices.length
  if (maxLength === 0) {
    // One bin (or none): every index must be it, and costs no bits.
    for (let i = 0; i < n; i++) if (indices[i] !== symbols[0]) throw new Error(`index ${indices[i]} at ${i} is not in the codebook`)
    return { bytes: new Uint8Array(0), bitLength: 0 }
  }
  // Per bin id: code << 5 | length (0: not in the codebook), densely up to 2^16 ids, else by binary search.
  const last = symbols[symbols.length - 1]
  const dense = last < 1 << 16 ? new Uint32Array(last + 1) : null
  if (dense) for (let r = 0; r < symbols.length; r++) dense[symbols[r]] = (codes[r] << 5) | lengths[r]
  const entryOf = (s: number): number => {
    const r = searchRank(symbols, s)
    return r < 0 ? 0 : (codes[r] << 5) | lengths[r]
  }
  // Written into a buffer for the longest codes, returned trimmed to the bytes used.
  const buffer = new Uint8Array(Math.ceil((n * maxLength) / 8))
  // acc keeps the < 8 pending bits in its low end; at most 7 + MAX_CODE_LENGTH = 31 bits are live at once.
  let acc = 0
  let accBits = 0
  let pos = 0
  let bitLength = 0
  for (let i = 0; i < n; i++) {
    const s = indices[i]
    const entry = dense ? (s <= last ? dense[s] : 0) : entryOf(s)
    if (entry === 0) throw new Error(`index ${s} at ${i} is not in the codebook`)
    const len = entry & 31
    acc = (acc << len) | (entry >>> 5)
    accBits += len
    bitLength += len
    while (accBits >= 8) {
      accBits -= 8
      buffer[pos++] = acc >>> accBits
    }
  }
  if (accBits > 0) buffer[pos++] = acc << (8 - accBits)
  return { bytes: buffer.slice(0, pos), bitLength }
}

function searchRank(symbols: Uint32Array, s: number): number {
  let lo = 0
  let hi = symbols.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = symbols[mid]
    if (v < s) lo = mid + 1
    else if (v > s) hi = mid - 1
    else return mid
  }
  return -1
}

/** Decode `count` indices from a stream written by huffmanEncode with the same codebook (into `out` when given). */
export function huffmanDecode(bytes: Uint8Array, bitLength: number, count: number, book: Codebook, out?: Uint32Array): Uint32Array {
  const result = out ?? new Uint32Array(count)
  decodeInto(bytes, bitLength, count, book, book.symbols, result)
  return result
}

/**
 * Decode straight to values: the i-th decoded symbol's rank r writes `valueOfRank[r]` (the bin centres of
 * Algorithm 2, one table lookup instead of an index array and a second pass).
 */
export function huffmanDecodeValues<T extends Float32Array | Float64Array>(bytes: Uint8Array, bitLength: number, book: Codebook, valueOfRank: ArrayLike<number>, out: T): T {
  decodeInto(bytes, bitLength, out.length, book, valueOfRank, out)
  return out
}

function decodeInto(bytes: Uint8Array, bitLength: number, count: number, book: Codebook, valueOfRank: ArrayLike<number>, result: { length: number; [i: number]: number }): void {
  const { symbols, lengths, codes, maxLength } = book
  if (result.length !== count) throw new Error(`output buffer holds ${result.length} values, the package ${count}`)
  if (symbols.length === 0) {
    if (count > 0) throw new Error('an empty codebook cannot decode any value')
    return
  }
  if (maxLength === 0) {
    // One bin: no bits at all.
    if (bitLength !== 0) throw new Error(`a one-bin package has no stream, this one says ${bitLength} bits`)
    for (let i = 0; i < count; i++) result[i] = valueOfRank[0]
    return
  }
  if (bytes.length * 8 < bitLength) throw new Error(`the stream has ${bytes.length * 8} bits, the package says ${bitLength}`)
  const primary = Math.min(PRIMARY_BITS, maxLength)
  // Primary table: entry = rank << 5 | length for codes of ≤ primary bits; 0 marks a longer code's prefix.
  const table = new Uint32Array(1 << primary)
  // Canonical ranges for the longer codes: ranks sorted by (length, symbol), first code and first rank per length.
  const perLength = new Uint32Array(maxLength + 1)
  for (let r = 0; r < lengths.length; r++) perLength[lengths[r]]++
  const firstRank = new Uint32Array(maxLength + 2)
  for (let len = 1; len <= maxLength; len++) firstRank[len + 1] = firstRank[len] + perLength[len]
  const byLength = new Uint32Array(lengths.length)
  const fill = firstRank.slice()
  const firstCode = new Int32Array(maxLength + 1).fill(-1)
  for (let r = 0; r < lengths.length; r++) {
    const len = lengths[r]
    byLength[fill[len]++] = r
    if (firstCode[len] < 0) firstCode[len] = codes[r]
    if (len <= primary) {
      const shift = primary - len
      const start = codes[r] << shift
      const entry = (r << 5) | len
      for (let j = 0; j < 1 << shift; j++) table[start + j] = entry
    }
  }
  let buf = 0
  let bufBits = 0
  let pos = 0
  let consumed = 0
  const mask = (1 << primary) - 1
  for (let i = 0; i < count; i++) {
    // Refill to ≥ 25 bits (past the end: zeros); buf's live bits are its low `bufBits`, at most 32.
    while (bufBits <= 24) {
      buf = (buf << 8) | (pos < bytes.length ? bytes[pos] : 0)
      pos++
      bufBits += 8
    }
    const peek = (buf >>> (bufBits - primary)) & mask
    const entry = table[peek]
    let rank: number
    let len: number
    if (entry !== 0) {
      rank = entry >>> 5
      len = entry & 31
    } else {
      len = primary
      let code = peek
      rank = -1
      while (len < maxLength) {
        len++
        code = (code << 1) | ((buf >>> (bufBits - len)) & 1)
        const offset = code - firstCode[len]
        if (perLength[len] && offset >= 0 && offset < perLength[len]) {
          rank = byLength[firstRank[len] + offset]
          break
        }
      }
      if (rank < 0) throw new Error(`invalid code at bit ${consumed}`)
    }
    bufBits -= len
    consumed += len
    result[i] = valueOfRank[rank]
  }
  if (consumed !== bitLength) throw new Error(`decoding ${count} values read ${consumed} bits, the package says ${bitLength}`)
}
