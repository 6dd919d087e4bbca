/**
 * The `training` study's network from its layer list: dense, conv2d, max/avg pooling, flatten, dropout and
 * batch-norm, seeded and deterministic. The stack is checked first by the shared shape inference
 * (src-shared/studies/networkShapes.ts) — the same function the experiment form calls — so an invalid stack
 * fails with a message naming the layer, and the built model follows exactly the shapes the form showed:
 *  - an image sample [H, W, C] feeds conv/pool layers directly;
 *  - a dense layer (or the output layer) whose input is still an image gets an automatic flatten in front of
 *    it, unless the user put one there (inferNetworkShapes reports these as `auto` layers).
 * Weights: Glorot-uniform seeded per user layer (`init/<index>`) and for the output layer (`init/out`),
 * biases zero — a dense-only list builds exactly the MLP `buildMlp` always built, so toy runs keep their numbers.
 * Dropout draws a new seeded mask per training call (`dropout/<index>/<call>`), so runs are reproducible.
 * Batch-norm normalises, then applies the layer's activation (linear = none).
 */
import { deriveSeed } from '../../../src-shared/rng'
import { inferNetworkShapes, resolveLayer, type Layer } from '../../../src-shared/studies/networkShapes'
import type { Activation } from '../../../src-shared/studies/training'
import type { tf as TF } from './backend'

/** tfjs activation per lab activation. CELU uses α = 1, where it is identical to ELU. */
export const TF_ACTIVATION: Record<Activation, string> = {
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  linear: 'linear',
  'leaky-relu': 'linear', // followed by a LeakyReLU layer (α = 0.01, PyTorch's default)
  celu: 'elu'
}

/** Thrown for a stack that cannot be built; the message names the layer. */
export class NetworkError extends Error {}

/** The state of a seeded dropout layer: how many training calls it has seen (a checkpoint keeps it). */
export interface SeededDropoutState {
  dropoutCalls: number
}

/**
 * A dropout layer whose mask is seeded per training call (tfjs reuses one mask for a fixed seed). The call
 * count lives on the layer (`dropoutCalls`) so a resumed run continues the same mask sequence.
 */
export function seededDropout(tf: typeof TF, rate: number, seed: number, inputShape?: number[]): TF.layers.Layer {
  const layer = tf.layers.dropout({ rate, seed, inputShape })
  const call = layer.call.bind(layer)
  const state = layer as unknown as SeededDropoutState & { seed: number }
  state.dropoutCalls = 0
  layer.call = (inputs, kwargs) => {
    if (kwargs?.training) state.seed = deriveSeed(seed, `call/${state.dropoutCalls++}`)
    return call(inputs, kwargs)
  }
  return layer
}

/** A layer weight's name without tfjs's uniquifying suffix ('dense_Dense1/kernel'). */
export const weightName = (w: TF.LayerVariable): string => w.originalName ?? w.name

/** Whether a layer weight is a kernel (dense and conv), the weights L2 decay and the gradient probe act on. */
export const isKernel = (w: TF.LayerVariable): boolean => /kernel$/.test(weightName(w))

/** The seeded dropout layers of a model, in layer order. */
export function dropoutStates(model: TF.LayersModel): SeededDropoutState[] {
  return model.layers.filter((l) => typeof (l as unknown as SeededDropoutState).dropoutCalls === 'number') as unknown as SeededDropoutState[]
}

export function buildNetwork(tf: typeof TF, layers: Layer[], inputShape: number[], outputDim: number, seed: number): TF.Sequential {
  const shapes = inferNetworkShapes(layers, inputShape, outputDim)
  if (!shapes.ok) throw new NetworkError(shapes.message)
  const model = tf.sequential()
  let first = true
  /** inputShape on the model's first layer only. */
  const inShape = () => {
    if (!first) return undefined
    first = false
    return inputShape
  }
  const glorot = (key: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, key) })
  const addActivation = (a: Activation) => {
    if (a === 'leaky-relu') model.add(tf.layers.leakyReLU({ alpha: 0.01 }))
  }
  for (const s of shapes.layers) {
    if (s.output) {
      model.add(tf.layers.dense({ units: outputDim, activation: 'linear', kernelInitializer: glorot('init/out'), biasInitializer: 'zeros', inputShape: inShape() }))
      continue
    }
    if (s.auto) {
      model.add(tf.layers.flatten({ inputShape: inShape() }))
      continue
    }
    const i = s.index!
    const l = resolveLayer(layers[i])
    switch (l.type) {
      case 'dense':
        model.add(
          tf.layers.dense({ units: l.units, activation: TF_ACTIVATION[l.activation] as any, inputShape: inShape(), kernelInitializer: glorot(`init/${i}`), biasInitializer: 'zeros' })
        )
        addActivation(l.activation)
        break
      case 'conv2d':
        model.add(
          tf.layers.conv2d({
            filters: l.filters,
            kernelSize: l.kernelSize,
            strides: l.strides,
            padding: l.padding,
            activation: TF_ACTIVATION[l.activation] as any,
            inputShape: inShape(),
            kernelInitializer: glorot(`init/${i}`),
            biasInitializer: 'zeros'
          })
        )
        addActivation(l.activation)
        break
      case 'maxpool2d':
      case 'avgpool2d': {
        const args = { poolSize: l.poolSize, strides: l.strides, padding: l.padding, inputShape: inShape() }
        model.add(l.type === 'maxpool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args))
        break
      }
      case 'flatten':
        model.add(tf.layers.flatten({ inputShape: inShape() }))
        break
      case 'dropout':
        model.add(seededDropout(tf, l.rate, deriveSeed(seed, `dropout/${i}`), inShape()))
        break
      case 'batchnorm':
        model.add(tf.layers.batchNormalization({ inputShape: inShape() }))
        if (TF_ACTIVATION[l.activation] !== 'linear') model.add(tf.layers.activation({ activation: TF_ACTIVATION[l.activation] as any }))
        addActivation(l.activation)
        break
    }
  }
  return model
}
