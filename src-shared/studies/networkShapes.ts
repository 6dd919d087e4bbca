/**
 * Shape inference for the `training` study's layer list — pure, so the engine (before it builds a network)
 * and the experiment form (to show shapes and errors while the user edits) give the same answer.
 *
 * Rules (mirrored exactly by the engine's network builder, src-main/engine/compute/network.ts):
 *  - An image sample [H, W, C] feeds conv2d / pooling layers directly; a flat sample [d] cannot.
 *  - A dense layer whose input is still an image (after conv/pool layers, or straight from an image
 *    dataset) gets an automatic flatten in front of it, unless the user put one there; so does the
 *    output layer (one unit per class) if the last hidden layer leaves an image.
 *  - conv2d and pooling cannot follow a flatten or dense layer (their input would be flat).
 *  - A kernel or pool window larger than its input (padding `valid`), or a shape collapsing to 0, is an
 *    error naming the layer (1-based, as the form numbers them).
 * Output sizes follow TensorFlow: valid → ⌈(n − k + 1) / s⌉, same → ⌈n / s⌉.
 */
import type { Activation, Layer, LayerType } from '../network/layers'

export type { Layer, LayerType } from '../network/layers'

/** A layer with every field the shape inference reads (fields its type does not have are unused). */
export interface ResolvedLayer {
  type: LayerType
  units: number
  activation: Activation
  filters: number
  kernelSize: number
  strides: number
  padding: 'valid' | 'same'
  poolSize: number
  rate: number
}

export function resolveLayer(l: Layer): ResolvedLayer {
  const a = l as Partial<ResolvedLayer> & { type: LayerType }
  return {
    type: l.type,
    units: a.units ?? 0,
    activation: a.activation ?? 'linear',
    filters: a.filters ?? 0,
    kernelSize: a.kernelSize ?? 0,
    strides: a.strides ?? 1,
    padding: a.padding ?? 'valid',
    poolSize: a.poolSize ?? 0,
    rate: a.rate ?? 0
  }
}

/** One layer of the built network, in order: the user's layers plus the automatic flattens and the output layer. */
export interface ShapedLayer {
  /** Index in the user's layer list (0-based); null for an automatic flatten or the output layer. */
  index: number | null
  type: LayerType
  /** An automatic flatten, inserted before a dense layer whose input is an image. */
  auto: boolean
  /** The output layer (one unit per class), added by the study. */
  output: boolean
  input: number[]
  outputShape: number[]
  /** Parameters (weights, biases; batch-norm counts its 2 trainable and 2 moving statistics per channel). */
  params: number
}

export type NetworkShapes =
  | { ok: true; layers: ShapedLayer[]; params: number; outputShape: number[] }
  | { ok: false; /** 0-based index into the user's layers (null: the input itself). */ layerIndex: number | null; message: string; layers: ShapedLayer[] }

const fmt = (s: number[]) => (s.length === 3 ? `${s[0]}×${s[1]}×${s[2]}` : `[${s.join(', ')}]`)

export function windowOutput(n: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s)
}

/**
 * Shapes of every layer for samples of shape `input` ([d] or [H, W, C]) and `outputUnits` classes.
 * Never throws: an invalid stack gives `ok: false` with a message naming the layer.
 */
export function inferNetworkShapes(layers: Layer[], input: number[], outputUnits: number): NetworkShapes {
  const out: ShapedLayer[] = []
  const fail = (layerIndex: number | null, message: string): NetworkShapes => ({ ok: false, layerIndex, message, layers: out })
  if (!(input.length === 1 || input.length === 3) || input.some((d) => !Number.isInteger(d) || d < 1)) {
    return fail(null, `input samples of shape ${fmt(input)} are neither flat vectors [d] nor images [H, W, C]`)
  }
  let shape = input.slice()
  const flattenIfImage = () => {
    if (shape.length !== 3) return
    const flat = [shape[0] * shape[1] * shape[2]]
    out.push({ index: null, type: 'flatten', auto: true, output: false, input: shape, outputShape: flat, params: 0 })
    shape = flat
  }
  for (let i = 0; i < layers.length; i++) {
    const l = resolveLayer(layers[i])
    const name = `layer ${i + 1} (${l.type})`
    const push = (next: number[], params: number) => {
      out.push({ index: i, type: l.type, auto: false, output: false, input: shape, outputShape: next, params })
      shape = next
    }
    switch (l.type) {
      case 'dense': {
        flattenIfImage()
        push([l.units], shape[0] * l.units + l.units)
        break
      }
      case 'conv2d':
      case 'maxpool2d':
      case 'avgpool2d': {
        if (shape.length !== 3) {
          const after = out.length ? `it follows a ${out.at(-1)!.type} layer, so its input is flat ${fmt(shape)}` : `the dataset's samples are flat vectors ${fmt(shape)}`
          return fail(i, `${name} needs an image input [H, W, C], but ${after}; put conv and pooling layers before the first flatten or dense layer, on an image dataset`)
        }
        const [h, w, c] = shape
        const conv = l.type === 'conv2d'
        const k = conv ? l.kernelSize : l.poolSize
        const what = conv ? `kernel ${k}×${k}` : `pool window ${k}×${k}`
        if (l.padding === 'valid' && (k > h || k > w)) {
          return fail(i, `${name}: ${what} is larger than its input ${fmt(shape)}; use a smaller ${conv ? 'kernelSize' : 'poolSize'}, padding 'same', or fewer layers before it`)
        }
        const oh = windowOutput(h, k, l.strides, l.padding)
        const ow = windowOutput(w, k, l.strides, l.padding)
        if (oh < 1 || ow < 1) {
          return fail(i, `${name}: the output would be ${Math.max(oh, 0)}×${Math.max(ow, 0)} (input ${fmt(shape)}, ${what}, strides ${l.strides}, padding ${l.padding})`)
        }
        const channels = conv ? l.filters : c
        push([oh, ow, channels], conv ? k * k * c * l.filters + l.filters : 0)
        break
      }
      case 'flatten': {
        push([shape.reduce((a, b) => a * b, 1)], 0)
        break
      }
      case 'dropout': {
        push(shape.slice(), 0)
        break
      }
      case 'batchnorm': {
        push(shape.slice(), 4 * shape[shape.length - 1])
        break
      }
    }
  }
  flattenIfImage()
  out.push({ index: null, type: 'dense', auto: false, output: true, input: shape, outputShape: [outputUnits], params: shape[0] * outputUnits + outputUnits })
  return { ok: true, layers: out, params: out.reduce((a, l) => a + l.params, 0), outputShape: [outputUnits] }
}
