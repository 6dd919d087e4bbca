/**
 * The activation-statistics probe (shared descriptor: src-shared/probes/activation-stats.ts): on a fixed seeded
 * subset of the training rows (`samples`, gathered once), every layer's output in inference mode, logged as
 * 'activation-stats/<layer>/mean' and '/std' (over all examples and units; the population std) and, for ReLU
 * layers, '/dead': the fraction of units — features of a dense layer, channels (last axis) of a conv layer —
 * that are ≤ 0 for every example (and every position).
 *
 * Which layers: every layer that computes something — dense, conv, pooling, batch-norm, activation layers
 * (ReLU, leaky ReLU…), add, concatenate and the output layer. Left out: the input, dropout (the identity in
 * inference mode) and flatten (a reshape): their numbers would repeat those of the layer before them. Labels
 * are weightedLayers' ('dense1', 'conv2d1', 'output'), the others counted per kind alike ('maxpooling2d1',
 * 'activation1', 'leakyrelu1').
 *
 * One multi-output model over the network's own layers (built once; it shares their weights and is never
 * disposed, which would dispose them) gives all outputs in one pass per chunk of PROBE_CHUNK rows; per chunk one
 * dataSync reads each layer's mean, variance and per-unit max, combined across chunks in float64 (Chan et
 * al.'s pairwise update, stable where E[x²] − E[x]² is not).
 */
import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs'
import { activationStatsProbe } from '../../../../src-shared/probes/activation-stats'
import { chunkTensors, defineProbeImpl, seededSubset, weightedLayers } from '../context'

/** Layers whose output repeats their input's numbers in inference mode. */
const LEFT_OUT = new Set(['InputLayer', 'Dropout', 'Flatten'])

type Layer = LayersModel['layers'][number]

/** The layers measured, with their labels (weighted layers exactly as weightedLayers labels them). */
export function measuredLayers(model: LayersModel): { label: string; layer: Layer; relu: boolean }[] {
  const weighted = new Map(weightedLayers(model).map((w) => [w.layer, w.label]))
  const counts = new Map<string, number>()
  const out: { label: string; layer: Layer; relu: boolean }[] = []
  for (const layer of model.layers) {
    const cls = layer.getClassName()
    if (weighted.has(layer)) {
      out.push({ label: weighted.get(layer)!, layer, relu: isRelu(layer) })
      continue
    }
    if (LEFT_OUT.has(cls)) continue
    const kind = cls.toLowerCase()
    const n = (counts.get(kind) ?? 0) + 1
    counts.set(kind, n)
    out.push({ label: `${kind}${n}`, layer, relu: isRelu(layer) })
  }
  return out
}

/** Dense, conv or activation layers with activation 'relu', and ReLU layers. */
function isRelu(layer: Layer): boolean {
  if (layer.getClassName() === 'ReLU') return true
  return (layer.getConfig() as { activation?: unknown }).activation === 'relu'
}

interface Running {
  n: number
  mean: number
  /** Sum of squared deviations from the mean. */
  m2: number
  /** Per unit: the largest value seen (a unit is dead when it stays ≤ 0). */
  max: Float64Array | null
}

export default defineProbeImpl(activationStatsProbe, (pc) => {
  const { tf, network, data } = pc
  const measured = measuredLayers(network.model)
  if (!measured.length) return pc.skip('the network has no layers to measure')
  const rows = seededSubset(data.train, pc.params.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const model = network.model
  let outputs: LayersModel
  try {
    outputs = tf.model({ inputs: model.inputs, outputs: measured.map((m) => m.layer.output as SymbolicTensor) })
  } catch (err) {
    // A layer applied more than once (shared weights) has no single output to read.
    return pc.skip(`its layers' outputs cannot be read one by one (${(err as Error).message})`)
  }
  /** Elements per example and units (last axis) of each measured output. */
  const shapes = measured.map((m) => {
    const shape = (m.layer.output as SymbolicTensor).shape.slice(1) as number[]
    return { size: shape.reduce((a, b) => a * b, 1), units: shape.at(-1) ?? 1 }
  })
  const chunks = chunkTensors(tf, data.source, rows, false)
  return {
    run({ step }) {
      const stats: Running[] = measured.map((m, i) => ({ n: 0, mean: 0, m2: 0, max: m.relu ? new Float64Array(shapes[i].units).fill(-Infinity) : null }))
      for (const c of chunks) {
        if (pc.run.aborted) return false
        // Per layer: [chunk mean, chunk variance, per-unit max…], all layers in one vector.
        const packed = tf.tidy(() => {
          const got = outputs.apply(c.x, { training: false }) as Tensor | Tensor[]
          const outs = Array.isArray(got) ? got : [got]
          return tf.concat(
            outs.map((o, i) => {
              const { mean, variance } = tf.moments(o)
              const parts = [mean.reshape([1]), variance.reshape([1])]
              if (measured[i].relu) parts.push(o.reshape([-1, shapes[i].units]).max(0))
              return tf.concat(parts)
            })
          )
        })
        const values = packed.dataSync()
        packed.dispose()
        let at = 0
        stats.forEach((s, i) => {
          const nb = c.size * shapes[i].size
          const meanB = values[at]
          const m2B = values[at + 1] * nb
          at += 2
          const n = s.n + nb
          const delta = meanB - s.mean
          s.m2 += m2B + (delta * delta * s.n * nb) / n
          s.mean += (delta * nb) / n
          s.n = n
          if (s.max) {
            for (let u = 0; u < s.max.length; u++) s.max[u] = Math.max(s.max[u], values[at + u])
            at += s.max.length
          }
        })
      }
      measured.forEach((m, i) => {
        const s = stats[i]
        pc.run.log(pc.key(`${m.label}/mean`), step, s.mean)
        pc.run.log(pc.key(`${m.label}/std`), step, Math.sqrt(s.m2 / s.n))
        if (s.max) pc.run.log(pc.key(`${m.label}/dead`), step, s.max.filter((v) => v <= 0).length / s.max.length)
      })
    },
    dispose: () => tf.dispose(chunks.map((c) => c.x))
  }
})
