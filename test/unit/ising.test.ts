import { describe, expect, test } from 'vitest'
import { connectedCorrelations, packSpins, packedFromRows, spinMoments, spinMomentsPlain, unpackSpins } from '../../src-shared/ising/bitpack'
import { betheFreeEnergy, bpCorrelations, initMessages, isingEnergy, runBp, type IsingModel } from '../../src-shared/ising/bp'
import { exactMoments, exactSample, pseudoLikelihoodFit } from '../../src-shared/ising/exact'
import { fitError, fitIsing } from '../../src-shared/ising/fit'
import { detectHysteresis, entropyLandscape, entropyUpperBound, landscapeGrid } from '../../src-shared/ising/landscape'
import { createRng, type Rng } from '../../src-shared/rng'

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]))
  return d
}

function emptyModel(n: number): IsingModel {
  return { n, J: new Float64Array(n * n), h: new Float64Array(n) }
}

const setJ = (m: IsingModel, i: number, j: number, v: number) => {
  m.J[i * m.n + j] = m.J[j * m.n + i] = v
}

/** Random tree: node k hangs off a random earlier node; |J| ~ U(0.2, 1) with random sign. */
function treeModel(n: number, rng: Rng): IsingModel {
  const m = emptyModel(n)
  for (let k = 1; k < n; k++) setJ(m, k, rng.int(k), (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.2, 1))
  for (let i = 0; i < n; i++) m.h[i] = rng.uniform(-0.5, 0.5)
  return m
}

function denseModel(n: number, rng: Rng, jStd: number, hAmp: number): IsingModel {
  const m = emptyModel(n)
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) setJ(m, i, j, jStd * rng.normal())
  for (let i = 0; i < n; i++) m.h[i] = rng.uniform(-hAmp, hAmp)
  return m
}

describe('bit packing', () => {
  test('pack/unpack round trip', () => {
    const rng = createRng(1)
    for (const n of [1, 31, 32, 33, 45, 64, 100]) {
      const s = Int8Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))
      const w = packSpins(s)
      expect(w.length).toBe(Math.ceil(n / 32))
      expect(Array.from(unpackSpins(w, n))).toEqual(Array.from(s))
    }
    // Bit 1 = +1, little-endian within the word.
    expect(Array.from(packSpins([1, -1, 1]))).toEqual([5])
  })

  test('popcount moments equal the plain loops (n = 45, M = 77 and 2000)', () => {
    const rng = createRng(2)
    const n = 45
    // M = 2000 spans several 31-word popcount chunks.
    for (const count of [77, 2000]) {
    const rows = Array.from({ length: count }, () => packSpins(Array.from({ length: n }, (_, i) => (rng.next() < 0.3 + (0.4 * i) / n ? 1 : -1))))
    const data = packedFromRows(rows, n)
    const fast = spinMoments(data)
    const plain = spinMomentsPlain(data)
    expect(maxAbsDiff(fast.m, plain.m)).toBeLessThan(1e-14)
    expect(maxAbsDiff(fast.C, plain.C)).toBeLessThan(1e-14)
    for (let i = 0; i < n; i++) expect(fast.C[i * n + i]).toBe(1)
    const cc = connectedCorrelations(fast.m, fast.C, n)
    expect(cc.length).toBe((n * (n - 1)) / 2)
    expect(cc[0]).toBeCloseTo(plain.C[1] - plain.m[0] * plain.m[1], 14)
    }
  })
})

