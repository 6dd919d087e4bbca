/**
 * A dataset job (import, transform, built-in data) in its own worker thread, so the engine keeps
 * answering while 60 000 images stream in or a covariance is accumulated. The worker opens its own
 * connection to the store and writes every dataset it makes in one transaction at the very end:
 * a failed or cancelled (terminated) job leaves the store exactly as it was.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../store/database'
import { DatasetStore, type NewDataset } from '../store/datasets'
import { loadMnistPackage, BUILTIN_MNIST_ID } from './builtin'
import { importFiles } from './importers'
import type { JobWorkerData, JobWorkerMessage } from './jobTypes'
import { InputError } from './source'
import { applyTransform, type NeighbourSearch } from './transforms'

const data = workerData as JobWorkerData
const post = (m: JobWorkerMessage) => parentPort!.postMessage(m)

let lastProgress = 0
const progress = (fraction: number, message: string) => {
  const now = Date.now()
  if (now - lastProgress < 50) return
  lastProgress = now
  post({ type: 'progress', fraction, message })
}

let db: ReturnType<typeof openDatabase> | null = null

/** k-filtering's neighbour search on this thread's compute backend (BLAS products where available), loaded only for it. */
async function backendSearch(): Promise<NeighbourSearch> {
  const [{ resolveBackend, tf }, { nearestNeighbours }] = await Promise.all([import('../compute/backend'), import('../compute/neighbours')])
  await resolveBackend('auto')
  return (x, n, d, K, chunk, scale) => nearestNeighbours(tf, x, n, d, K, { chunk, progress: (f) => void progress(0.05 + 0.9 * f, `nearest neighbours ${Math.round(100 * f)} %`) }, scale)!
}

async function run(): Promise<void> {
  const { task, dataDir, ids } = data
  let made: NewDataset[]
  let store: DatasetStore | null = null
  const openStore = () => {
    if (!store) {
      db = openDatabase(dataDir)
      store = new DatasetStore(db)
    }
    return store
  }
  if (task.op === 'builtin-mnist') {
    made = [{ ...loadMnistPackage(), id: BUILTIN_MNIST_ID }]
  } else if (task.op === 'import') {
    const r = await importFiles(task.options, progress)
    made = [{ name: r.name, kind: 'imported', spec: r.spec, provenance: r.provenance, shape: r.shape, classNames: r.classNames, arrays: { x: r.x, y: r.y }, id: ids[0] }]
  } else {
    const s = openStore()
    if (!s.get(task.id)) throw new InputError(`dataset ${task.id} not found`)
    progress(0.01, 'loading the dataset')
    const src = s.loadArrays(task.id)
    const started = Date.now()
    const out = applyTransform(src, task.transform, task.name, progress, task.transform.op === 'k-filter' ? await backendSearch() : undefined)
    const seconds = (Date.now() - started) / 1000
    made = out.map((d, i) => ({
      name: d.name,
      kind: 'derived',
      spec: { transform: task.transform, parentId: src.info.id, ...d.details },
      provenance: {
        parent: { id: src.info.id, name: src.info.name, checksum: src.info.checksum },
        transform: task.transform,
        ...d.details,
        transformSeconds: seconds,
        createdAt: new Date().toISOString()
      },
      shape: d.shape,
      classNames: d.classNames,
      parentId: src.info.id,
      arrays: { x: d.x, y: d.y },
      id: ids[i]
    }))
  }
  post({ type: 'progress', fraction: 0.99, message: 'saving' })
  const infos = openStore().createAll(made)
  const kept = (i: number) => {
    const k = (made[i].spec as { kept?: unknown } | undefined)?.kept
    return typeof k === 'number' ? ` (${(100 * k).toFixed(1)} % kept)` : ''
  }
  post({ type: 'done', datasetIds: infos.map((i) => i.id), message: infos.map((info, i) => `${info.name}: ${info.shape.n} × [${info.shape.sample.join(', ')}]${kept(i)}`).join('; ') })
}

run()
  .catch((err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err), input: err instanceof InputError }))
  .finally(() => db?.close())
