/**
 * Data of the `elasticity-clustering` study: `perClass` seeded examples of each primary class (P, n rows first)
 * and each auxiliary class (A, m rows after), from a classification dataset of the library, with the pixels
 * scaled to [0, 1] or [−1, 1]. Class choices the dataset cannot satisfy fail here with a readable message.
 */
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import type { ElasticityClusteringConfig } from '../../../../src-shared/studies/elasticity-clustering'
import { loadDataset } from '../../training/data'
import { RunFailure, type RunContext } from '../context'

export interface ClusteringData {
  /** Row-major (n + m) × d, scaled: the n primary rows first (in seeded order), then the m auxiliary rows. */
  x: Float32Array
  n: number
  m: number
  d: number
  /** Shape of one sample: [H, W, C] for images, [d] for flat vectors. */
  sample: number[]
  /** Per primary row: 0 or 1, its class's position in the primary pair. */
  truth: Int32Array
  /** Dataset class of every row (primary then auxiliary). */
  classOf: Int32Array
  classNames: string[]
  datasetName: string
}

export function loadClusteringData(ctx: RunContext, cfg: ElasticityClusteringConfig): ClusteringData {
  const { info, x, y } = loadDataset(ctx, cfg.dataset.datasetId, 'choose a classification image dataset (e.g. the built-in MNIST digits, builtin-mnist)')
  const name = `dataset "${info.name}"`
  const classes = info.shape.classes
  if (info.shape.task !== 'classification' || !classes) throw new RunFailure(`${name} is a ${info.shape.task} dataset; clustering needs class labels to score against`)
  for (const [role, list] of [['primary', cfg.primary], ['auxiliary', cfg.auxiliary]] as const) {
    const bad = list.filter((c) => c >= classes)
    if (bad.length) throw new RunFailure(`${role} class ${bad.join(', ')} is out of range: ${name} has ${classes} classes (0–${classes - 1})`)
  }
  const d = info.shape.sample.reduce((a, b) => a * b, 1)
  const wanted = [...cfg.primary, ...cfg.auxiliary]
  const byClass = new Map<number, number[]>(wanted.map((c) => [c, []]))
  for (let i = 0; i < info.shape.n; i++) byClass.get(y[i])?.push(i)
  const rng = createRng(deriveSeed(cfg.seed, 'examples'))
  const names = info.classNames ?? Array.from({ length: classes }, (_, c) => String(c))
  const picked = wanted.map((c) => {
    const pool = byClass.get(c)!
    if (pool.length < cfg.dataset.perClass) throw new RunFailure(`class ${c} (${names[c]}) has only ${pool.length} examples in ${name}; lower "examples per class" (${cfg.dataset.perClass}) to at most ${pool.length}`)
    return rng.shuffle(pool.slice()).slice(0, cfg.dataset.perClass)
  })
  // Primary rows in a seeded mixed order (nothing downstream may rely on the classes being sorted).
  const primaryRows = rng.shuffle([...picked[0], ...picked[1]])
  const rows = [...primaryRows, ...picked.slice(2).flat()]
  const n = primaryRows.length
  const scaled = new Float32Array(rows.length * d)
  // Stored images are uint8 (0–255); float datasets are taken to be in [0, 1] already.
  const toUnit = x instanceof Uint8Array ? 1 / 255 : 1
  const [mul, add] = cfg.dataset.pixelScale === 'unit' ? [toUnit, 0] : [2 * toUnit, -1]
  rows.forEach((r, k) => {
    for (let j = 0; j < d; j++) scaled[k * d + j] = x[r * d + j] * mul + add
  })
  const classOf = Int32Array.from(rows, (r) => y[r])
  return {
    x: scaled,
    n,
    m: rows.length - n,
    d,
    sample: info.shape.sample,
    truth: Int32Array.from(primaryRows, (r) => (y[r] === cfg.primary[0] ? 0 : 1)),
    classOf,
    classNames: names,
    datasetName: info.name
  }
}
