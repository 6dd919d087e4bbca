/**
 * The generators of src-shared/generators.ts made real: (id, params, seed) → arrays, seeded by
 * src-shared/rng.ts, so the same params and seed give byte-identical arrays on every machine.
 * The training study's inline toy kinds (toy.ts) call the same functions.
 */
import type { DatasetShape } from '../../../src-shared/datasets'
import { findGenerator, resolveGeneratorParams, type GeneratorParams } from '../../../src-shared/generators'
import { createRng, type Rng } from '../../../src-shared/rng'

export interface GeneratedData {
  /** Row-major n × dims. */
  x: Float32Array
  /** Classification: class index per point. Regression: one target per point. */
  y: Int32Array | Float32Array
  shape: DatasetShape
  classNames: string[] | null
}

type P = Record<string, any>
type Put = (i: number, coords: number[], label: number) => void
type Impl = (p: P, rng: Rng, put: Put) => void

/**
 * The Playground-style 2-D generators. Their bodies (and the order of random draws) are those the training
 * study has always used: changing them changes every stored run's data.
 */
const IMPLS: Record<string, Impl> = {
  // Two interleaved Archimedean spirals in [−1, 1]²: θ = √u·3π, r = θ/3π, class 1 is class 0 rotated by π.
  'two-spirals': (p, rng, put) => {
    const half = Math.floor(p.n / 2)
    for (let i = 0; i < p.n; i++) {
      const label = i < half ? 0 : 1
      const theta = Math.sqrt(rng.next()) * 3 * Math.PI
      const r = theta / (3 * Math.PI)
      const sign = label === 0 ? 1 : -1
      put(i, [sign * r * Math.cos(theta) + p.noise * rng.normal(), sign * r * Math.sin(theta) + p.noise * rng.normal()], label)
    }
  },
  // Uniform on [−0.5, 0.5]², label = (⌊c(x+½)⌋ + ⌊c(y+½)⌋) mod 2; noise jitters positions after labelling.
  checkerboard: (p, rng, put) => {
    const c = p.cells
    for (let i = 0; i < p.n; i++) {
      const a = rng.uniform(-0.5, 0.5)
      const b = rng.uniform(-0.5, 0.5)
      const label = (Math.min(c - 1, Math.floor(c * (a + 0.5))) + Math.min(c - 1, Math.floor(c * (b + 0.5)))) % 2
      put(i, [a + 0.5 * p.noise * rng.normal(), b + 0.5 * p.noise * rng.normal()], label)
    }
  },
  // TensorFlow Playground's circle: a disc r < 2.5 (class 1) against a ring 3.5 < r < 5 (class 0).
  circles: (p, rng, put) => {
    const radius = 5
    for (let i = 0; i < p.n; i++) {
      const inner = i < Math.floor(p.n / 2)
      const r = inner ? rng.uniform(0, radius * 0.5) : rng.uniform(radius * 0.7, radius)
      const angle = rng.uniform(0, 2 * Math.PI)
      const jitter = () => rng.uniform(-radius, radius) * p.noise
      put(i, [r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter()], inner ? 1 : 0)
    }
  },
  // Playground XOR: uniform on [−5, 5]² kept 0.3 away from the axes, label 1 where x·y > 0.
  xor: (p, rng, put) => {
    const pad = 0.3
    for (let i = 0; i < p.n; i++) {
      let a = rng.uniform(-5, 5)
      let b = rng.uniform(-5, 5)
      a += a > 0 ? pad : -pad
      b += b > 0 ? pad : -pad
      const label = a * b >= 0 ? 1 : 0
      put(i, [a + rng.uniform(-5, 5) * p.noise, b + rng.uniform(-5, 5) * p.noise], label)
    }
  },
  // Playground's two Gaussians at (2, 2) and (−2, −2); noise widens them (σ from 0.5 to 4).
  'gaussian-blobs': (p, rng, put) => {
    const sigma = 0.5 + 3.5 * p.noise
    for (let i = 0; i < p.n; i++) {
      const label = i < Math.floor(p.n / 2) ? 1 : 0
      const c = label === 1 ? 2 : -2
      put(i, [c + sigma * rng.normal(), c + sigma * rng.normal()], label)
    }
  },
  // Playground's spiral: per class n/2 points, r = 5·i/(n/2), t = 1.75·2π·i/(n/2) + (0 or π).
  spiral: (p, rng, put) => {
    const half = Math.floor(p.n / 2)
    for (let i = 0; i < p.n; i++) {
      const label = i < half ? 1 : 0
      const k = label === 1 ? i : i - half
      const m = label === 1 ? half : p.n - half
      const r = (k / m) * 5
      const t = ((1.75 * k) / m) * 2 * Math.PI + (label === 1 ? 0 : Math.PI)
      put(i, [r * Math.sin(t) + rng.uniform(-1, 1) * p.noise, r * Math.cos(t) + rng.uniform(-1, 1) * p.noise], label)
    }
  },
  // Uniform on a width × height rectangle centred at 0; x₁ < 0 by a fine board, x₁ ≥ 0 by a coarse one.
  'mixed-checkerboard': (p, rng, put) => {
    for (let i = 0; i < p.n; i++) {
      const a = rng.uniform(-p.width / 2, p.width / 2)
      const b = rng.uniform(-p.height / 2, p.height / 2)
      const side = a < 0 ? p.fineCell : p.coarseCell
      const label = (((Math.floor(a / side) + Math.floor(b / side)) % 2) + 2) % 2
      put(i, [a, b], label)
    }
  },
  // x uniform on [−1, 1]², label 1 where x₂ > A·sin(π f x₁); a fraction `labelNoise` of labels flipped.
  'sinusoid-boundary': (p, rng, put) => {
    for (let i = 0; i < p.n; i++) {
      const a = rng.uniform(-1, 1)
      const b = rng.uniform(-1, 1)
      let label = b - p.amplitude * Math.sin(Math.PI * p.frequency * a) > 0 ? 1 : 0
      if (p.labelNoise > 0 && rng.next() < p.labelNoise) label = 1 - label
      put(i, [a, b], label)
    }
  },
  // 3-D: x = cos t, y = sin t, z = t/2π for t ∈ [0, 2π·turns]; class 1 is the helix shifted by π.
  'double-helix': (p, rng, put) => {
    const half = Math.floor(p.n / 2)
    for (let i = 0; i < p.n; i++) {
      const label = i < half ? 0 : 1
      const t = rng.uniform(0, 2 * Math.PI * p.turns)
      const phase = label === 0 ? 0 : Math.PI
      put(i, [Math.cos(t + phase) + p.noise * rng.normal(), Math.sin(t + phase) + p.noise * rng.normal(), t / (2 * Math.PI) + p.noise * rng.normal()], label)
    }
  },
  // 3-D: two thin 2 × 2 boxes stacked `gap` apart (centres z = ±gap/2, thickness `thickness`), folded
  // together like a sheet of paper along the line x = 0, z = gap: the x < 0 halves turn up about that line
  // by `foldAngle`. At 180° the layers read, bottom to top, class 1, 0, 0, 1 — the classes interleave.
  'folded-boxes': (p, rng, put) => {
    const half = Math.floor(p.n / 2)
    const angle = (p.foldAngle * Math.PI) / 180
    const c = Math.cos(angle)
    const s = Math.sin(angle)
    const z0 = p.gap
    for (let i = 0; i < p.n; i++) {
      const label = i < half ? 0 : 1
      const u = rng.uniform(-1, 1)
      const v = rng.uniform(-1, 1)
      const w = (label === 0 ? p.gap / 2 : -p.gap / 2) + rng.uniform(-p.thickness / 2, p.thickness / 2)
      let x = u
      let z = w
      if (u < 0) {
        x = u * c + (w - z0) * s
        z = z0 - u * s + (w - z0) * c
      }
      put(i, [x + p.noise * rng.normal(), v + p.noise * rng.normal(), z + p.noise * rng.normal()], label)
    }
  }
}

