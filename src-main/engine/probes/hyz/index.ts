/**
 * The H(Y|z) probe (shared descriptor: src-shared/probes/hyz.ts): for every dense layer, its pre-activation
 * a = x·W + b on the fixed sample (from the layer's own input, so it is the pre-activation whatever the
 * activation), the selection a > 0 and per class the count of selected samples (Yᵀ·[a > 0], one product per
 * chunk on the backend); entropies from the counts (src-shared/representations/conditionalEntropy.ts).
 */
import type { LayersModel, SymbolicTensor, Tensor, Tensor2D } from '@tensorflow/tfjs'
import { hyzProbe } from '../../../../src-shared/probes/hyz'
import type { TablePayload } from '../../../../src-shared/outputs/payloads'
import { featureEntropies } from '../../../../src-shared/representations/conditionalEntropy'
import { chunkTensors, defineProbeImpl, PROBE_CHUNK, seededSubset, weightedLayers } from '../context'
import { oneHotRows } from '../layerTaps'

/** What the a > 0 selection of a layer means, in words. */
function measuredWhat(activation: string, output: boolean, lossName: string | undefined): string {
  if (output) {
    if (lossName === 'softmax-cross-entropy') return 'output logits (softmax CE)'
    if (lossName === 'mse') return 'output, squared loss (a > 0 means less)'
    return 'output layer'
  }
  if (activation === 'relu') return 'ReLU pre-activation (fires)'
  return `${activation} pre-activation`
}

export default defineProbeImpl(hyzProbe, (pc) => {
  const { tf, network, data, params } = pc
  const src = data.source
  if (src.targets || src.classes < 2) return pc.skip('H(Y|z) needs class labels')
  const all = weightedLayers(network.model)
  const dense = all.map((w, i) => ({ ...w, layerIndex: i + 1 })).filter((w) => w.layer.getClassName() === 'Dense')
  if (!dense.length) return pc.skip('the network has no dense layers (conv layers are not measured)')
  let inputs: LayersModel
  try {
    inputs = tf.model({ inputs: network.model.inputs, outputs: dense.map((w) => w.layer.input as SymbolicTensor) })
  } catch (err) {
    return pc.skip(`its layers' inputs cannot be read one by one (${(err as Error).message})`)
  }
  const rows = seededSubset(data.train, params.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const chunks = chunkTensors(tf, src, rows, false)
  const labels = chunks.map((c, i) => oneHotRows(tf, src.labels, rows, i * PROBE_CHUNK, c.size, src.classes))
  const last = all.at(-1)?.layer
  const info = dense.map((w) => {
    const units = (w.layer.output as SymbolicTensor).shape.at(-1) as number
    const activation = String((w.layer.getConfig() as { activation?: unknown }).activation ?? 'linear')
    return { ...w, units, what: measuredWhat(activation, w.layer === last, network.lossName) }
  })
  return {
    run({ step }) {
      const counts = info.map((w) => new Float64Array(src.classes * w.units))
      for (let ci = 0; ci < chunks.length; ci++) {
        if (pc.run.aborted) return false
        const packed = tf.tidy(() => {
          const got = inputs.apply(chunks[ci].x, { training: false })
          const ins = (Array.isArray(got) ? got : [got]) as Tensor[]
          return tf.concat(
            info.map((w, i) => {
              const [kernel, bias] = w.layer.getWeights()
              const x = ins[i].reshape([chunks[ci].size, -1]) as Tensor2D
              let a: Tensor = tf.matMul(x, kernel as Tensor2D)
              if (bias) a = a.add(bias)
              return tf.matMul(labels[ci], a.greater(0).toFloat() as Tensor2D, true, false).reshape([-1])
            })
          )
        })
        const v = packed.dataSync()
        packed.dispose()
        let at = 0
        counts.forEach((c) => {
          for (let k = 0; k < c.length; k++) c[k] += v[at + k]
          at += c.length
        })
      }
      const table: TablePayload = {
        columns: [
          { key: 'layer', label: 'layer' },
          { key: 'name', label: 'name' },
          { key: 'measured', label: 'selection a > 0 of' },
          { key: 'units', label: 'units' },
          { key: 'empty', label: 'empty selections' },
          { key: 'h', label: 'mean H(Y|z) (bits)' }
        ],
        rows: []
      }
      info.forEach((w, i) => {
        const h = featureEntropies(counts[i], src.classes, w.units)
        pc.run.log(pc.key(`layer${w.layerIndex}`), step, h.mean)
        table.rows.push({ layer: w.layerIndex, name: w.label, measured: w.what, units: w.units, empty: h.empty, h: Number.isFinite(h.mean) ? +h.mean.toFixed(4) : null })
      })
      pc.run.logSeries(pc.key('layers'), step, table)
    },
    dispose: () => tf.dispose([...chunks.map((c) => c.x), ...labels])
  }
})
