/**
 * The weight-entropy probe (shared descriptor: src-shared/probes/weight-entropy.ts): at each due epoch, the
 * entropy of every layer's kernel quantised to M bits over its current range, on a fixed seeded sample of a
 * fraction F of its positions (the same positions at every step, so the curve follows the same weights), logged
 * at 'weight-entropy/<layer>'. Layers without a kernel (batch-norm) have none; a layer with a non-finite weight
 * (a diverged run) logs nothing at that step.
 */
import { sampledEntropy } from '../../../../src-shared/compression/entropy'
import { weightEntropyProbe } from '../../../../src-shared/probes/weight-entropy'
import { deriveSeed } from '../../../../src-shared/rng'
import { isKernel } from '../../compute/network'
import { defineProbeImpl, weightedLayers } from '../context'

export default defineProbeImpl(weightEntropyProbe, (pc) => {
  const { params: p } = pc
  const kernels = weightedLayers(pc.network.model).flatMap(({ label, layer }) => {
    const kernel = layer.trainableWeights.find(isKernel)
    return kernel ? [{ key: pc.key(label), weight: kernel, seed: deriveSeed(pc.seed, label) }] : []
  })
  if (!kernels.length) return pc.skip('the network has no layers with a kernel')
  return {
    run({ step }) {
      for (const k of kernels) {
        const h = sampledEntropy(k.weight.read().dataSync(), { M: p.bits, F: p.fraction, seed: k.seed })
        if (Number.isFinite(h)) pc.run.log(k.key, step, h)
      }
    },
    dispose() {}
  }
})
