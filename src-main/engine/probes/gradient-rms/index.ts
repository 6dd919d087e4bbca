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
import type { tf as TF } from '../../compute/backend'
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs'
import { gradientRmsProbe } from '../../../../src-shared/probes/gradient-rms'
import { isKernel } from '../../compute/network'
import { chunkTensors, defineProbeImpl, seededSubset, weightedLayers } from '../context'

/**
 * sqrt(mean(g²)) of the gradient of the mean loss over `chunks` with respect to each of `vars`, read back in one
 * transfer; null when `aborted` says stop between chunks. Shared with the weight-compression study (G(l, e)).
 */
export function gradientRms(
  tf: typeof TF,
  vars: Variable[],
  chunks: readonly { x: Tensor; y: Tensor | null; share: number }[],
  loss: (x: Tensor, y: Tensor) => Scalar,
  aborted: () => boolean = () => false
): Float32Array | null {
  /** Σ over chunks of share × gradient, per variable (empty before the first chunk; a variable the loss does not reach has gradient 0). */
  let sum: Tensor[] = []
  try {
    for (const c of chunks) {
      if (aborted()) return null
      const { value, grads } = tf.variableGrads(() => loss(c.x, c.y!), vars)
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
    const values = rms.dataSync() as Float32Array
    rms.dispose()
    return values
  } finally {
    tf.dispose(sum)
  }
}

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
      const values = gradientRms(tf, vars, chunks, (x, y) => network.loss(network.infer(x), y), () => pc.run.aborted)
      if (!values) return false
      kernels.forEach((k, i) => pc.run.log(k.key, step, values[i]))
    },
    dispose: () => tf.dispose(chunks.flatMap((c) => [c.x, c.y!]))
  }
})
