/**
 * Mini-batches of sample types for Algorithm 1: shuffled epochs (every type appears its weight's number of
 * times per epoch, rounded; batches run on across epoch boundaries) or i.i.d. draws with probability ∝ weight.
 */
import type { Rng } from '../rng'
import type { CompiledGraph } from './compile'

export type Sampling = 'epochs' | 'iid'

export interface Sampler {
  next(): Int32Array
  /** Sample types drawn so far divided by the epoch length (epochs sampling), or by the number of types. */
  epochs(): number
}

export function createSampler(c: CompiledGraph, kind: Sampling, batchSize: number, rng: Rng): Sampler {
  const batch = new Int32Array(batchSize)
  let drawn = 0
  if (kind === 'epochs') {
    const pool: number[] = []
    c.samples.forEach((s, i) => {
      for (let r = 0; r < Math.round(s.weight); r++) pool.push(i)
    })
    if (pool.length === 0) throw new Error('no sample type has a weight ≥ 0.5: an epoch would be empty')
    const order = Int32Array.from(pool)
    let pos = order.length
    return {
      next() {
        for (let b = 0; b < batchSize; b++) {
          if (pos === order.length) {
            rng.shuffle(order)
            pos = 0
          }
          batch[b] = order[pos++]
        }
        drawn += batchSize
        return batch
      },
      epochs: () => drawn / order.length
    }
  }
  const cum = new Float64Array(c.samples.length)
  let total = 0
  c.samples.forEach((s, i) => (cum[i] = total += s.weight))
  if (!(total > 0)) throw new Error('every sample type has weight 0: nothing to sample')
  return {
    next() {
      for (let b = 0; b < batchSize; b++) {
        const u = rng.next() * total
        let lo = 0
        let hi = cum.length - 1
        while (lo < hi) {
          const mid = (lo + hi) >> 1
          if (cum[mid] > u) hi = mid
          else lo = mid + 1
        }
        batch[b] = lo
      }
      drawn += batchSize
      return batch
    },
    epochs: () => drawn / c.samples.length
  }
}

/** Non-integer weights are rounded by epoch sampling: say so. */
export function samplingWarnings(c: CompiledGraph, kind: Sampling): string[] {
  if (kind !== 'epochs') return []
  const odd = c.samples.filter((s) => Math.round(s.weight) !== s.weight).map((s) => `${s.name} (${s.weight})`)
  return odd.length ? [`shuffled epochs repeat each sample type a whole number of times: weights rounded for ${odd.join(', ')}`] : []
}
