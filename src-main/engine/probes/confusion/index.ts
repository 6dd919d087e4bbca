/**
 * The confusion probe (shared descriptor: src-shared/probes/confusion.ts): on the chosen split, the predicted
 * class (argmax of the network's inference outputs) against the true one, in chunks of CHUNK rows. Logs the
 * counts as a HeatmapPayload at 'confusion/matrix' (rows: true class, columns: predicted), the accuracy of
 * each class present in the split at 'confusion/accuracy/<class index>', and for image data an
 * ImageGridPayload of the first `maxImages` misclassified examples in split order at 'confusion/misclassified'.
 * Runs on targets other than class labels, and on one-output (sign) networks, are skipped.
 *
 * The split's rows are gathered once into chunk tensors when they fit in KEEP_VALUES floats (every split of
 * the lab's toy data and most stored ones); larger splits are gathered chunk by chunk at each due epoch, as
 * the trainer evaluates them, so memory stays bounded.
 */
import type { Tensor } from '@tensorflow/tfjs'
import type { z } from 'zod'
import type { HeatmapPayload, ImageGridPayload } from '../../../../src-shared/outputs/payloads'
import { confusionProbe, type confusionParams } from '../../../../src-shared/probes/confusion'
import { gather, type Source } from '../../training/data'
import { defineProbeImpl, PROBE_CHUNK as CHUNK } from '../context'

/** Inputs kept as tensors between probes up to this many values (32 MB of float32). */
const KEEP_VALUES = 8_000_000

const SPLIT_NAMES = { test: 'test', val: 'validation', train: 'training' } as const

/** Bytes (0–255) of one example: raw uint8 pixels as they are; scaled values in [0, 1] × 255, clamped. */
function exampleBytes(src: Source, row: number, out: Uint8Array, at: number): void {
  const base = row * src.dims
  if (src.x instanceof Uint8Array && src.scale === 1 / 255) {
    out.set(src.x.subarray(base, base + src.dims), at)
    return
  }
  for (let k = 0; k < src.dims; k++) out[at + k] = Math.max(0, Math.min(255, Math.round(src.x[base + k] * src.scale * 255)))
}

export default defineProbeImpl(confusionProbe, (pc) => {
  const { tf, network, data } = pc
  const p = pc.params as z.infer<typeof confusionParams>
  const src = data.source
  if (src.targets) return pc.skip('it needs class labels (this run trains on other targets)')
  if (network.accuracy === 'sign') return pc.skip('the network has one output whose sign is the class, not one output per class')
  const rows = p.split === 'test' ? data.test : p.split === 'val' ? data.val : data.trainEval
  const splitName = SPLIT_NAMES[p.split]
  if (!rows.length) return pc.skip(p.split === 'val' ? 'the run has no validation split (give the dataset a validation fraction)' : `the ${splitName} split is empty`)
  const k = src.classes
  const outputs = network.model.outputs[0]?.shape.at(-1)
  if (outputs !== k) return pc.skip(`the network has ${outputs} outputs for ${k} classes`)
  const names = src.classNames?.length === k ? src.classNames : Array.from({ length: k }, (_, c) => String(c))
  const truth = Int32Array.from(rows, (r) => src.labels[r])
  const [h, w, ch] = src.sample
  const images = src.sample.length === 3 && (ch === 1 || ch === 3) && p.maxImages > 0
  const inputs = (start: number, size: number) => tf.tensor(gather(src, rows, start, size).x, [size, ...src.sample])
  const kept: Tensor[] | null = rows.length * src.dims <= KEEP_VALUES ? [] : null
  for (let start = 0; kept && start < rows.length; start += CHUNK) kept.push(inputs(start, Math.min(CHUNK, rows.length - start)))

  return {
    run({ step }) {
      const predicted = new Int32Array(rows.length)
      for (let c = 0, start = 0; start < rows.length; c++, start += CHUNK) {
        if (pc.run.aborted) return false
        const size = Math.min(CHUNK, rows.length - start)
        const x = kept ? kept[c] : inputs(start, size)
        const argmax = tf.tidy(() => network.infer(x).argMax(1))
        if (!kept) x.dispose()
        predicted.set(argmax.dataSync(), start)
        argmax.dispose()
      }
      const counts = new Array<number>(k * k).fill(0)
      for (let i = 0; i < rows.length; i++) counts[truth[i] * k + predicted[i]]++
      const matrix: HeatmapPayload = {
        rows: k,
        cols: k,
        values: counts,
        rowLabels: names,
        colLabels: names,
        rowTitle: 'true class',
        colTitle: 'predicted class',
        format: 'count'
      }
      pc.run.logSeries(pc.key('matrix'), step, matrix)
      for (let t = 0; t < k; t++) {
        let total = 0
        for (let q = 0; q < k; q++) total += counts[t * k + q]
        if (total > 0) pc.run.log(pc.key(`accuracy/${t}`), step, counts[t * k + t] / total)
      }
      if (images) {
        const wrong: number[] = []
        for (let i = 0; i < rows.length; i++) if (predicted[i] !== truth[i]) wrong.push(i)
        const shown = wrong.slice(0, p.maxImages)
        const bytes = new Uint8Array(shown.length * src.dims)
        shown.forEach((i, j) => exampleBytes(src, rows[i], bytes, j * src.dims))
        const grid: ImageGridPayload = {
          shape: [h, w, ch],
          images: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
          captions: shown.map((i) => `${names[truth[i]]} → ${names[predicted[i]]}`),
          note: wrong.length ? `${shown.length} of ${wrong.length} misclassified ${splitName} images` : `no misclassified ${splitName} images`
        }
        pc.run.logSeries(pc.key('misclassified'), step, grid)
      }
    },
    dispose: () => tf.dispose(kept ?? [])
  }
})
