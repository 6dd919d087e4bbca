/**
 * The softmax-normaliser probe (shared descriptor: src-shared/probes/softmax-normaliser.ts): on a fixed seeded
 * subset of the training rows, log s = logsumexp(x) of every example's inference-mode outputs (tfjs subtracts the
 * row's maximum first, so it cannot overflow), read back once per chunk; logged: the mean of log s, the median
 * of s (exp of the median log, exact since exp is monotone) and the mean of s, each where finite in float64.
 */
import { softmaxNormaliserProbe } from '../../../../src-shared/probes/softmax-normaliser'
import { median } from '../../../../src-shared/studies/arms'
import { chunkTensors, defineProbeImpl, seededSubset } from '../context'

/** Mean of log s, median of s, mean of s (NaN or ∞ where they do not fit a float64), from the examples' log s. */
export function normaliserStats(logS: readonly number[]): { logMean: number; median: number; mean: number } {
  const finite = logS.filter(Number.isFinite)
  if (!finite.length) return { logMean: NaN, median: NaN, mean: NaN }
  const logMean = finite.reduce((a, b) => a + b, 0) / finite.length
  // mean of s = e^{m} · mean(e^{log s − m}) with m = max log s: the sum stays in range; only the result can overflow.
  const m = Math.max(...finite)
  const mean = Math.exp(m) * (finite.reduce((a, v) => a + Math.exp(v - m), 0) / finite.length)
  return { logMean, median: Math.exp(median(finite)), mean }
}

export default defineProbeImpl(softmaxNormaliserProbe, (pc) => {
  const { tf, network, data, params: p } = pc
  const rows = seededSubset(data.train, p.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const chunks = chunkTensors(tf, data.source, rows, false)
  return {
    run({ step }) {
      const logS: number[] = []
      for (const c of chunks) {
        if (pc.run.aborted) return false
        const l = tf.tidy(() => tf.logSumExp(network.infer(c.x), -1))
        logS.push(...(l.dataSync() as Float32Array))
        l.dispose()
      }
      const s = normaliserStats(logS)
      pc.run.log(pc.key('log_mean'), step, s.logMean)
      pc.run.log(pc.key('median'), step, s.median)
      pc.run.log(pc.key('mean'), step, s.mean)
    },
    dispose: () => tf.dispose(chunks.map((c) => c.x))
  }
})
