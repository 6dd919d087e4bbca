/**
 * The dataset generators of the library (shared/studies/datasets.md): what each one makes and its
 * parameters with their defaults, enough for the renderer to build a form and for the engine to validate
 * a `datasets.generate` call. Pure TypeScript: the arrays themselves are made in the engine.
 */
import type { GeneratorDescriptor, ParamSpec } from './datasets'

const n = (def: number, min = 10, max = 200_000): ParamSpec => ({ key: 'n', label: 'Points', type: 'int', default: def, min, max })
const noise = (def = 0, max = 1, help?: string): ParamSpec => ({ key: 'noise', label: 'Noise', type: 'number', default: def, min: 0, max, help })

export const GENERATORS: GeneratorDescriptor[] = [
  {
    id: 'checkerboard',
    title: 'Checkerboard',
    source: 'thesis §5.4.2, §7.7 — plain SGD gets stuck near 51–53 % training accuracy',
    dims: 2,
    task: 'classification',
    params: [
      n(5000),
      { key: 'cells', label: 'Cells per side', type: 'int', default: 8, min: 1, max: 64 },
      noise(0, 1, 'Gaussian jitter of the positions after labelling (σ = noise / 2)')
    ]
  },
  {
    id: 'mixed-checkerboard',
    title: 'Mixed checkerboard',
    source: 'thesis §8.3.2 — a fine board for x₁ < 0, a coarse one for x₁ > 0',
    dims: 2,
    task: 'classification',
    params: [
      n(5000),
      { key: 'width', label: 'Width', type: 'number', default: 2, min: 0.1, max: 100 },
      { key: 'height', label: 'Height', type: 'number', default: 1, min: 0.1, max: 100 },
      { key: 'fineCell', label: 'Fine cell side (x₁ < 0)', type: 'number', default: 0.125, min: 0.001, max: 100 },
      { key: 'coarseCell', label: 'Coarse cell side (x₁ > 0)', type: 'number', default: 0.5, min: 0.001, max: 100 }
    ]
  },
  {
    id: 'sinusoid-boundary',
    title: 'Sinusoid boundary',
    source: 'thesis Figs 5.11–5.13 (domain and amplitude are the lab’s defaults)',
    dims: 2,
    task: 'classification',
    params: [
      n(1000, 10),
      { key: 'amplitude', label: 'Amplitude A', type: 'number', default: 0.5, min: 0, max: 10 },
      { key: 'frequency', label: 'Frequency f', type: 'number', default: 1, min: 0, max: 64, help: 'the thesis uses 1, 2, 4 and 8' },
      { key: 'labelNoise', label: 'Label noise', type: 'number', default: 0, min: 0, max: 0.5, help: 'fraction of labels flipped' }
    ]
  },
  {
    id: 'sine-regression',
    title: 'Sine regression',
    source: 'thesis §7.5 — y = sin(2πx) on [−1, 1] (two periods)',
    dims: 1,
    task: 'regression',
    params: [
      n(5000, 2),
      { key: 'periods', label: 'Periods on [−1, 1]', type: 'number', default: 2, min: 0, max: 100 },
      noise(0, 10, 'Gaussian noise added to y')
    ]
  },
  {
    id: 'two-spirals',
    title: 'Two spirals',
    source: 'thesis §7.6 — the classic Lang & Witbrock problem',
    dims: 2,
    task: 'classification',
    params: [n(5000), noise(0, 1, 'Gaussian noise on the positions')]
  },
  {
    id: 'double-helix',
    title: 'Double helix (3-D)',
    source: 'slides “Toy manifolds” (He & Su, ICLR 2020)',
    dims: 3,
    task: 'classification',
    params: [
      n(2000),
      { key: 'turns', label: 'Turns', type: 'number', default: 2, min: 0.1, max: 50 },
      noise(0, 1, 'Gaussian noise on the positions')
    ]
  },
  {
    id: 'folded-boxes',
    title: 'Folded boxes (3-D)',
    source: 'slides “Toy manifolds” (He & Su, ICLR 2020)',
    dims: 3,
    task: 'classification',
    params: [
      n(2000),
      { key: 'gap', label: 'Gap between the boxes', type: 'number', default: 0.2, min: 0, max: 10 },
      { key: 'thickness', label: 'Box thickness', type: 'number', default: 0.05, min: 0, max: 10 },
      { key: 'foldAngle', label: 'Fold angle (degrees)', type: 'number', default: 150, min: 0, max: 180 },
      noise(0, 1, 'Gaussian noise on the positions')
    ]
  },
  {
    id: 'gaussian-blobs',
    title: 'Gaussian blobs',
    source: 'TensorFlow Playground — two Gaussians at (2, 2) and (−2, −2)',
    dims: 2,
    task: 'classification',
    params: [n(1000), noise(0, 1, 'widens the blobs: σ = 0.5 + 3.5·noise')]
  },
  {
    id: 'circles',
    title: 'Circles',
    source: 'TensorFlow Playground — a disc r < 2.5 against a ring 3.5 < r < 5',
    dims: 2,
    task: 'classification',
    params: [n(1000), noise(0, 1)]
  },
  {
    id: 'xor',
    title: 'XOR',
    source: 'TensorFlow Playground — uniform on [−5, 5]², label sign(x₁x₂)',
    dims: 2,
    task: 'classification',
    params: [n(1000), noise(0, 1)]
  },
  {
    id: 'spiral',
    title: 'Spiral (Playground)',
    source: 'TensorFlow Playground’s spiral — two arms, r up to 5, 1.75 turns',
    dims: 2,
    task: 'classification',
    params: [n(1000), noise(0, 1)]
  }
]

