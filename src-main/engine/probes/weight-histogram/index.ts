/**
 * The weight-histogram probe (shared descriptor: src-shared/probes/weight-histogram.ts): at each due epoch, a
 * histogram of every weighted layer's multiplicative weights — the kernel of dense and conv layers, the scale
 * γ of batch-norm — at 'weight-histogram/<layer>', and with `biases` of its additive ones (bias, batch-norm's
 * β) at 'weight-histogram/<layer>.bias' (a '.', so the declared 'weight-histogram/*' matches it). Bins span the
 * layer's smallest to largest value at that step. Reading a variable creates no tensor and changes nothing.
 */
import type { HistogramPayload } from '../../../../src-shared/outputs/payloads'
import { weightHistogramProbe } from '../../../../src-shared/probes/weight-histogram'
import { weightName } from '../../compute/network'
import { defineProbeImpl, weightedLayers } from '../context'

type LayerWeight = ReturnType<typeof weightedLayers>[number]['layer']['trainableWeights'][number]

/**
 * Histogram of the finite values in `bins` equal bins from their min to their max (the max falls in the last
 * bin). All values equal (zero biases at initialisation): one unit-wide range centred on the value. Null when
 * no value is finite (a diverged network: nothing to draw).
 */
export function histogram(values: ArrayLike<number>, bins: number): HistogramPayload | null {
  let n = 0
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    n++
    sum += v
    if (v < min) min = v
    if (v > max) max = v
  }
  if (n === 0) return null
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) squares += (values[i] - mean) ** 2
  const [lo, hi] = min < max ? [min, max] : [min - 0.5, max + 0.5]
  const width = (hi - lo) / bins
  const counts = new Array<number>(bins).fill(0)
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width))
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++
  }
  return { edges, counts, min, max, mean, std: Math.sqrt(squares / n) }
}

export default defineProbeImpl(weightHistogramProbe, (pc) => {
  const { params: p } = pc
  const measured: { key: string; weight: LayerWeight }[] = []
  for (const { label, layer } of weightedLayers(pc.network.model)) {
    const ws = layer.trainableWeights
    const main = ws.find((w) => /(kernel|gamma)$/.test(weightName(w))) ?? ws[0]
    measured.push({ key: pc.key(label), weight: main })
    const bias = p.biases ? ws.find((w) => w !== main && /(bias|beta)$/.test(weightName(w))) : undefined
    if (bias) measured.push({ key: pc.key(`${label}.bias`), weight: bias })
  }
  if (!measured.length) return pc.skip('the network has no layers with trainable weights')
  return {
    run({ step }) {
      for (const m of measured) {
        const h = histogram(m.weight.read().dataSync(), p.bins)
        if (h) pc.run.logSeries(m.key, step, h)
      }
    },
    dispose() {}
  }
})
