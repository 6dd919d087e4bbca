/**
 * The three model families of the `elasticity-clustering` study, built by the lab's seeded network builder:
 * a two-layer LINEAR net (hidden layer without activation, as the original code's MLPLinear), the FNN (one wide
 * ReLU hidden layer, MLPNet) and a small CNN (conv → pool → conv → pool → dense, CNN_MNIST). Outputs: 1 for the
 * squared loss, 2 (primary, auxiliary) for softmax cross-entropy.
 */
import { conv2d, dense, maxpool2d, type Layer } from '../../../../src-shared/network/layers'
import type { ElasticityClusteringConfig } from '../../../../src-shared/studies/elasticity-clustering'
import type { tf as TF } from '../../compute/backend'
import { buildNetwork, NetworkError } from '../../compute/network'
import { RunFailure } from '../context'

export const MODEL_KINDS = ['linear', 'mlp', 'cnn'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

export function modelLayers(kind: ModelKind, cfg: ElasticityClusteringConfig): Layer[] {
  switch (kind) {
    case 'linear':
      return [dense(cfg.hiddenUnits, 'linear')]
    case 'mlp':
      return [dense(cfg.hiddenUnits, 'relu')]
    case 'cnn': {
      const { filters1, filters2, kernelSize, denseUnits } = cfg.cnn
      return [conv2d(filters1, kernelSize), maxpool2d(2), conv2d(filters2, kernelSize), maxpool2d(2), dense(denseUnits)]
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
