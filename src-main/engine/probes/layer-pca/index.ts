/**
 * The layer-PCA probe (shared descriptor: src-shared/probes/layer-pca.ts): the fixed sample's rows of the
 * chosen classes, each chosen tap's covariance on the backend, its top two eigenvectors in float64
 * (ml-matrix), and the rows projected on them — one scatter per layer and epoch. A component's sign is fixed so
 * its largest loading is positive, so the picture does not flip between epochs for no reason.
 */
import type { ScatterPayload } from '../../../../src-shared/outputs/payloads'
import { layerPcaProbe } from '../../../../src-shared/probes/layer-pca'
import { symmetricEigen } from '../../../../src-shared/representations/lsd'
import { addMoments, covariance, emptyMoments } from '../../../../src-shared/representations/moments'
import type { tf as TF } from '../../compute/backend'
import { chunkTensors, defineProbeImpl, seededSubset } from '../context'
import { layerTaps, readTaps } from '../layerTaps'

/** The rows of z (n × d) projected on its first two principal components. */
export function project2(tf: typeof TF, z: Float32Array, n: number, d: number): { a: Float64Array; b: Float64Array } {
  const mo = emptyMoments(d, 1)
  const packed = tf.tidy(() => {
    const t = tf.tensor2d(z, [n, d])
    return tf.concat([tf.matMul(t, t, true, false).reshape([-1]), t.sum(0)])
  })
  const v = packed.dataSync()
  packed.dispose()
  addMoments(mo, n, v.subarray(0, d * d), [], v.subarray(d * d), [])
  const cov = covariance(mo)
  const { vectors } = symmetricEigen(cov, d)
  const mean = Float64Array.from(mo.zSum, (s) => s / n)
  const comps = [0, 1].map((k) => {
    const v = Float64Array.from({ length: d }, (_, j) => (k < d ? vectors.get(j, k) : 0))
    let big = 0
    for (let j = 0; j < d; j++) if (Math.abs(v[j]) > Math.abs(big)) big = v[j]
    if (big < 0) for (let j = 0; j < d; j++) v[j] = -v[j]
    return v
  })
  const a = new Float64Array(n)
  const b = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    let s0 = 0
    let s1 = 0
    for (let j = 0; j < d; j++) {
      const c = z[r * d + j] - mean[j]
      s0 += c * comps[0][j]
      s1 += c * comps[1][j]
    }
    a[r] = s0
    b[r] = s1
  }
  return { a, b }
}

export default defineProbeImpl(layerPcaProbe, (pc) => {
  const { tf, network, data, params } = pc
  const src = data.source
  if (src.targets) return pc.skip('the PCA scatter colours samples by class label')
  const bad = params.classes.filter((c: number) => c >= src.classes)
  if (bad.length) return pc.skip(`class ${bad.join(', ')} does not exist (${src.classes} classes)`)
  const taps = layerTaps(tf, network.model, params.maxFeatures)
  if (typeof taps === 'string') return pc.skip(taps)
  const chosen = params.layers.length ? taps.taps.filter((t) => params.layers.includes(t.index)) : taps.taps
  if (!chosen.length) return pc.skip(`none of layers ${params.layers.join(', ')} exists (or all are wider than ${params.maxFeatures})`)
  const wanted = new Set<number>(params.classes)
  const rows = seededSubset(data.train.filter((r) => wanted.has(src.labels[r])), params.samples, pc.seed)
  if (rows.length < 3) return pc.skip('fewer than 3 training rows of the chosen classes')
  const labels = rows.map((r) => src.labels[r])
  const chunks = chunkTensors(tf, src, rows, false)
  const name = (c: number) => src.classNames?.[c] ?? `class ${c}`
  return {
    run({ step }) {
      const reps = readTaps(tf, taps, chunks, chosen, () => pc.run.aborted)
      if (!reps) return false
      for (const t of chosen) {
        const { a, b } = project2(tf, reps.get(t.index)!, rows.length, t.features)
        const payload: ScatterPayload = {
          xLabel: 'PC 1',
          yLabel: 'PC 2',
          groups: params.classes.map((c: number) => {
            const idx = labels.flatMap((l, i) => (l === c ? [i] : []))
            return { name: name(c), x: idx.map((i) => +a[i].toPrecision(5)), y: idx.map((i) => +b[i].toPrecision(5)) }
          }),
          note: `layer ${t.index} (${t.label}, ${t.features} features), ${rows.length} training rows`
        }
        pc.run.logSeries(pc.key(`layer${t.index}`), step, payload)
      }
    },
    dispose: () => tf.dispose(chunks.map((c) => c.x))
  }
})
