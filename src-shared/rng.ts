/**
 * Seeded pseudo-random numbers (mulberry32). Pure and tiny so engine, workers and tests share one
 * definition: the same seed gives the same stream on every machine, which is what makes runs reproducible.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number
  /** Standard normal (Box–Muller). */
  normal(): number
  /** Integer in [0, n). */
  int(n: number): number
  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T
  /** The generator's whole state (one 32-bit integer), to continue the same stream later (checkpoints). */
  getState(): number
  setState(state: number): void
}

export function createRng(seed: number): Rng {
  let s = (seed >>> 0) ^ 0x9e3779b9
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng: Rng = {
    next,
    getState: () => s,
    setState: (state) => {
      s = state >>> 0
    },
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      const u = 1 - next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    int: (n) => Math.floor(next() * n),
    shuffle: (a) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const t = a[i]
        a[i] = a[j]
        a[j] = t
      }
      return a
    }
  }
  return rng
}

/** Derive an independent seed for a named sub-stream (data, init, shuffling) from one run seed. */
export function deriveSeed(seed: number, stream: string): number {
  let h = 2166136261 ^ (seed >>> 0)
  for (let i = 0; i < stream.length; i++) {
    h = Math.imul(h ^ stream.charCodeAt(i), 16777619)
  }
  return h >>> 0
}
