/**
 * The entropy-gradient probe (shared descriptor: src-shared/probes/entropy-gradient.ts): at each due epoch, per
 * layer with a kernel, G by the gradient-RMS probe's computation and H by the weight-entropy probe's (the same
 * seeded sample of positions every time), kept; from the third measurement on, the Pearson correlation of
 * log(G + 1) with H over all of them is logged at 'entropy-gradient/<layer>'.
 */
import type { Variable } from '@tensorflow/tfjs'
import { sampledEntropy } from '../../../../src-shared/compression/entropy'
import { entropyGradientProbe } from '../../../../src-shared/probes/entropy-gradient'
import { deriveSeed } from '../../../../src-shared/rng'
import { pearson } from '../../../../src-shared/stats'
import { isKernel } from '../../compute/network'
import { chunkTensors, defineProbeImpl, seededSubset, weightedLayers } from '../context'
import { gradientRms } from '../gradient-rms'

export default defineProbeImpl(entropyGradientProbe, (pc) => {
  const { tf, network, data, params: p } = pc
  const kernels = weightedLayers(network.model).flatMap(({ label, layer }) => {
    const kernel = layer.trainableWeights.find(isKernel)
    return kernel ? [{ key: pc.key(label), weight: kernel, seed: deriveSeed(pc.seed, label), h: [] as number[], g: [] as number[] }] : []
  })
  if (!kernels.length) return pc.skip('the network has no layers with a kernel')
  const rows = seededSubset(data.train, p.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const chunks = chunkTensors(tf, data.source, rows, true)
  return {
    run({ step }) {
      const g = gradientRms(tf, kernels.map((k) => k.weight.read() as Variable), chunks, (x, y) => network.loss(network.infer(x), y), () => pc.run.aborted)
      if (!g) return false
      kernels.forEach((k, i) => {
        const h = sampledEntropy(k.weight.read().dataSync(), { M: p.bits, F: p.fraction, seed: k.seed })
        if (!Number.isFinite(h) || !Number.isFinite(g[i])) return
        k.h.push(h)
        k.g.push(Math.log(g[i] + 1))
        const r = pearson(k.g, k.h)
        if (Number.isFinite(r)) pc.run.log(k.key, step, r)
      })
    },
    dispose: () => tf.dispose(chunks.flatMap((c) => [c.x, c.y!]))
  }
})
