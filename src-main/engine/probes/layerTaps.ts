/**
 * The layers the representation probes (thesis ch. 5) read: layer 0 = the input, layer i = the output of the
 * i-th layer with weights (after its activation), the output layer last — one multi-output model over the
 * network's own layers, evaluated per chunk of rows in inference mode, each output flattened to [rows, features].
 */
import type { LayersModel, SymbolicTensor, Tensor, Tensor2D } from '@tensorflow/tfjs'
import type { tf as TF } from '../compute/backend'
import { weightedLayers } from './context'

export interface LayerTap {
  /** 0 = the input. */
  index: number
  /** 'input', 'dense1', 'conv2d1', 'output'. */
  label: string
  features: number
  layer: LayersModel['layers'][number] | null
}

export interface LayerTaps {
  taps: LayerTap[]
  /** Every tap's representation of a chunk of inputs, [rows, features] each (caller disposes, inside tf.tidy). */
  apply(x: Tensor): Tensor2D[]
}

const size = (shape: (number | null)[]) => shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1)

/** The taps of a model whose widths are at most `maxFeatures`; a string saying why when the layers cannot be read. */
export function layerTaps(tf: typeof TF, model: LayersModel, maxFeatures: number): LayerTaps | string {
  const weighted = weightedLayers(model)
  const all: LayerTap[] = [{ index: 0, label: 'input', features: size(model.inputs[0].shape), layer: null }, ...weighted.map((w, i) => ({ index: i + 1, label: w.label, features: size((w.layer.output as SymbolicTensor).shape), layer: w.layer }))]
  const taps = all.filter((t) => t.features <= maxFeatures)
  if (!taps.length) return `every layer is wider than ${maxFeatures} features`
  const hidden = taps.filter((t) => t.layer)
  let outputs: LayersModel | null = null
  if (hidden.length) {
    try {
      outputs = tf.model({ inputs: model.inputs, outputs: hidden.map((t) => t.layer!.output as SymbolicTensor) })
    } catch (err) {
      return `its layers' outputs cannot be read one by one (${(err as Error).message})`
    }
  }
  return {
    taps,
    apply(x) {
      const got = outputs ? outputs.apply(x, { training: false }) : []
      const outs = (Array.isArray(got) ? got : [got]) as Tensor[]
      let k = 0
      return taps.map((t) => (t.layer ? outs[k++] : x).reshape([x.shape[0], t.features]) as Tensor2D)
    }
  }
}

/** The one-hot labels of rows as a [rows, classes] tensor. */
export function oneHotRows(tf: typeof TF, labels: Int32Array, rows: readonly number[], start: number, count: number, classes: number): Tensor2D {
  const idx = Int32Array.from({ length: count }, (_, i) => labels[rows[start + i]])
  return tf.tidy(() => tf.oneHot(tf.tensor1d(idx, 'int32'), classes).toFloat() as Tensor2D)
}

/**
 * The representations of the chosen taps for every row of `chunks`, as row-major [rows, features] float32
 * arrays by tap index (one read-back per chunk); null when cancelled.
 */
export function readTaps(tf: typeof TF, taps: LayerTaps, chunks: { x: Tensor; size: number }[], chosen: readonly LayerTap[], aborted: () => boolean): Map<number, Float32Array> | null {
  const rows = chunks.reduce((s, c) => s + c.size, 0)
  const out = new Map(chosen.map((t) => [t.index, new Float32Array(rows * t.features)]))
  let offset = 0
  for (const c of chunks) {
    if (aborted()) return null
    const packed = tf.tidy(() => {
      const all = taps.apply(c.x)
      return tf.concat(taps.taps.flatMap((t, i) => (chosen.includes(t) ? [all[i].reshape([-1])] : [])))
    })
    const v = packed.dataSync()
    packed.dispose()
    let at = 0
    for (const t of chosen) {
      const len = c.size * t.features
      out.get(t.index)!.set(v.subarray(at, at + len), offset * t.features)
      at += len
    }
    offset += c.size
  }
  return out
}
