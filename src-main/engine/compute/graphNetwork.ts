/**
 * A tfjs functional model (tf.model with tf.input / layer.apply) from a network graph (src-shared/network).
 * The graph is checked first by the shared analysis — the same function the config schema and the editor call —
 * so an invalid graph fails with the validator's messages, and the model follows exactly the shapes shown.
 *
 * Seeding follows buildNetwork: the nodes between input and output, in the analysis's topological order
 * (ties: node order of the spec), get indices 0, 1, …; node i is initialised with `init/<i>` (Glorot-uniform,
 * biases zero), dropout masks with `dropout/<i>/…`, and the output node with `init/out`. A chain graph made
 * from a layer list therefore builds the same weights as buildNetwork from that list for the same seed.
 * Dense and output nodes flatten an image input automatically (as the layer list does).
 */
import { analyzeGraph, resolveParams } from '../../../src-shared/network/analyze'
import type { NetworkGraph } from '../../../src-shared/network/spec'
import { deriveSeed } from '../../../src-shared/rng'
import type { tf as TF } from './backend'
import { NetworkError, seededDropout, TF_ACTIVATION } from './network'

export function buildGraphNetwork(tf: typeof TF, graph: NetworkGraph, inputShape: number[], outputDim: number, seed: number): TF.LayersModel {
  const a = analyzeGraph(graph, { input: inputShape, outputs: outputDim })
  if (!a.ok || !a.order) throw new NetworkError(a.problems.map((p) => p.message).join('; '))
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const glorot = (key: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, key) })
  const values = new Map<string, TF.SymbolicTensor>()
  let input: TF.SymbolicTensor | null = null
  let output: TF.SymbolicTensor | null = null
  let index = 0
  const apply = (layer: TF.layers.Layer, x: TF.SymbolicTensor | TF.SymbolicTensor[]) => layer.apply(x) as TF.SymbolicTensor
  const leaky = (act: string, x: TF.SymbolicTensor) => (act === 'leaky-relu' ? apply(tf.layers.leakyReLU({ alpha: 0.01 }), x) : x)
  for (const id of a.order) {
    const n = byId.get(id)!
    const ins = graph.edges.filter((e) => e.to === id).map((e) => values.get(e.from)!)
    if (n.type === 'input') {
      input = tf.input({ shape: inputShape })
      values.set(id, input)
      continue
    }
    const p = resolveParams(n)
    const i = n.type === 'output' ? -1 : index++
    let x = ins[0]
    if (a.nodes[id].autoFlatten) x = apply(tf.layers.flatten(), x)
    let y: TF.SymbolicTensor
    switch (n.type) {
      case 'output':
        y = apply(tf.layers.dense({ units: outputDim, activation: 'linear', kernelInitializer: glorot('init/out'), biasInitializer: 'zeros' }), x)
        output = y
        break
      case 'dense':
        y = leaky(p.activation, apply(tf.layers.dense({ units: p.units!, activation: TF_ACTIVATION[p.activation] as any, kernelInitializer: glorot(`init/${i}`), biasInitializer: 'zeros' }), x))
        break
      case 'conv2d':
        y = leaky(
          p.activation,
          apply(
            tf.layers.conv2d({
              filters: p.filters!,
              kernelSize: p.kernelSize,
              strides: p.strides,
              padding: p.padding,
              activation: TF_ACTIVATION[p.activation] as any,
              kernelInitializer: glorot(`init/${i}`),
              biasInitializer: 'zeros'
            }),
            x
          )
        )
        break
      case 'maxpool2d':
      case 'avgpool2d': {
        const args = { poolSize: p.poolSize, strides: p.strides, padding: p.padding }
        y = apply(n.type === 'maxpool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), x)
        break
      }
      case 'flatten':
        y = apply(tf.layers.flatten(), x)
        break
      case 'dropout':
        y = apply(seededDropout(tf, p.rate, deriveSeed(seed, `dropout/${i}`)), x)
        break
      case 'batchnorm':
      case 'activation': {
        y = n.type === 'batchnorm' ? apply(tf.layers.batchNormalization(), x) : x
        if (TF_ACTIVATION[p.activation] !== 'linear') y = apply(tf.layers.activation({ activation: TF_ACTIVATION[p.activation] as any }), y)
        y = leaky(p.activation, y)
        break
      }
      case 'add':
        y = apply(tf.layers.add(), ins)
        break
      case 'concatenate':
        // The spec's axis counts sample axes from 1, which is Keras' axis with the batch axis at 0.
        y = apply(tf.layers.concatenate({ axis: p.axis }), ins)
        break
    }
    values.set(id, y)
  }
  return tf.model({ inputs: input!, outputs: output! })
}
