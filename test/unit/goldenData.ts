/** Small synthetic datasets for runner tests: built in memory, seeded, no store needed. */
import type { DatasetInfo } from '../../src-shared/datasets'
import { createRng } from '../../src-shared/rng'

export interface MemoryDataset {
  info: DatasetInfo
  x: Uint8Array
  y: Int32Array
}

export function memoryInfo(id: string, name: string, n: number, sample: number[], classes: number): DatasetInfo {
  return {
    id,
    name,
    kind: 'generated',
    spec: {},
    provenance: {},
    shape: { n, sample, dtype: 'uint8', task: 'classification', classes, targets: 1 },
    classNames: null,
    classCounts: null,
    sizeBytes: 0,
    checksum: '',
    parentId: null,
    createdAt: 0
  }
}

/**
 * 12×12 images of 4 classes on dim noise, each a bright thick shape shifted by up to ±1 pixel: 0 a horizontal
 * band, 1 a vertical band, 2 a centred square, 3 a frame.
 */
export function shapeImages(perClass: number, seed: number, id = 'shapes'): MemoryDataset {
  const rng = createRng(seed)
  const S = 12
  const n = perClass * 4
  const x = new Uint8Array(n * S * S)
  const y = new Int32Array(n)
  const inside = [
    (r: number, _c: number) => r >= 4 && r < 8,
    (_r: number, c: number) => c >= 4 && c < 8,
    (r: number, c: number) => r >= 3 && r < 9 && c >= 3 && c < 9,
    (r: number, c: number) => r < 2 || r >= S - 2 || c < 2 || c >= S - 2
  ]
  for (let i = 0; i < n; i++) {
    const cls = i % 4
    y[i] = cls
    const [dr, dc] = [rng.int(3) - 1, rng.int(3) - 1]
    for (let r = 0; r < S; r++)
      for (let c = 0; c < S; c++) x[i * S * S + r * S + c] = inside[cls](r - dr, c - dc) ? 180 + rng.int(76) : rng.int(60)
  }
  return { info: memoryInfo(id, id, n, [S, S, 1], 4), x, y }
}