export function findGenerator(id: string): GeneratorDescriptor | undefined {
  return GENERATORS.find((g) => g.id === id)
}

export type GeneratorParams = Record<string, number | string | boolean>

/**
 * The full parameter set of a generator: defaults for what is left out, every given value checked
 * against its ParamSpec. Problems are returned, not thrown, so both sides can show them.
 */
export function resolveGeneratorParams(
  id: string,
  given: GeneratorParams = {}
): { ok: true; params: Record<string, number | string | boolean> } | { ok: false; problems: string[] } {
  const g = findGenerator(id)
  if (!g) return { ok: false, problems: [`unknown generator "${id}"; available: ${GENERATORS.map((x) => x.id).join(', ')}`] }
  const problems: string[] = []
  const keys = new Set(g.params.map((p) => p.key))
  for (const k of Object.keys(given)) if (!keys.has(k)) problems.push(`${id} has no parameter "${k}" (it has: ${[...keys].join(', ')})`)
  const params: GeneratorParams = {}
  for (const p of g.params) {
    const v = given[p.key] ?? p.default
    if (p.type === 'int' || p.type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        problems.push(`${p.key} must be a number, got ${JSON.stringify(v)}`)
        continue
      }
      if (p.type === 'int' && !Number.isInteger(v)) problems.push(`${p.key} must be an integer, got ${v}`)
      if (p.min !== undefined && v < p.min) problems.push(`${p.key} must be ≥ ${p.min}, got ${v}`)
      if (p.max !== undefined && v > p.max) problems.push(`${p.key} must be ≤ ${p.max}, got ${v}`)
    } else if (p.type === 'boolean') {
      if (typeof v !== 'boolean') problems.push(`${p.key} must be true or false, got ${JSON.stringify(v)}`)
    } else if (p.type === 'enum') {
      if (typeof v !== 'string' || !(p.options ?? []).includes(v)) problems.push(`${p.key} must be one of ${(p.options ?? []).join(', ')}, got ${JSON.stringify(v)}`)
    }
    params[p.key] = v
  }
  return problems.length ? { ok: false, problems } : { ok: true, params }
}
