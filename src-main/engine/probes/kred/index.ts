/**
 * The k-redundancy probe (shared descriptor: src-shared/probes/kred.ts): every tap's representation of the
 * fixed sample, its max(k) nearest neighbours on the backend (src-main/engine/compute/neighbours.ts; in the
 * whole sample or within chunks), then for each k the fraction of samples whose k neighbours all share their
 * class. The input never changes, so layer 0's figures are computed once.
 */
import { kredProbe } from '../../../../src-shared/probes/kred'
import { kRedundancy } from '../../../../src-shared/representations/redundancy'
import { nearestNeighbours } from '../../compute/neighbours'
import { chunkTensors, defineProbeImpl, seededSubset } from '../context'
import { layerTaps, readTaps } from '../layerTaps'

export default defineProbeImpl(kredProbe, (pc) => {
  const { tf, network, data, params } = pc
  const src = data.source
  const taps = layerTaps(tf, network.model, params.maxFeatures)
  if (typeof taps === 'string') return pc.skip(taps)
  const rows = seededSubset(data.train, params.samples, pc.seed)
  const K = Math.max(...params.ks)
  const size = params.chunk > 0 ? Math.min(params.chunk, rows.length) : rows.length
  if (size <= K) return pc.skip(`k = ${K} needs more than ${K} rows per neighbour search (the sample has ${rows.length})`)
  const labels = Int32Array.from(rows, (r) => src.labels[r])
  const chunks = chunkTensors(tf, src, rows, false)
  let input: number[] | null = null
  return {
    run({ step }) {
      const chosen = taps.taps.filter((t) => t.index > 0 || input === null)
      const reps = readTaps(tf, taps, chunks, chosen, () => pc.run.aborted)
      if (!reps) return false
      const values = new Map<number, number[]>()
      for (const t of chosen) {
        const nb = nearestNeighbours(tf, reps.get(t.index)!, rows.length, t.features, K, { chunk: params.chunk, progress: () => !pc.run.aborted })
        if (!nb) return false
        values.set(t.index, params.ks.map((k: number) => kRedundancy(nb, K, labels, k)))
      }
      if (input === null) input = values.get(0) ?? null
      if (input) values.set(0, input)
      const ordered = taps.taps.filter((t) => values.has(t.index))
      for (const t of ordered) params.ks.forEach((k: number, i: number) => pc.run.log(pc.key(`k${k}/layer${t.index}`), step, values.get(t.index)![i]))
      pc.run.logSeries(pc.key('curves'), step, {
        xLabel: 'layer index (0 = input)',
        yLabel: 'k-redundant samples',
        percent: true,
        x: ordered.map((t) => t.index),
        series: params.ks.map((k: number, i: number) => ({ name: `k = ${k}`, y: ordered.map((t) => values.get(t.index)![i]) }))
      })
    },
    dispose: () => tf.dispose(chunks.map((c) => c.x))
  }
})
