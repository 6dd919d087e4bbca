/**
 * The gradient-RMS probe (shared descriptor: src-shared/probes/gradient-rms.ts): on a fixed seeded subset of
 * the training rows (`samples`, gathered once), the gradient of the network's mean loss over them — outputs in
 * inference mode, so dropout masks and batch-norm statistics are left alone — with respect to every layer's
 * kernel, logged as sqrt(mean(g²)) at 'gradient-rms/<layer>'. Layers without a kernel (batch-norm) have none.
 *
 * The subset is evaluated in chunks of CHUNK rows (a CNN's activations and their gradients for 10 000 images
 * would not fit at once): one variableGrads call per chunk for all kernels (one call at the default 256
 * samples), the chunk gradients weighted by their share of the rows — exact for the lab's losses, which are
 * means over rows — and all RMS values read back in one concat + dataSync.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs'
import { gradientRmsProbe } from '../../../../src-shared/probes/gradient-rms'
import { createRng } from '../../../../src-shared/rng'
import { gather, targetWidth } from '../../training/data'
import { defineProbeImpl, weightedLayers } from '../context'

const CHUNK = 500

export default defineProbeImpl(gradientRmsProbe, (pc) => {
  const { tf, network, data } = pc
  const kernels = weightedLayers(network.model).flatMap(({ label, layer }) => {
    const kernel = layer.trainableWeights.find((w) => /kernel$/.test(w.originalName ?? w.name))
    return kernel ? [{ key: pc.key(label), weight: kernel }] : []
  })
  if (!kernels.length) return pc.skip('the network has no layers with a kernel')
  const rows = createRng(pc.seed).shuffle(data.train.slice()).slice(0, Math.min(pc.params.samples, data.train.length))
  if (!rows.length) return pc.skip('the training split is empty')
  const src = data.source
  const chunks: { x: Tensor; y: Tensor; share: number }[] = []
  for (let start = 0; start < rows.length; start += CHUNK) {
    const size = Math.min(CHUNK, rows.length - start)
    const b = gather(src, rows, start, size)
    chunks.push({ x: tf.tensor(b.x, [size, ...src.sample]), y: tf.tensor2d(b.y, [size, targetWidth(src)]), share: size / rows.length })
  }
  return {
    run({ step }) {
      // A layer weight reads as the tf.Variable the optimiser updates.
      const vars = kernels.map((k) => k.weight.read() as Variable)
      /** Σ over chunks of share × gradient, per kernel (empty before the first chunk; a kernel the loss does not reach has gradient 0). */
      let sum: Tensor[] = []
      try {
        for (const c of chunks) {
          if (pc.run.aborted) return false
          const { value, grads } = tf.variableGrads(() => network.loss(network.infer(c.x), c.y), vars)
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
    dispose: () => tf.dispose(chunks.flatMap((c) => [c.x, c.y]))
  }
})
