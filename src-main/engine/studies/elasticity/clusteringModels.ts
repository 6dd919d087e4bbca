/**
 * The three model families of the `elasticity-clustering` study, built by the lab's seeded network builder:
 * a two-layer LINEAR net (hidden layer without activation, as the original code's MLPLinear), the FNN (one wide
 * ReLU hidden layer, MLPNet) and a small CNN (conv → pool → conv → pool → dense, CNN_MNIST). Outputs: 1 for the
 * squared loss, 2 (primary, auxiliary) for softmax cross-entropy.
 */
import type { Layer } from '../../../../src-shared/studies/networkShapes'
import type { ElasticityClusteringConfig } from '../../../../src-shared/studies/elasticityClustering'
import type { tf as TF } from '../../compute/backend'
import { buildNetwork, NetworkError } from '../../compute/network'
import { RunFailure } from '../context'

export const MODEL_KINDS = ['linear', 'mlp', 'cnn'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

export function modelLayers(kind: ModelKind, cfg: ElasticityClusteringConfig): Layer[] {
  switch (kind) {
    case 'linear':
      return [{ units: cfg.hiddenUnits, activation: 'linear' }]
    case 'mlp':
      return [{ units: cfg.hiddenUnits, activation: 'relu' }]
    case 'cnn': {
      const { filters1, filters2, kernelSize, denseUnits } = cfg.cnn
      return [
        { type: 'conv2d', units: filters1, filters: filters1, kernelSize, padding: 'valid', activation: 'relu' },
        { type: 'maxpool2d', units: 1, poolSize: 2, activation: 'linear' },
        { type: 'conv2d', units: filters2, filters: filters2, kernelSize, padding: 'valid', activation: 'relu' },
        { type: 'maxpool2d', units: 1, poolSize: 2, activation: 'linear' },
        { type: 'dense', units: denseUnits, activation: 'relu' }
      ]
    }
  }
}

export function buildClusteringModel(tf: typeof TF, kind: ModelKind, cfg: ElasticityClusteringConfig, sample: number[], outputs: number, seed: number): TF.LayersModel {
  if (kind === 'cnn' && sample.length !== 3) throw new RunFailure(`the CNN methods need image samples [H, W, C]; this dataset's samples are [${sample.join(', ')}] (choose an image dataset or drop the CNN methods)`)
  try {
    return buildNetwork(tf, modelLayers(kind, cfg), sample, outputs, seed)
  } catch (err) {
    if (err instanceof NetworkError) throw new RunFailure(`the ${kind === 'cnn' ? 'CNN' : kind} does not fit samples ${sample.join('×')}: ${err.message}`)
    throw err
  }
}
