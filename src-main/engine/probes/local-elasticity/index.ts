/**
 * The local-elasticity probe on any run (shared descriptor: src-shared/probes/local-elasticity.ts): on a fixed
 * seeded subset of the training points, the exact LE from the first `basePoints` of them to all of them (and
 * the first-order S_ker when asked for). Logs 'local-elasticity/matrix' (ElasticityMatrixPayload with the probe
 * points) and 'local-elasticity/locality'.
 */
import type { Tensor } from '@tensorflow/tfjs'
import { localElasticityProbe } from '../../../../src-shared/probes/local-elasticity'
import { deriveSeed } from '../../../../src-shared/rng'
import { gather } from '../../training/data'
import { defineProbeImpl, seededSubset } from '../context'
import { matrixPayload, probeRows, rounded } from './rows'

export default defineProbeImpl(localElasticityProbe, (pc) => {
  const { tf, params: p, network, data } = pc
  if (!network.lossName) return pc.skip('it needs the squared or cross-entropy loss of the network')
  if (data.source.targets) return pc.skip('it needs class labels (this run trains on other targets)')
  const train = data.train
  // The subset's seed is the one the probe used before the registry, so runs keep their numbers.
  const chosen = seededSubset(train, p.testPoints, deriveSeed(pc.runSeed, network.name ? `elasticity-probe/${network.name}` : 'elasticity-probe'))
  const m = chosen.length
  if (m < 2) return pc.skip('the training split has fewer than 2 points')
  const src = data.source
  const bases = Array.from({ length: Math.min(p.basePoints, m) }, (_, i) => i)
  const { x, y } = gather(src, chosen, 0, m)
  const labels = chosen.map((i) => src.labels[i])
  const shownDims = Math.min(3, src.dims)
  const shown = { dims: shownDims, x: rounded(Array.from({ length: m * shownDims }, (_, i) => x[Math.floor(i / shownDims) * src.dims + (i % shownDims)])), label: labels }
  const xTest: Tensor = tf.tensor(x, [m, ...src.sample])
  const yTest: Tensor = tf.tensor2d(y, [m, src.classes])
  const xBase = xTest.slice([0], [bases.length])
  const yBase = yTest.slice([0], [bases.length])
  return {
    run({ step }) {
      const rows = probeRows(tf, network.model, network.lossName!, xBase, yBase, xTest, { gamma: p.gamma, kernel: p.kernel, aborted: () => pc.run.aborted })
      if (!rows) return false
      const payload = matrixPayload(rows, bases, x, src.dims, labels, p.k, shown)
      pc.run.logSeries(pc.key('matrix'), step, payload)
      pc.run.log(pc.key('locality'), step, payload.locality)
    },
    dispose: () => tf.dispose([xTest, yTest, xBase, yBase])
  }
})
