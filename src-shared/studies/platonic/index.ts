/**
 * Study `platonic` (thesis ch. 7; spec `platonic.md`): MLPs fitted in closed form, layer by layer
 * (src-shared/platonic/fit.ts), no gradient descent. A run fits one or more *rows* — each a setting (widths,
 * activation, α, β, N_tries, solver, projection) — on the same data, each over several seeds (Table 7.1's
 * mean ± std), and lays them out as a table beside the thesis's numbers; the first row also draws its fitted
 * curve (1-D regression) or decision regions (2-D data) and its layer-wise LSD. Runner:
 * src-main/engine/studies/platonic/.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { findGenerator, resolveGeneratorParams } from '../../generators'
import { MAX_FLOAT32_COLUMNS } from '../../platonic/float32'
import { PLATONIC_ACTIVATIONS, PLATONIC_SOLVERS, PRECISIONS, PROJECTIONS } from '../../platonic/fit'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { BUILTIN_MNIST_ID } from '../training/descriptor'

/** How a row's hidden weights are chosen: Platonic projections (random P, Platonic PCA), or random W (the extreme learning machine). */
export const PLATONIC_KINDS = PROJECTIONS

export const platonicRowSchema = z.strictObject({
  name: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_.+-]+$/, 'letters, digits and . _ + - only (it names summary keys)'),
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(1000),
  activation: z.enum(PLATONIC_ACTIVATIONS),
  kind: z.enum(PLATONIC_KINDS),
  alpha: z.number().gt(0).max(1e6),
  beta: z.number().min(0).max(1e6),
  tries: z.number().int().min(1).max(200),
  solver: z.enum(PLATONIC_SOLVERS),
  lambda: z.number().min(0).max(1e9),
  rcond: z.number().min(0).max(1),
  /** float64, or float32 for the thesis's CPU32 columns (float32 SVD; pinv / lstsq only). */
  precision: z.enum(PRECISIONS),
  /** pinv's absolute cut-off (numpy's atol): singular values below it dropped too. */
  atol: z.number().min(0).max(1)
})
export type PlatonicRow = z.infer<typeof platonicRowSchema>

export const platonicDataSchema = z.discriminatedUnion('kind', [
  /** A generator of the dataset library, run with the run's seed. */
  z.strictObject({ kind: z.literal('generator'), generator: z.string().min(1).max(60), params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])), testFraction: z.number().min(0.05).max(0.9) }),
  /** A classification dataset of the library. */
  z.strictObject({ kind: z.literal('stored'), datasetId: z.string({ error: 'choose a dataset from the library' }).min(1, 'choose a dataset from the library').max(100), testFraction: z.number().min(0.05).max(0.9), maxTrain: z.number().int().min(10).max(100_000), pixels: z.enum(['unit', 'bytes']) })
])

/** Rows × columns of the float64 matrices one fit holds (about 8 bytes each, a few copies): 400 MB of cells at most. */
export const MAX_FIT_CELLS = 50_000_000

export const platonicConfigSchema = z
  .strictObject({
    dataset: platonicDataSchema,
    rows: z.array(platonicRowSchema).min(1).max(40),
    /** Every row fitted with seeds seed, seed + 1, …: Table 7.1's mean ± std. */
    seeds: z.number().int().min(1).max(1000),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** The published rows shown beside the lab's. */
    reference: z.enum(['sine', 'two-spirals', 'table-7.1', 'mnist-width', 'checkerboard', 'none'])
  })
  .superRefine((c, ctx) => {
    if (c.dataset.kind === 'generator') {
      const g = findGenerator(c.dataset.generator)
      if (!g) ctx.addIssue({ code: 'custom', path: ['dataset', 'generator'], message: `unknown generator "${c.dataset.generator}"` })
      else {
        const r = resolveGeneratorParams(c.dataset.generator, c.dataset.params)
        if (!r.ok) ctx.addIssue({ code: 'custom', path: ['dataset', 'params'], message: r.problems.join('; ') })
      }
    }
    const names = c.rows.map((r) => r.name)
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['rows', i, 'name'], message: `row name "${n}" is used twice` })
    })
    c.rows.forEach((r, i) => {
      if (r.solver === 'ridge' && !(r.lambda > 0)) ctx.addIssue({ code: 'custom', path: ['rows', i, 'lambda'], message: 'the ridge solver needs λ > 0' })
      if (r.precision === 'float32' && r.solver === 'ridge') ctx.addIssue({ code: 'custom', path: ['rows', i, 'solver'], message: 'float32 rows solve by pinv or lstsq (the ridge solve is float64 only; the thesis\'s float32 "solve" failed)' })
      if (r.precision === 'float32' && Math.max(...r.hidden) + 1 > MAX_FLOAT32_COLUMNS) ctx.addIssue({ code: 'custom', path: ['rows', i, 'hidden'], message: `float32 rows take layers of at most ${MAX_FLOAT32_COLUMNS - 1} units (the float32 SVD here is plain JS)` })
      const n = c.dataset.kind === 'generator' ? Number(c.dataset.params.n ?? 1000) : c.dataset.maxTrain
      const widest = Math.max(...r.hidden) + 1
      if (n * widest > MAX_FIT_CELLS) ctx.addIssue({ code: 'custom', path: ['rows', i, 'hidden'], message: `${n} rows × ${widest} columns would hold ${((n * widest * 8) / 2 ** 20).toFixed(0)} MB per float64 copy; at most ${MAX_FIT_CELLS} cells` })
    })
  })
