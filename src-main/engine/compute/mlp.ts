/** MLPs as a layer list (width + activation per hidden layer), seeded Glorot-uniform init. */
import type { Activation } from '../../../src-shared/network/layers'
import type { tf as TF } from './backend'
import { buildNetwork } from './network'

/** A dense-only network (the lab's original MLP builder; now the general builder with dense layers). */
export function buildMlp(
  tf: typeof TF,
  layers: { type?: 'dense'; units: number; activation: Activation }[],
  inputDim: number,
  outputDim: number,
  seed: number
): TF.Sequential {
  return buildNetwork(tf, layers.map((l) => ({ type: 'dense' as const, units: l.units, activation: l.activation })), [inputDim], outputDim, seed)
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
