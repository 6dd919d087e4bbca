/**
 * The LSD probe (shared descriptor: src-shared/probes/lsd.ts): per chunk of the fixed sample, every tap's
 * ZᵀZ, ZᵀY, ΣZ and ΣY on the backend (BLAS products on `blas`), read back once per chunk and summed in
 * float64; the solve is src-shared/representations/lsd.ts (ml-matrix, float64). The input's moments never
 * change, so layer 0 is measured once and reused.
 */
import type { Tensor } from '@tensorflow/tfjs'
import { lsdProbe } from '../../../../src-shared/probes/lsd'
import { lsdFromMoments } from '../../../../src-shared/representations/lsd'
import { addMoments, emptyMoments, type Moments } from '../../../../src-shared/representations/moments'
import { chunkTensors, defineProbeImpl, PROBE_CHUNK, seededSubset } from '../context'
import { layerTaps, oneHotRows } from '../layerTaps'

export default defineProbeImpl(lsdProbe, (pc) => {
  const { tf, network, data, params } = pc
  const src = data.source
  if (src.targets || src.classes < 2) return pc.skip('the LSD needs class labels (one-hot targets)')
  const taps = layerTaps(tf, network.model, params.maxFeatures)
  if (typeof taps === 'string') return pc.skip(taps)
  const rows = seededSubset(data.train, params.samples, pc.seed)
  if (rows.length < 2) return pc.skip('the training split has fewer than 2 rows')
  const chunks = chunkTensors(tf, src, rows, false)
  const labels = chunks.map((c, i) => oneHotRows(tf, src.labels, rows, i * PROBE_CHUNK, c.size, src.classes))
  let inputLsd: number | null = null
  return {
    run({ step }) {
      const measured = taps.taps.filter((t) => t.index > 0 || inputLsd === null)
      const moments: Moments[] = measured.map((t) => emptyMoments(t.features, src.classes))
      for (let ci = 0; ci < chunks.length; ci++) {
        if (pc.run.aborted) return false
        const packed = tf.tidy(() => {
          const all = taps.apply(chunks[ci].x)
          const y = labels[ci]
          const parts: Tensor[] = []
          taps.taps.forEach((t, i) => {
            if (!measured.includes(t)) return
            const z = all[i]
            parts.push(tf.matMul(z, z, true, false).reshape([-1]), tf.matMul(z, y, true, false).reshape([-1]), z.sum(0), y.sum(0))
          })
          return tf.concat(parts)
        })
        const v = packed.dataSync()
        packed.dispose()
        let at = 0
        for (const mo of moments) {
          const { d, c } = mo
          const take = (len: number) => v.subarray(at, (at += len))
          addMoments(mo, chunks[ci].size, take(d * d), take(d * c), take(d), take(c))
        }
      }
      const values = new Map<number, number>()
      measured.forEach((t, i) => values.set(t.index, lsdFromMoments(moments[i], params).lsd))
      if (inputLsd === null && values.has(0)) inputLsd = values.get(0)!
      if (inputLsd !== null) values.set(0, inputLsd)
      const ordered = taps.taps.filter((t) => values.has(t.index))
      for (const t of ordered) pc.run.log(pc.key(`layer${t.index}`), step, values.get(t.index)!)
      pc.run.logSeries(pc.key('curve'), step, {
        xLabel: 'layer index (0 = input)',
        yLabel: 'least-squares distance',
        x: ordered.map((t) => t.index),
        series: [{ name: network.name ? `LSD (${network.name})` : 'LSD', y: ordered.map((t) => (Number.isFinite(values.get(t.index)!) ? values.get(t.index)! : null)) }]
      })
    },
    dispose: () => tf.dispose([...chunks.map((c) => c.x), ...labels])
  }
})
