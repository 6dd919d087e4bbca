/**
 * Long store work in its own thread, so the engine keeps answering: export a run to a file or folder (or
 * as a document for one message), import one, empty the trash. The worker opens its own connection to
 * the store (read-only for exports) and writes only in short transactions (runExport.ts, purgeRun).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openStore, type LabStore } from '../store'
import { RunExportError, exportRun, exportRunTo, importRunFrom } from './runExport'
import type { TransferReply, TransferTask } from './transfers'

const task = workerData as TransferTask
const post = (m: TransferReply) => parentPort!.postMessage(m)

const opened: LabStore[] = []
const open = (readOnly = false) => {
  const s = openStore(task.dataDir, { readOnly })
  opened.push(s)
  return s
}

function run(): unknown {
  if (task.op === 'import') {
    return importRunFrom(open(), task.path, task.shown)
  }
  if (task.op === 'empty-trash') {
    return open().experiments.emptyTrash()
  }
  const store = open(true)
  if (!store.runs.get(task.runId)) return { notFound: true }
  if (task.op === 'export') return { bytes: exportRunTo(store, task.runId, task.path, task.format) }
  // One message: refused above the limit before anything is built.
  const size = store.runs.exportSize(task.runId)
  if (size > task.maxBytes) return { tooLarge: size }
  return { doc: exportRun(store, task.runId) }
}

try {
  post({ type: 'done', result: run() })
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), input: err instanceof RunExportError })
} finally {
  for (const s of opened) s.close()
}