export type PlatonicConfig = z.infer<typeof platonicConfigSchema>

const row = (name: string, hidden: number[], patch: Partial<PlatonicRow> = {}): PlatonicRow => ({ name, hidden, activation: 'tanh', kind: 'random', alpha: 0.1, beta: 10, tries: 1, solver: 'pinv', lambda: 0, rcond: 1e-15, precision: 'float64', atol: 0, ...patch })

const spirals = (n: number) => ({ kind: 'generator' as const, generator: 'two-spirals', params: { n, noise: 0 }, testFraction: 0.2 })

export const platonicDefaults: PlatonicConfig = {
  dataset: spirals(5000),
  rows: [row('tries1', [32, 32, 32, 32]), row('tries5', [32, 32, 32, 32], { tries: 5 })],
  seeds: 3,
  seed: 1,
  reference: 'two-spirals'
}

/** Table 7.1's grid: pinv / lstsq in float64 and pinv in float32 (with and without atol 1e-5) at α/β = 1/2 and 0.1/10. */
const table71Rows: PlatonicRow[] = [
  row('pinv-a1-b2', [32, 32, 32, 32], { alpha: 1, beta: 2 }),
  row('pinv-a0.1-b10', [32, 32, 32, 32]),
  row('lstsq-a1-b2', [32, 32, 32, 32], { alpha: 1, beta: 2, solver: 'lstsq' }),
  row('lstsq-a0.1-b10', [32, 32, 32, 32], { solver: 'lstsq' }),
  row('f32-pinv-a1-b2', [32, 32, 32, 32], { alpha: 1, beta: 2, precision: 'float32' }),
  row('f32-atol-a1-b2', [32, 32, 32, 32], { alpha: 1, beta: 2, precision: 'float32', atol: 1e-5 })
]

/** §7.6 in float32: N_tries 1 / 5 / 50 and pinv with atol 1e-5 at α = 0.1, β = 10. */
const float32SpiralRows: PlatonicRow[] = [
  row('f32-tries1', [32, 32, 32, 32], { precision: 'float32' }),
  row('f32-tries5', [32, 32, 32, 32], { precision: 'float32', tries: 5 }),
  row('f32-tries50', [32, 32, 32, 32], { precision: 'float32', tries: 50 }),
  row('f32-atol', [32, 32, 32, 32], { precision: 'float32', atol: 1e-5 })
]

const MNIST_WIDTHS = [98, 196, 392, 784]
/**
 * Table 7.2's rows: ReLU, α = 1, β = 10 for random P and 10 000 for the deterministic ones, ridge λ = 50 000 on all
 * 60 000 training images. ZᵀZ grows with the rows, so λ is scaled to the rows fitted (λ · n / 60 000): at 5 000 rows
 * the unscaled 50 000 over-regularises the hidden solves (random P 72.7 % and 77.0 % at widths 98 and 392, measured).
 */
