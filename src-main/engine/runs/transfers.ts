/**
 * Run export and import (and emptying the trash) on the engine side: each in a worker thread
 * (transferWorker.ts), so a 200 MB run neither blocks the engine's main thread nor goes out as one
 * giant message. `document` is the one-message form for small runs; anything larger goes to a file
 * (serve mode streams that file to the browser, the CLI writes it where it was asked).
 */
import { Worker } from 'node:worker_threads'
import type { RunExport } from '../../../src-shared/runExport'
import type { Run } from '../../../src-shared/records'

export type TransferTask =
  | { op: 'export'; dataDir: string; runId: string; path: string; format: 'json' | 'folder' }
  | { op: 'document'; dataDir: string; runId: string; maxBytes: number }
  | { op: 'import'; dataDir: string; path: string; shown: string }
  | { op: 'empty-trash'; dataDir: string }

export type TransferReply = { type: 'done'; result: unknown } | { type: 'error'; message: string; input: boolean }

/** A problem with the user's input (a malformed file, an unknown run): shown as is. */
export class TransferInputError extends Error {}
export class TransferNotFound extends Error {}

/** The largest run `runs.export` sends as one message (its document, roughly); larger ones go to a file. */
export const DOCUMENT_MESSAGE_BYTES = 64 * 1024 * 1024

export class RunTransfers {
  private readonly active = new Set<Worker>()
  private closed = false

  constructor(private readonly opts: { workerUrl: URL; dataDir: string }) {}

  private run(task: TransferTask): Promise<any> {
    if (this.closed) return Promise.reject(new Error('the lab is closing'))
    return new Promise((resolve, reject) => {
      const w = new Worker(this.opts.workerUrl, { workerData: task })
      this.active.add(w)
      let settled = false
      const end = (f: () => void) => {
        if (settled) return
        settled = true
        this.active.delete(w)
        f()
      }
      w.on('message', (m: TransferReply) => end(() => (m.type === 'done' ? resolve(m.result) : reject(m.input ? new TransferInputError(m.message) : new Error(m.message)))))
      w.on('error', (err) => end(() => reject(err)))
      w.on('exit', (code) => end(() => reject(new Error(this.closed ? 'the lab closed before the transfer finished' : `the transfer worker exited unexpectedly (code ${code})`))))
    })
  }

  /** Write the run to `path` (a .json file or a folder); the bytes written. */
  async exportTo(runId: string, path: string, format: 'json' | 'folder'): Promise<number> {
    const r = await this.run({ op: 'export', dataDir: this.opts.dataDir, runId, path, format })
    if (r.notFound) throw new TransferNotFound(`run ${runId} not found`)
    return r.bytes
  }

  /** The run as one document, for runs up to `maxBytes`; a larger one is refused with its size. */
  async document(runId: string, maxBytes = DOCUMENT_MESSAGE_BYTES): Promise<RunExport> {
    const r = await this.run({ op: 'document', dataDir: this.opts.dataDir, runId, maxBytes })
    if (r.notFound) throw new TransferNotFound(`run ${runId} not found`)
    if (r.tooLarge) throw new TransferInputError(`the run holds about ${Math.round(r.tooLarge / 1e6)} MB, too much for one message (at most ${Math.round(maxBytes / 1e6)} MB); export it to a file instead (npm run lab -- export <runId> --out run.json, or Export in the browser, which downloads it)`)
    return r.doc
  }

  /** Import a .json document or an exported folder as a new run. */
  importFrom(path: string, shown: string): Promise<Run> {
    return this.run({ op: 'import', dataDir: this.opts.dataDir, path, shown })
  }

  emptyTrash(): Promise<{ runs: number; experiments: number; datasets: number }> {
    return this.run({ op: 'empty-trash', dataDir: this.opts.dataDir })
  }

  /** The lab is closing: transfers in flight are ended (an import cut off here is removed by the next start). */
  async shutdown(): Promise<void> {
    this.closed = true
    await Promise.all([...this.active].map((w) => w.terminate()))
  }
}