describe('belief propagation', () => {
  test('exact on a tree: m, C, Bethe F, E, S', () => {
    const rng = createRng(3)
    const model = treeModel(12, rng)
    const ex = exactMoments(model)
    const msgs = initMessages(12, rng)
    const r = runBp(model, msgs, { tol: 1e-13, tolKind: 'max' })
    expect(r.converged).toBe(true)
    expect(maxAbsDiff(r.m, ex.m)).toBeLessThan(1e-6)
    // The pair formula is BP's estimate on edges; for a non-edge (J = 0) it is just m̂_i m̂_j.
    const C = bpCorrelations(model, msgs)
    let edges = 0
    for (let k = 0; k < 144; k++) {
      if (model.J[k] === 0) continue
      edges++
      expect(Math.abs(C[k] - ex.C[k])).toBeLessThan(1e-6)
    }
    expect(edges).toBe(22)
    const b = betheFreeEnergy(model, msgs)
    expect(Math.abs(-b.F - ex.logZ)).toBeLessThan(1e-6)
    expect(Math.abs(b.S - ex.entropy)).toBeLessThan(1e-6)
    expect(Math.abs(b.E - ex.energy)).toBeLessThan(1e-6)
  })

  test('tree with an extra field: Bethe still exact', () => {
    const rng = createRng(4)
    const model = treeModel(10, rng)
    const extra = Float64Array.from({ length: 10 }, () => rng.uniform(-1, 1))
    const tilted = { ...model, h: model.h.map((v, i) => v + extra[i]) }
    const ex = exactMoments(tilted)
    const msgs = initMessages(10, rng)
    runBp(model, msgs, { tol: 1e-13, tolKind: 'max', extraField: extra })
    const b = betheFreeEnergy(model, msgs, extra)
    expect(Math.abs(-b.F - ex.logZ)).toBeLessThan(1e-6)
    expect(Math.abs(b.S - ex.entropy)).toBeLessThan(1e-6)
  })

  test('close to exact at weak coupling on a dense model (N = 14)', () => {
    const rng = createRng(5)
    const model = denseModel(14, rng, 0.05, 0.5)
    const ex = exactMoments(model)
    const msgs = initMessages(14, rng)
    const r = runBp(model, msgs, { tol: 1e-12, tolKind: 'max' })
    expect(r.converged).toBe(true)
    expect(maxAbsDiff(r.m, ex.m)).toBeLessThan(1e-3)
    const b = betheFreeEnergy(model, msgs)
    expect(Math.abs(-b.F - ex.logZ)).toBeLessThan(1e-3)
    // BP's pair correlation misses loop-mediated terms Σ_k J_ik J_kj ~ √N·J² (≈ 0.01 here), so C is looser…
    expect(maxAbsDiff(bpCorrelations(model, msgs), ex.C)).toBeLessThan(0.02)
    // …and tightens as J² at weaker coupling.
    const weak = denseModel(14, rng, 0.01, 0.5)
    const wm = initMessages(14, rng)
    runBp(weak, wm, { tol: 1e-12, tolKind: 'max' })
    expect(maxAbsDiff(bpCorrelations(weak, wm), exactMoments(weak).C)).toBeLessThan(2e-3)
  })

  test('isingEnergy matches its definition', () => {
    const m = emptyModel(3)
    setJ(m, 0, 1, 0.5)
    setJ(m, 1, 2, -1)
    m.h.set([0.1, 0.2, 0.3])
    // −(0.5·1·−1 + −1·−1·1) − (0.1 − 0.2 + 0.3)
    expect(isingEnergy(m, [1, -1, 1])).toBeCloseTo(-(-0.5 + 1) - 0.2, 14)
  })

  test('∂f/∂x = −q on the tilted Bethe free energy', () => {
    const rng = createRng(6)
    const n = 30
    const model = denseModel(n, rng, 0.05, 0.3)
    const ref = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))
    const msgs = initMessages(n, rng)
    const f = (x: number) => {
      const extra = ref.map((s) => x * s)
      const r = runBp(model, msgs, { tol: 1e-13, tolKind: 'max', extraField: extra, maxSweeps: 5000 })
      const q = r.m.reduce((a, v, i) => a + v * ref[i], 0) / n
      return { f: betheFreeEnergy(model, msgs, extra).F / n, q }
    }
    const dx = 1e-4
    for (const x of [-1, 0, 0.7]) {
      const { q } = f(x)
      const deriv = (f(x + dx).f - f(x - dx).f) / (2 * dx)
      expect(Math.abs(deriv + q)).toBeLessThan(1e-6 + 1e-4 * Math.abs(q))
    }
  })
})