const mnistRows = (widths: number[], trainRows: number): PlatonicRow[] => {
  const lambda = Math.round((50_000 * trainRows) / 60_000)
  return widths.flatMap((w) => [
    row(`elm-${w}`, [w], { activation: 'relu', kind: 'elm', alpha: 1, beta: 10, solver: 'ridge', lambda }),
    row(`random-${w}`, [w], { activation: 'relu', alpha: 1, beta: 10, solver: 'ridge', lambda }),
    ...(w <= 795 ? [row(`pca-${w}`, [w], { activation: 'relu', kind: 'pca', alpha: 1, beta: 10_000, solver: 'ridge', lambda })] : []),
    row(`sorted-${w}`, [w], { activation: 'relu', kind: 'sorted-pca', alpha: 1, beta: 10_000, solver: 'ridge', lambda })
  ])
}

/** §7.7: the width sweep (3 hidden ReLU layers, N_tries 5, α 0.08, β 200) and deep narrow nets at both α/β settings. */
const checkerboardRows = (widths: number[], deep: { depth: number; width: number }): PlatonicRow[] => [
  ...widths.map((w) => row(`w${w}`, [w, w, w], { activation: 'relu', alpha: 0.08, beta: 200, tries: 5 })),
  row(`deep-a0.06-b25`, Array(deep.depth).fill(deep.width), { activation: 'relu', alpha: 0.06, beta: 25 }),
  row(`deep-a0.08-b200`, Array(deep.depth).fill(deep.width), { activation: 'relu', alpha: 0.08, beta: 200 })
]
const CHECKER_WIDTHS = [2, 4, 8, 16, 32, 64, 128, 256]

export const platonicTemplates: Template<PlatonicConfig>[] = [
  {
    id: 'platonic/sine',
    studyId: 'platonic',
    title: 'Closed-form fit of a sine',
    description: 'Thesis §7.5: y = sin over two periods on (−1, 1), 5 000 samples, a 1-16-16-1 CELU MLP fitted layer by layer in closed form (float64 pinv), five seeds; the fitted curve over the data. Published: MSE 2e-5.',
    config: {
      dataset: { kind: 'generator', generator: 'sine-regression', params: { n: 5000, periods: 2, noise: 0 }, testFraction: 0.2 },
      rows: [row('celu-16-16', [16, 16], { activation: 'celu', alpha: 1, beta: 1 }), row('celu-16-16-tries5', [16, 16], { activation: 'celu', alpha: 1, beta: 1, tries: 5 })],
      seeds: 5,
      seed: 1,
      reference: 'sine'
    }
  },
  {
    id: 'platonic/two-spirals',
    studyId: 'platonic',
    title: 'Platonic projections on two spirals',
    description: 'Thesis §7.6 and Table 7.1: 5 000 points, 2-32-32-32-32-1 tanh, α = 0.1, β = 10 with N_tries 1, 5 and 50 in float64 and in float32 (and float32 pinv with atol 1e-5), and the Table 7.1 grid (pinv and lstsq in float64, pinv in float32 with and without atol, at α/β = 1/2 and 0.1/10) — five seeds each, mean ± std beside the thesis.',
    config: {
      dataset: spirals(5000),
      rows: [row('tries1', [32, 32, 32, 32]), row('tries5', [32, 32, 32, 32], { tries: 5 }), row('tries50', [32, 32, 32, 32], { tries: 50 }), ...float32SpiralRows, ...table71Rows],
      seeds: 5,
      seed: 1,
      reference: 'two-spirals'
    }
  },
  {
    id: 'platonic/mnist-width',
    studyId: 'platonic',
    title: 'One hidden layer on MNIST, by width',
    description: 'Thesis Table 7.2 at CPU scale: the built-in digits (5 000 training rows), one hidden ReLU layer of 98 / 196 / 392 / 784 units, ridge λ = 50 000 scaled to the 5 000 rows (4 167: ZᵀZ grows with n), α = 1: random W (the extreme learning machine), random P (β = 10), Platonic PCA and sorted PCA (β = 10 000), beside the thesis\'s numbers.',
    config: {
      dataset: { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, maxTrain: 5000, pixels: 'unit' },
      rows: mnistRows(MNIST_WIDTHS, 5000),
      seeds: 1,
      seed: 1,
      reference: 'mnist-width'
    }
  },
  {
    id: 'platonic/checkerboard',
    studyId: 'platonic',
    title: 'The checkerboard in closed form: width and depth',
    description: 'Thesis §7.7 (Figs 7.10–7.11) at CPU scale: 5 000 points on an 8 × 8 board — the problem SGD stalls on (§5.4.2) — fitted in closed form by ReLU MLPs with 3 hidden layers of 2 … 256 units (N_tries 5, α = 0.08, β = 200), and by a 50-layer net of 64 units at α/β = 0.06/25 and 0.08/200; float64 pinv, the train and test accuracy per row and the layer-wise LSD curves.',
    config: {
      dataset: { kind: 'generator', generator: 'checkerboard', params: { n: 5000, cells: 8, noise: 0 }, testFraction: 0.2 },
      rows: checkerboardRows(CHECKER_WIDTHS, { depth: 50, width: 64 }),
      seeds: 1,
      seed: 1,
      reference: 'checkerboard'
    }
  }
]

