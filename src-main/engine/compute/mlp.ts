/** MLPs as a layer list (width + activation per hidden layer), seeded Glorot-uniform init. */
import { deriveSeed } from '../../../src-shared/rng'
import type { Activation } from '../../../src-shared/studies/training'
import type { tf as TF } from './backend'

/** tfjs activation per lab activation. CELU uses α = 1, where it is identical to ELU. */
const TF_ACTIVATION: Record<Activation, string> = {
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  linear: 'linear',
  'leaky-relu': 'linear', // followed by a LeakyReLU layer (α = 0.01, PyTorch's default)
  celu: 'elu'
}

export function buildMlp(
  tf: typeof TF,
  layers: { units: number; activation: Activation }[],
  inputDim: number,
  outputDim: number,
  seed: number
): TF.Sequential {
  const model = tf.sequential()
  layers.forEach((l, i) => {
    model.add(
      tf.layers.dense({
        units: l.units,
        activation: TF_ACTIVATION[l.activation] as any,
        inputShape: i === 0 ? [inputDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, `init/${i}`) }),
        biasInitializer: 'zeros'
      })
    )
    if (l.activation === 'leaky-relu') model.add(tf.layers.leakyReLU({ alpha: 0.01 }))
  })
  model.add(
    tf.layers.dense({
      units: outputDim,
      activation: 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'init/out') }),
      biasInitializer: 'zeros'
    })
  )
  return model
}

export function makeOptimizer(tf: typeof TF, o: { kind: 'sgd' | 'adam'; learningRate: number; momentum: number }): TF.Optimizer {
  if (o.kind === 'adam') return tf.train.adam(o.learningRate)
  return o.momentum > 0 ? tf.train.momentum(o.learningRate, o.momentum) : tf.train.sgd(o.learningRate)
}

/** Loss of raw network outputs against one-hot targets. */
export function lossOf(tf: typeof TF, loss: 'softmax-cross-entropy' | 'mse', outputs: TF.Tensor, onehot: TF.Tensor): TF.Scalar {
  return loss === 'mse' ? tf.losses.meanSquaredError(onehot, outputs) : tf.losses.softmaxCrossEntropy(onehot, outputs)
}

/**
 * A trained model as one self-contained JSON file in tfjs's own layers format (topology, weight specs,
 * weights as base64). Load it with
 * `tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData: <decoded weightData> }))`.
 */
export async function serializeModel(tf: typeof TF, model: TF.LayersModel): Promise<Uint8Array> {
  let saved: TF.io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  const a = saved! as TF.io.ModelArtifacts
  const weights = a.weightData ? tf.io.CompositeArrayBuffer.join(a.weightData) : new ArrayBuffer(0)
  const json = {
    format: 'tfjs-layers-model',
    generatedBy: 'Phenomenology Lab',
    modelTopology: a.modelTopology,
    weightSpecs: a.weightSpecs,
    weightData: Buffer.from(weights).toString('base64')
  }
  return new TextEncoder().encode(JSON.stringify(json))
}
