/**
 * Bench section 11 (`--compression-only`): Algorithms 1–2 of thesis ch. 3 on the weights of the MLP
 * 784-392-50-10 (327 880 parameters, the thesis's network), drawn Gaussian with each layer's Glorot-normal
 * standard deviation: encode (range, quantise, histogram, codebook, Huffman stream) and decode (codebook from P,
 * stream, bin centres) of all layers at fixed N = 6…10, and compressLayer at the presets c = 5 / 6, M = 4,
 * F = 0.03 — the median of several rounds, with raw and Huffman bits per parameter.
 */
import { compressLayer, decompressLayer, encodeLayer, type LayerPackage } from '../../src-shared/compression'
import { createRng } from '../../src-shared/rng'

export interface CompressionRow {
  label: string
  rawBits: number
  huffmanBits: number
  encodeMs: number
  decodeMs: number
}

export interface CompressionFigures {
  parameters: number
  rounds: number
  rows: CompressionRow[]
}

const LAYERS: [number, number][] = [
  [784, 392],
  [392, 50],
  [50, 10]
]

function mlpWeights(seed: number): Float32Array[] {
  const rng = createRng(seed)
  return LAYERS.flatMap(([fanIn, fanOut]) => {
    const std = Math.sqrt(2 / (fanIn + fanOut))
    return [Float32Array.from({ length: fanIn * fanOut }, () => std * rng.normal()), Float32Array.from({ length: fanOut }, () => 0.01 * rng.normal())]
  })
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]

export function compressionFigures(opts: { quick: boolean; log: (msg: string) => void }): CompressionFigures {
  const layers = mlpWeights(1)
  const parameters = layers.reduce((n, l) => n + l.length, 0)
  const rounds = opts.quick ? 5 : 21
  const rows: CompressionRow[] = []
  const measure = (label: string, encode: (w: Float32Array, i: number) => { package: LayerPackage; huffmanBits: number }) => {
    const enc: number[] = []
    const dec: number[] = []
    let rawBits = 0
    let huffmanBits = 0
    const out = layers.map((l) => new Float32Array(l.length))
    // One warm-up round (JIT), then the measured ones.
    for (let r = 0; r <= rounds; r++) {
      let t = performance.now()
      const packages = layers.map((w, i) => encode(w, i))
      const e = performance.now() - t
      t = performance.now()
      packages.forEach((p, i) => decompressLayer(p.package, out[i]))
      const d = performance.now() - t
      if (r > 0) {
        enc.push(e)
        dec.push(d)
      }
      rawBits = packages.reduce((s, p) => s + p.package.bits * p.package.count, 0) / parameters
      huffmanBits = packages.reduce((s, p) => s + p.package.bitLength, 0) / parameters
    }
    const row = { label, rawBits, huffmanBits, encodeMs: median(enc), decodeMs: median(dec) }
    opts.log(`compression: ${label}: ${row.encodeMs.toFixed(2)} ms encode, ${row.decodeMs.toFixed(2)} ms decode, ${huffmanBits.toFixed(3)} bits/param`)
    rows.push(row)
  }
  for (let bits = 6; bits <= 10; bits++) measure(`N = ${bits}`, (w) => encodeLayer(w, bits))
  // compressLayer also decodes (the receiver's weights); its time is counted as encode here.
  for (const c of [5, 6]) measure(`c = ${c}, M = 4, F = 0.03`, (w, i) => compressLayer(w, { M: 4, F: 0.03, c, seed: i }))
  return { parameters, rounds, rows }
}

export function compressionReport(f: CompressionFigures): string[] {
  const out = [`11. Weight compression (thesis ch. 3): MLP 784-392-50-10, ${f.parameters} Gaussian (Glorot) weights, median of ${f.rounds} rounds`]
  out.push('   setting                   raw bits  Huffman bits  ratio (Huffman)  encode ms  decode ms')
  for (const r of f.rows) {
    out.push(
      `   ${r.label.padEnd(24)}  ${r.rawBits.toFixed(2).padStart(8)}  ${r.huffmanBits.toFixed(3).padStart(12)}  ${('×' + (32 / r.huffmanBits).toFixed(2)).padStart(15)}  ${r.encodeMs.toFixed(2).padStart(9)}  ${r.decodeMs.toFixed(2).padStart(9)}`
    )
  }
  out.push('   encode = range, quantise, histogram, codebook, stream (compressLayer: + sampled entropy and its own decode);')
  out.push('   decode = codebook from P, stream, bin centres into the layer\'s buffer; the raw bits of c/M rows are per-layer N, weighted')
  return out
}