/** Published numbers (thesis §7.5–7.7, Tables 7.1–7.2), by reference and row name: test accuracy (or MSE for the sine). */
export const PUBLISHED_PLATONIC: Record<string, Record<string, { accuracy?: number; std?: number; mse?: number; note: string }>> = {
  sine: { 'celu-16-16': { mse: 2e-5, note: '1-16-16-1 CELU, MSE 2e-5' } },
  'two-spirals': {
    tries1: { accuracy: 0.9999, note: '§7.6 float64, N_tries 1' },
    tries5: { note: 'the thesis gives N_tries 5 in float32 only (row f32-tries5)' },
    tries50: { note: 'the thesis gives N_tries 50 in float32 only (row f32-tries50)' },
    'f32-tries1': { accuracy: 0.8973, note: '§7.6 float32, N_tries 1 (Table 7.1 pinv CPU32, α 0.1, β 10: 80.25 ± 8.11 %)' },
    'f32-tries5': { accuracy: 0.9269, note: '§7.6 float32, N_tries 5' },
    'f32-tries50': { accuracy: 0.9451, note: '§7.6 float32, N_tries 50' },
    'f32-atol': { accuracy: 0.956, note: '§7.6 float32, pinv atol 1e-5' },
    'pinv-a1-b2': { accuracy: 0.9993, std: 0.0019, note: 'Table 7.1 pinv CPU64, α 1, β 2' },
    'pinv-a0.1-b10': { accuracy: 0.9917, std: 0.0163, note: 'Table 7.1 pinv CPU64, α 0.1, β 10' },
    'lstsq-a1-b2': { accuracy: 0.9993, std: 0.0017, note: 'Table 7.1 lstsq CPU64, α 1, β 2' },
    'lstsq-a0.1-b10': { accuracy: 0.985, std: 0.0257, note: 'Table 7.1 lstsq CPU64, α 0.1, β 10' },
    'f32-pinv-a1-b2': { accuracy: 0.9746, std: 0.018, note: 'Table 7.1 pinv CPU32, α 1, β 2' },
    'f32-atol-a1-b2': { accuracy: 0.9983, std: 0.0036, note: 'Table 7.1 pinv CPU32 tol 1e-5, α 1, β 2' }
  },
  'mnist-width': Object.fromEntries(
    (
      [
        ['elm', [0.7728, 0.8386, 0.8826, 0.9152]],
        ['random', [0.8919, 0.9055, 0.9189, 0.9334]],
        ['pca', [0.8921, 0.8976, 0.9063, 0.9136]],
        ['sorted', [0.8619, 0.9071, 0.9314, 0.9464]]
      ] as const
    ).flatMap(([kind, acc]) => MNIST_WIDTHS.map((w, i) => [`${kind}-${w}`, { accuracy: acc[i], note: `Table 7.2, all of MNIST, width ${w}` }]))
  ),
  checkerboard: {
    w1024: { accuracy: 0.9562, note: 'Fig. 7.11: 3 × 1 024 ReLU, N_tries 5 (accuracy on the 5 000 points)' },
    w2048: { accuracy: 0.9984, note: 'Fig. 7.11: 3 × 2 048 ReLU, N_tries 5' },
    'deep-a0.06-b25': { accuracy: 1, note: '§7.7: 500 × 300 ReLU, α 0.06, β 25 → 100 % (the lab\'s row is 50 × 64)' },
    'deep-a0.08-b200': { accuracy: 1, note: '§7.7: 500 × 300 ReLU, α 0.08, β 200 → 100 % (the lab\'s row is 50 × 64)' }
  },
  'table-7.1': {},
  none: {}
}