/** x = linspace(−1, 1, n), y = sin(π·periods·x) + noise. */
function sineRegression(p: P, rng: Rng): GeneratedData {
  const x = new Float32Array(p.n)
  const y = new Float32Array(p.n)
  for (let i = 0; i < p.n; i++) {
    const t = p.n === 1 ? 0 : -1 + (2 * i) / (p.n - 1)
    x[i] = t
    y[i] = Math.sin(Math.PI * p.periods * t) + (p.noise > 0 ? p.noise * rng.normal() : 0)
  }
  return { x, y, shape: { n: p.n, sample: [1], dtype: 'float32', task: 'regression', classes: null, targets: 1 }, classNames: null }
}

/**
 * Run generator `id` with already-resolved params (see resolveGeneratorParams). Throws on an unknown id.
 */
export function runGenerator(id: string, params: P, seed: number): GeneratedData {
  const desc = findGenerator(id)
  if (!desc) throw new Error(`unknown generator "${id}"`)
  const rng = createRng(seed)
  if (id === 'sine-regression') return sineRegression(params, rng)
  const impl = IMPLS[id]
  if (!impl) throw new Error(`generator "${id}" has no implementation`)
  const dims = desc.dims
  const n = params.n as number
  const x = new Float32Array(n * dims)
  const y = new Int32Array(n)
  impl(params, rng, (i, coords, label) => {
    for (let d = 0; d < dims; d++) x[i * dims + d] = coords[d]
    y[i] = label
  })
  return { x, y, shape: { n, sample: [dims], dtype: 'float32', task: 'classification', classes: 2, targets: 1 }, classNames: null }
}

/** Validate params (defaults filled in) and generate. Throws an Error naming every problem. */
export function generate(id: string, given: GeneratorParams | undefined, seed: number): GeneratedData & { params: GeneratorParams } {
  const r = resolveGeneratorParams(id, given)
  if (!r.ok) throw new Error(r.problems.join('; '))
  return { ...runGenerator(id, r.params, seed), params: r.params }
}