describe('fitting', () => {
  test('fitIsing recovers moments of exact samples and the couplings', () => {
    const rng = createRng(7)
    const n = 10
    const truth = denseModel(n, rng, 0.1, 0.3)
    const data = exactSample(truth, 50_000, rng)
    const { m, C } = spinMoments(data)
    const fit = fitIsing({ n, m, C }, { rng: createRng(8) })
    expect(fit.bestDelta).toBeLessThan(0.02)
    expect(fit.converged).toBe(true)
    expect(fitError(m, C, fit.modelM, fit.modelC, n)).toBeCloseTo(fit.bestDelta, 12)
    expect(fit.deltas[fit.bestStep]).toBe(fit.bestDelta)
    // J error: sampling noise plus BP's missing loop terms (both a few 0.01 here).
    expect(maxAbsDiff(fit.model.J, truth.J)).toBeLessThan(0.1)
    expect(maxAbsDiff(fit.model.h, truth.h)).toBeLessThan(0.1)
  })

  test('pseudo-likelihood recovers J of a known model', () => {
    const rng = createRng(9)
    const n = 10
    const truth = denseModel(n, rng, 0.3, 0.5)
    const data = exactSample(truth, 20_000, rng)
    const fit = pseudoLikelihoodFit(data, { maxSamples: 20_000 })
    expect(maxAbsDiff(fit.J, truth.J)).toBeLessThan(0.1)
    expect(maxAbsDiff(fit.h, truth.h)).toBeLessThan(0.1)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(fit.J[i * n + j]).toBe(fit.J[j * n + i])
  })
})

describe('entropy landscape', () => {
  test('grid: 241 points, 3 → −3 → 3, no duplicated turning point', () => {
    const g = landscapeGrid()
    // 121 going down (3 … −3 in 0.05), 120 coming back.
    expect(g.length).toBe(241)
    expect(g[0]).toEqual({ x: 3, direction: 'down' })
    expect(g[120]).toEqual({ x: -3, direction: 'down' })
    expect(g[121]).toEqual({ x: -2.95, direction: 'up' })
    expect(landscapeGrid(3, 0.025).length).toBe(481)
    expect(g.at(-1)).toEqual({ x: 3, direction: 'up' })
    expect(g.some((p) => p.x === 0.15)).toBe(true)
  })

  test('upper bound', () => {
    expect(entropyUpperBound(0)).toBe(0)
    expect(entropyUpperBound(1)).toBe(0)
    expect(entropyUpperBound(0.5)).toBeCloseTo(Math.LN2, 14)
  })

  test('hysteresis in a strongly coupled ferromagnet, none in a weak model', () => {
    const n = 60
    const ferro = emptyModel(n)
    ferro.J.fill(0.05)
    for (let i = 0; i < n; i++) ferro.J[i * n + i] = 0
    const ref = new Float64Array(n).fill(1)
    const strong = entropyLandscape(ferro, ref, { rng: createRng(10) })
    expect(strong.points.length).toBe(241)
    expect(strong.hysteresis.detected).toBe(true)
    expect(strong.hysteresis.jumpDown!).toBeLessThan(0)
    expect(strong.hysteresis.jumpUp!).toBeGreaterThan(0)
    // Before the jump on the way down the state stays near σ*; entropy never beats the bound.
    const at0 = strong.points.find((p) => p.x === 0 && p.direction === 'down')!
    expect(at0.d).toBeLessThan(0.1)
    for (const p of strong.points) expect(p.s).toBeLessThan(entropyUpperBound(p.d) + 1e-5)

    const rng = createRng(11)
    const weak = denseModel(n, rng, 0.02, 0.1)
    const wref = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))
    const w = entropyLandscape(weak, wref, { rng: createRng(12) })
    expect(w.hysteresis.detected).toBe(false)
    expect(w.hysteresis.maxGap).toBeLessThan(1e-3)
    expect(w.points.every((p) => p.converged)).toBe(true)
    expect(detectHysteresis(w.points, { gap: 0 }).detected).toBe(w.hysteresis.maxGap > 0)
  })
})