const fields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'A generator of the dataset library (run with the run\'s seed) or a classification dataset of the library.', group: 'Data' },
  'dataset.kind': { label: 'Source', help: 'Generated points, or a library dataset.', group: 'Data', choices: { generator: 'a generator', stored: 'from the library…' }, variants: { generator: spirals(5000), stored: { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, maxTrain: 5000, pixels: 'unit' } } },
  'dataset.generator': { label: 'Generator', help: 'sine-regression (thesis §7.5), two-spirals (§7.6), checkerboard (§7.7) or any other generator of the library.', group: 'Data' },
  'dataset.params': { label: 'Generator settings', help: 'JSON, e.g. {"n": 5000, "noise": 0}; the Datasets view lists each generator\'s settings.', group: 'Data' },
  'dataset.datasetId': { label: 'Dataset', help: 'A classification dataset of the library (the built-in digits are always there).', group: 'Data', custom: true },
  'dataset.testFraction': { label: 'Test fraction', help: 'Share of the samples held out for the test figures.', group: 'Data', step: 0.05 },
  'dataset.pixels': { label: 'Byte inputs as', help: 'For image bytes: 0–1 (unit) or 0–255 (bytes). The ridge λ of Table 7.2 (50 000) is on the scale of ZᵀZ, so it depends on this; the thesis does not say which it used (at 0 – 255 and α = 1 the tanh units saturate and random P gives the same features as random W).', group: 'Data', choices: { unit: '0 – 1', bytes: '0 – 255' } },
  'dataset.maxTrain': { label: 'Training rows at most', help: 'The closed-form solves hold float64 copies of the training matrix: a cap keeps them bounded.', unit: 'rows', group: 'Data' },
  rows: { label: 'Rows (settings)', help: 'One fit per row, each over every seed (JSON list). Fields: name, hidden (widths), activation, kind (random P, pca = Platonic PCA, sorted-pca = the first layer\'s weights picked from the samples along their first principal component, later layers Platonic PCA; elm = random W ~ α·N(0, 1)), alpha, beta, tries (N_tries), solver (pinv, lstsq, ridge), lambda (ridge), rcond (pinv\'s relative cut-off), precision (float64, or float32 for the thesis\'s CPU32 columns: every matrix in single precision and a float32 SVD; pinv / lstsq only, layers ≤ 256 units), atol (pinv\'s absolute cut-off).', group: 'Fits' },
  seeds: { label: 'Seeds per row', help: 'Each row is fitted with this many seeds (Table 7.1 ran 1 000); the table gives mean ± std.', group: 'Fits' },
  seed: { label: 'Seed', help: 'The data and the first fit\'s seed; fit k uses seed + k.', group: 'Fits' },
  reference: { label: 'Published numbers', help: 'Which of the thesis\'s results the table shows beside the lab\'s.', group: 'Logging', choices: { sine: '§7.5 sine', 'two-spirals': '§7.6 two spirals and Table 7.1', 'table-7.1': 'Table 7.1 only', 'mnist-width': 'Table 7.2', checkerboard: '§7.7 checkerboard', none: 'none' } }
}

export const platonicPresets: Preset<PlatonicConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'Two spirals, 2-32-32-32-32-1 tanh, α = 0.1, β = 10, N_tries 1 and 5, three seeds (seconds).', config: structuredClone(platonicDefaults) },
  { id: 'paper', title: 'Paper scale', description: 'The same two rows over 1 000 seeds, as Table 7.1 (tens of minutes on 2 cores).', config: { ...structuredClone(platonicDefaults), seeds: 1000 } }
]

