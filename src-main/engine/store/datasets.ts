import { createHash, randomUUID } from 'node:crypto'
import type { DatasetInfo, DatasetKind, DatasetShape } from '../../../src-shared/datasets'
import type { Db } from './database'

/** The arrays of a dataset: x row-major n × prod(sample); y one label (int) or `targets` values per sample. */
export interface DatasetArrays {
  x: Float32Array | Uint8Array
  y: Int32Array | Float32Array
}

export interface NewDataset {
  name: string
  kind: DatasetKind
  spec: unknown
  provenance: Record<string, unknown>
  shape: DatasetShape
  classNames?: string[] | null
  parentId?: string | null
  arrays: DatasetArrays
  /** A fixed id (built-in datasets, or one chosen before the work started); default a fresh UUID. */
  id?: string
}

interface DatasetRow {
  id: string
  name: string
  kind: DatasetKind
  spec: string
  provenance: string
  shapes: string
  checksum: string
  created_at: number
}

/** What the `shapes` JSON column holds besides the shape itself. */
interface ShapesColumn {
  shape: DatasetShape
  classNames: string[] | null
  classCounts: number[] | null
  sizeBytes: number
  parentId: string | null
}

function toInfo(r: DatasetRow): DatasetInfo {
  const s = JSON.parse(r.shapes) as ShapesColumn
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    spec: JSON.parse(r.spec),
    provenance: JSON.parse(r.provenance),
    shape: s.shape,
    classNames: s.classNames,
    classCounts: s.classCounts,
    sizeBytes: s.sizeBytes,
    checksum: r.checksum,
    parentId: s.parentId,
    createdAt: r.created_at
  }
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

export function checksumOf(arrays: DatasetArrays): string {
  return createHash('sha256').update(bytesOf(arrays.x)).update(bytesOf(arrays.y)).digest('hex')
}

/** Datasets with their arrays as BLOBs; metadata reads never touch the BLOBs. */
export class DatasetStore {
  constructor(private readonly db: Db) {}

  create(d: NewDataset): DatasetInfo {
    const perSample = d.shape.sample.reduce((a, b) => a * b, 1)
    if (d.arrays.x.length !== d.shape.n * perSample) {
      throw new Error(`dataset "${d.name}": x holds ${d.arrays.x.length} values, expected ${d.shape.n} × ${perSample}`)
    }
    if (d.arrays.y.length !== d.shape.n * d.shape.targets) {
      throw new Error(`dataset "${d.name}": y holds ${d.arrays.y.length} values, expected ${d.shape.n} × ${d.shape.targets}`)
    }
    let classCounts: number[] | null = null
    if (d.shape.task === 'classification') {
      const k = d.shape.classes ?? 0
      classCounts = new Array(k).fill(0)
      for (const label of d.arrays.y) {
        if (!Number.isInteger(label) || label < 0 || label >= k) throw new Error(`dataset "${d.name}": label ${label} is outside 0 … ${k - 1}`)
        classCounts[label]++
      }
    }
    const id = d.id ?? randomUUID()
    const shapes: ShapesColumn = {
      shape: d.shape,
      classNames: d.classNames ?? null,
      classCounts,
      sizeBytes: d.arrays.x.byteLength + d.arrays.y.byteLength,
      parentId: d.parentId ?? null
    }
    this.db
      .prepare('INSERT INTO datasets (id, name, kind, spec, provenance, shapes, checksum, x, y, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, d.name, d.kind, JSON.stringify(d.spec), JSON.stringify(d.provenance), JSON.stringify(shapes), checksumOf(d.arrays), bytesOf(d.arrays.x), bytesOf(d.arrays.y), Date.now())
    return this.get(id)!
  }

  get(id: string): DatasetInfo | undefined {
    const row = this.db
      .prepare('SELECT id, name, kind, spec, provenance, shapes, checksum, created_at FROM datasets WHERE id = ? AND deleted_at IS NULL')
      .get(id) as DatasetRow | undefined
    return row && toInfo(row)
  }

  list(): DatasetInfo[] {
    return (
      this.db
        .prepare('SELECT id, name, kind, spec, provenance, shapes, checksum, created_at FROM datasets WHERE deleted_at IS NULL ORDER BY created_at DESC')
        .all() as DatasetRow[]
    ).map(toInfo)
  }

  /** The stored arrays, typed by the dataset's dtype and task. */
  loadArrays(id: string): DatasetArrays & { info: DatasetInfo } {
    const info = this.get(id)
    if (!info) throw new Error(`dataset ${id} not found`)
    const row = this.db.prepare('SELECT x, y FROM datasets WHERE id = ?').get(id) as { x: Buffer; y: Buffer }
    const copy = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
    const x = info.shape.dtype === 'uint8' ? new Uint8Array(copy(row.x)) : new Float32Array(copy(row.x))
    const y = info.shape.task === 'classification' ? new Int32Array(copy(row.y)) : new Float32Array(copy(row.y))
    return { info, x, y }
  }

  /** Whether a row with this id exists at all, in the trash or not. */
  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id) !== undefined
  }

  /** Store several datasets in one transaction: all of them or none. */
  createAll(ds: NewDataset[]): DatasetInfo[] {
    return this.db.transaction(() => ds.map((d) => this.create(d)))()
  }

  rename(id: string, name: string): void {
    this.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, id)
  }

  /** Runs (not in the trash) whose config names this dataset. */
  usedBy(id: string): { id: string; name: string }[] {
    return this.db
      .prepare("SELECT id, name FROM runs WHERE deleted_at IS NULL AND json_extract(config, '$.dataset.datasetId') = ?")
      .all(id) as { id: string; name: string }[]
  }

  softDelete(id: string): boolean {
    return this.db.prepare('UPDATE datasets SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(Date.now(), id).changes > 0
  }
}
