/**
 * The gradient-RMS probe (shared descriptor: src-shared/probes/gradient-rms.ts): on a fixed seeded subset of
 * the training rows (`samples`, gathered once), the gradient of the network's mean loss over them — outputs in
 * inference mode, so dropout masks and batch-norm statistics are left alone — with respect to every layer's
 * kernel, logged as sqrt(mean(g²)) at 'gradient-rms/<layer>'. Layers without a kernel (batch-norm) have none.
 *
 * The subset is evaluated in chunks of PROBE_CHUNK rows: one variableGrads call per chunk for all kernels (one call at the default 256
 * samples), the chunk gradients weighted by their share of the rows — exact for the lab's losses, which are
 * means over rows — and all RMS values read back in one concat + dataSync.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs'
import { gradientRmsProbe } from '../../../../src-shared/probes/gradient-rms'
import { isKernel } from '../../compute/network'
import { chunkTensors, defineProbeImpl, seededSubset, weightedLayers } from '../context'

export default defineProbeImpl(gradientRmsProbe, (pc) => {
  const { tf, network, data } = pc
  const kernels = weightedLayers(network.model).flatMap(({ label, layer }) => {
    const kernel = layer.trainableWeights.find(isKernel)
    return kernel ? [{ key: pc.key(label), weight: kernel }] : []
  })
  if (!kernels.length) return pc.skip('the network has no layers with a kernel')
  const rows = seededSubset(data.train, pc.params.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const chunks = chunkTensors(tf, data.source, rows, true)
  return {
    run({ step }) {
      // A layer weight reads as the tf.Variable the optimiser updates.
      const vars = kernels.map((k) => k.weight.read() as Variable)
      /** Σ over chunks of share × gradient, per kernel (empty before the first chunk; a kernel the loss does not reach has gradient 0). */
      let sum: Tensor[] = []
      try {
        for (const c of chunks) {
          if (pc.run.aborted) return false
          const { value, grads } = tf.variableGrads(() => network.loss(network.infer(c.x), c.y!), vars)
          value.dispose()
          const part = vars.map((v) => grads[v.name] ?? tf.zerosLike(v))
          if (chunks.length === 1) {
            sum = part
            break
          }
          const previous = sum
          sum = tf.tidy(() => part.map((g, i) => (previous.length ? previous[i].add(g.mul(c.share)) : g.mul(c.share))))
          tf.dispose([...part, ...previous])
        }
        const total = sum
        const rms = tf.tidy(() => tf.concat(total.map((g) => g.square().mean().sqrt().reshape([1]))))
        const values = rms.dataSync()
        rms.dispose()
        kernels.forEach((k, i) => pc.run.log(k.key, step, values[i]))
      } finally {
        tf.dispose(sum)
      }
    },
    dispose: () => tf.dispose(chunks.flatMap((c) => [c.x, c.y!]))
  }
})