const cards: GalleryCard[] = [
  templateCard('platonic', platonicTemplates[0], { figure: 'Thesis §7.5 (sine)', expected: '1-16-16-1 CELU: MSE 2e-5.', cpu: '5 000 samples of sin over two periods, 1-16-16-1 CELU, float64 pinv, N_tries 1 and 5, five seeds.', paper: 'The same over 100 seeds.' }, { patch: (c) => (c.seeds = 100) }),
  templateCard(
    'platonic',
    platonicTemplates[1],
    {
      figure: 'Thesis §7.6 and Table 7.1',
      expected: 'α = 0.1, β = 10: float32 N_tries 1 → 89.73 %, 50 → 94.51 %; float64 N_tries 1 → 99.99 % (SGD baseline 99.17 %); Table 7.1 CPU64: pinv 99.93 ± 0.19 (α 1, β 2), 99.17 ± 1.63 (α 0.1, β 10).',
      cpu: '5 000 points, 2-32-32-32-32-1 tanh: N_tries 1 / 5 / 50 in float64 and float32, float32 pinv atol 1e-5, and the Table 7.1 grid (float64 pinv and lstsq, float32 pinv ± atol, × two α/β), five seeds each.',
      paper: 'Table 7.1: 1 000 seeds per row.'
    },
    { patch: (c) => (c.seeds = 1000) }
  ),
  templateCard(
    'platonic',
    platonicTemplates[2],
    {
      figure: 'Thesis Table 7.2',
      expected: 'Width 784: random W 91.52 %, random P 93.34 %, Platonic PCA 91.36 %, sorted PCA 94.64 %; width 1 568: random W 93.89 %, random P 94.63 %, sorted PCA 95.88 % (backprop 784-392-50-10: 98.12 %).',
      cpu: 'Built-in digits, 5 000 training rows, one ReLU layer of 98–784 units, ridge λ = 50 000 scaled to the rows (4 167), random W / random P / Platonic PCA / sorted PCA.',
      paper: 'Import all 60 000 MNIST digits; 30 000 training rows (the float64 copies of a 1 568-wide layer stay under 400 MB each), widths up to 1 568 — many minutes per row in float64 JavaScript.'
    },
    {
      patch: (c) => {
        if (c.dataset.kind === 'stored') c.dataset.maxTrain = 30_000
        c.rows = mnistRows([...MNIST_WIDTHS, 1568], 30_000)
      }
    }
  ),
  templateCard(
    'platonic',
    platonicTemplates[3],
    {
      figure: 'Thesis §7.7, Figs 7.10–7.11',
      expected: '3 hidden ReLU layers: 1 024 units → 95.62 %, 2 048 → 99.84 %; 500 × 300 ReLU → 100 % at both α/β settings (float32 and float64).',
      cpu: '5 000 points, 8 × 8, widths 2 … 256 (N_tries 5, α 0.08, β 200) and a 50 × 64 net at two α/β, float64 pinv, one seed.',
      paper: 'Widths up to 2 048 and the 500 × 300 deep net — float64 SVDs of 4 000 × 2 049 in JavaScript: hours on 2 cores.'
    },
    { patch: (c) => (c.rows = checkerboardRows([...CHECKER_WIDTHS, 512, 1024, 2048], { depth: 500, width: 300 })) }
  )
]

export const platonicStudy: StudyDescriptor<PlatonicConfig> = {
  id: 'platonic',
  title: 'Platonic projections',
  summary: 'MLPs fitted in closed form, layer by layer, towards random or PCA projections of [Z | Y] — no gradient descent; float64 solves (float32 for the thesis\'s comparison), several seeds per setting, beside the thesis.',
  source: 'Øland 2024 thesis, ch. 7 (§7.5–7.7, Tables 7.1–7.2)',
  configSchema: platonicConfigSchema,
  // Rows saved before the float32 comparison existed were float64 with no absolute cut-off.
  upgrade: (c) => {
    if (!c || typeof c !== 'object' || !Array.isArray((c as any).rows)) return c
    return { ...(c as object), rows: (c as any).rows.map((r: unknown) => (r && typeof r === 'object' ? { precision: 'float64', atol: 0, ...r } : r)) }
  },
  defaults: platonicDefaults,
  templates: platonicTemplates,
  fields,
  presets: platonicPresets,
  cards,
  outputs: [
    { id: 'table', kind: 'table', key: 'platonic/table', title: 'Lab vs thesis', help: 'Per row: test and train accuracy (mean ± std over seeds) or MSE for regression, the seconds per fit, and the thesis\'s number where it gives one.' },
    { id: 'fit', kind: 'curves', key: 'platonic/fit', title: 'Fitted curve over the data (first row, first seed)', help: '1-D regression: the test targets and the network\'s output, sorted by x (thesis §7.5).' },
    { id: 'regions', kind: 'boundary', key: 'platonic/boundary', pointsKey: 'platonic/points', title: 'Decision regions (first row, first seed)' },
    { id: 'lsd', kind: 'curves', key: 'platonic/lsd', title: 'Layer-wise LSD per row (first seed)', help: 'LSD of the input (layer 0) and of each hidden layer\'s kept representation.' },
    { id: 'tries', kind: 'curves', key: 'platonic/tries', title: 'LSD of each try, per layer (first row with N_tries > 1, first seed)', help: 'The kept try is the lowest.' }
  ]
}
