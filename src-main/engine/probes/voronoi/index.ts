/**
 * The pure Voronoi probe (shared descriptor: src-shared/probes/voronoi.ts): the chosen layer's representation
 * of the fixed sample, its pure Voronoi map (src-shared/representations/voronoi.ts), |C| and H*. For a 2-D
 * layer (2-D data at layer 0) the map is drawn: each cell of a 120 × 120 grid over the samples coloured by its
 * nearest centroid's class, the centroids and the samples.
 */
import type { ScatterPayload } from '../../../../src-shared/outputs/payloads'
import { voronoiProbe } from '../../../../src-shared/probes/voronoi'
import { pureVoronoi, type PureVoronoi } from '../../../../src-shared/representations/voronoi'
import { chunkTensors, defineProbeImpl, seededSubset } from '../context'
import { layerTaps, readTaps } from '../layerTaps'

const GRID = 120

/** The drawn map of a 2-D pure Voronoi partition. */
export function voronoiMap(x: ArrayLike<number>, labels: ArrayLike<number>, v: PureVoronoi, classes: number, name: (c: number) => string, note: string): ScatterPayload {
  const n = labels.length
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let r = 0; r < n; r++) {
    x0 = Math.min(x0, x[2 * r])
    x1 = Math.max(x1, x[2 * r])
    y0 = Math.min(y0, x[2 * r + 1])
    y1 = Math.max(y1, x[2 * r + 1])
  }
  const px = (x1 - x0) * 0.03 || 1
  const py = (y1 - y0) * 0.03 || 1
  ;[x0, x1, y0, y1] = [x0 - px, x1 + px, y0 - py, y1 + py]
  const values: number[] = []
  const k = v.centroidLabels.length
  for (let j = 0; j < GRID; j++) {
    const cy = y0 + ((j + 0.5) / GRID) * (y1 - y0)
    for (let i = 0; i < GRID; i++) {
      const cx = x0 + ((i + 0.5) / GRID) * (x1 - x0)
      let best = Infinity
      let at = 0
      for (let c = 0; c < k; c++) {
        const d = (cx - v.centroids[2 * c]) ** 2 + (cy - v.centroids[2 * c + 1]) ** 2
        if (d < best) [best, at] = [d, c]
      }
      values.push(v.centroidLabels[at])
    }
  }
  const round = (a: number) => +a.toPrecision(5)
  return {
    xLabel: 'x₁',
    yLabel: 'x₂',
    equalAxes: true,
    groups: Array.from({ length: classes }, (_, c) => {
      const idx = Array.from(labels).flatMap((l, i) => (l === c ? [i] : []))
      return { name: name(c), x: idx.map((i) => round(x[2 * i])), y: idx.map((i) => round(x[2 * i + 1])) }
    }),
    grid: { nx: GRID, ny: GRID, extent: [x0, x1, y0, y1], values, kind: 'class', label: 'cell class' },
    markers: { name: 'centroids', x: Array.from({ length: k }, (_, c) => round(v.centroids[2 * c])), y: Array.from({ length: k }, (_, c) => round(v.centroids[2 * c + 1])), group: v.centroidLabels },
    note
  }
}

export default defineProbeImpl(voronoiProbe, (pc) => {
  const { tf, network, data, params } = pc
  const src = data.source
  if (src.targets) return pc.skip('the pure Voronoi map needs class labels')
  const taps = layerTaps(tf, network.model, params.maxFeatures)
  if (typeof taps === 'string') return pc.skip(taps)
  const tap = taps.taps.find((t) => t.index === params.layer)
  if (!tap) return pc.skip(`layer ${params.layer} does not exist or is wider than ${params.maxFeatures} features`)
  const rows = seededSubset(data.train, params.samples, pc.seed)
  if (!rows.length) return pc.skip('the training split is empty')
  const labels = Int32Array.from(rows, (r) => src.labels[r])
  const chunks = chunkTensors(tf, src, rows, false)
  let input: PureVoronoi | null = null
  return {
    run({ step }) {
      let v = tap.index === 0 ? input : null
      let z: Float32Array | null = null
      if (!v || tap.features === 2) {
        const reps = readTaps(tf, taps, chunks, [tap], () => pc.run.aborted)
        if (!reps) return false
        z = reps.get(tap.index)!
      }
      // Bounded: each round costs samples × cells × width in JavaScript; past the limits the map is reported not pure.
      if (!v) v = pureVoronoi(z!, rows.length, tap.features, labels, { maxRounds: 200, maxCentroids: Math.min(rows.length, 5000) })
      if (tap.index === 0) input = v
      pc.run.log(pc.key('cells'), step, v.cells)
      pc.run.log(pc.key('entropy'), step, v.entropy)
      if (tap.features === 2) {
        const note = `layer ${tap.index} (${tap.label}): |C| = ${v.cells}, H* = ${v.entropy.toFixed(3)} bits${v.pure ? '' : ' — not pure (samples of different classes coincide, or the round limit was reached)'}`
        pc.run.logSeries(pc.key('map'), step, voronoiMap(z!, labels, v, src.classes, (c) => src.classNames?.[c] ?? `class ${c}`, note))
      }
    },
    dispose: () => tf.dispose(chunks.map((c) => c.x))
  }
})
