/**
 * The output-delta probe (shared descriptor: src-shared/probes/output-delta.ts): on a fixed seeded subset of the
 * training rows (gathered once, in chunks), the gradient of the network's mean loss with respect to its
 * inference-mode outputs x, times the chunk's rows — the per-sample delta, y − t for the thesis's variants —
 * read back once per chunk. Logged: histograms of all deltas, of the true class's and of the other classes'
 * (classification with one-hot targets), and the mean and largest |delta|.
 */
import type { Tensor } from '@tensorflow/tfjs'
import type { tf as TF } from '../../compute/backend'
import { outputDeltaProbe } from '../../../../src-shared/probes/output-delta'
import { histogram } from '../weight-histogram'
import { targetWidth } from '../../training/data'
import { chunkTensors, defineProbeImpl, seededSubset } from '../context'

/** Per-sample deltas n · ∂(mean loss)/∂x of one chunk (n = its rows). */
export function outputDeltas(tf: typeof TF, infer: (x: Tensor) => Tensor, loss: (out: Tensor, y: Tensor) => Tensor, x: Tensor, y: Tensor): Float32Array {
  const g = tf.tidy(() => {
    const out = infer(x)
    return tf.grad((o: Tensor) => loss(o, y) as any)(out).mul(x.shape[0])
  })
  const values = g.dataSync() as Float32Array
  g.dispose()
  return values
}

export default defineProbeImpl(outputDeltaProbe, (pc) => {
  const { tf, network, data, params: p } = pc
  const rows = seededSubset(data.train, p.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const outputs = network.model.outputs[0].shape.at(-1)
  const targets = targetWidth(data.source)
  if (outputs !== targets) return pc.skip(`the network has ${outputs} outputs for ${targets} targets`)
  const chunks = chunkTensors(tf, data.source, rows, true)
  // Classes with one-hot targets: which entry of each row is the label's (read once).
  const oneHot = !data.source.targets
  const trueMask = oneHot ? chunks.map((c) => c.y!.dataSync() as Float32Array) : null
  return {
    run({ step }) {
      const all: number[] = []
      const truth: number[] = []
      const other: number[] = []
      for (let k = 0; k < chunks.length; k++) {
        if (pc.run.aborted) return false
        const c = chunks[k]
        const d = outputDeltas(tf, network.infer, network.loss, c.x, c.y!)
        for (let i = 0; i < d.length; i++) {
          all.push(d[i])
          if (trueMask) (trueMask[k][i] > 0.5 ? truth : other).push(d[i])
        }
      }
      const h = histogram(all, p.bins)
      if (!h) return
      pc.run.logSeries(pc.key('all'), step, h)
      const ht = histogram(truth, p.bins)
      if (ht) pc.run.logSeries(pc.key('true'), step, ht)
      const ho = histogram(other, p.bins)
      if (ho) pc.run.logSeries(pc.key('other'), step, ho)
      let sum = 0
      let max = 0
      let n = 0
      for (const v of all) {
        if (!Number.isFinite(v)) continue
        sum += Math.abs(v)
        max = Math.max(max, Math.abs(v))
        n++
      }
      pc.run.log(pc.key('abs_mean'), step, sum / n)
      pc.run.log(pc.key('abs_max'), step, max)
    },
    dispose: () => tf.dispose(chunks.flatMap((c) => [c.x, c.y!]))
  }
})
