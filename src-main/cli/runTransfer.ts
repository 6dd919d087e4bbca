/**
 * `npm run lab -- export <runId> [--out <file.json | folder>]` and `npm run lab -- import <file.json | folder>`:
 * move a run between data directories or machines as one JSON document or a folder
 * (run.json + scalars.csv + series.jsonl + artifacts/).
 */
import { resolve } from 'node:path'
import { LabError } from '../../src-shared/contract'
import type { Lab } from '../engine/lab'
import { RunExportError } from '../engine/runs/runExport'

export class TransferUsageError extends Error {}

export const TRANSFER_USAGE = `  export <runId> [--out <file.json | folder>]   export a run (config, metrics, series, artifacts): a .json file,
                                 or a folder when --out has no .json extension (default: "<run name>.json" here)
  import <file.json | folder>    import an exported run as a new run; prints its id`

/** A run name as a file name: characters file systems refuse become "_". */
export function fileNameFor(runName: string): string {
  const safe = runName.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').trim()
  return `${safe || 'run'}.json`
}

/** LabError bad-request / not-found are the user's input: shown as usage errors (exit 2). */
function asUsage(err: unknown): never {
  if (err instanceof LabError && (err.code === 'bad-request' || err.code === 'not-found')) throw new TransferUsageError(err.message)
  if (err instanceof RunExportError) throw new TransferUsageError(err.message)
  throw err
}

export async function commandExport(lab: Lab, runId: string | undefined, opts: { out?: string; json: boolean }): Promise<number> {
  if (!runId) throw new TransferUsageError('export needs a run id (see: list)')
  const run = await lab.call('runs.get', { id: runId }).catch(asUsage)
  const out = resolve(opts.out ?? fileNameFor(run.name))
  // Streamed from the store by the engine's transfer worker: any size, never one document in memory.
  const done = await lab.call('runs.exportTo', { id: run.id, path: out, format: /\.json$/i.test(out) ? 'json' : 'folder' }).catch(asUsage)
  if (opts.json) console.log(JSON.stringify({ runId: run.id, path: done.path, format: done.format }))
  else console.log(done.path)
  return 0
}

export async function commandImport(lab: Lab, path: string | undefined, opts: { json: boolean }): Promise<number> {
  if (!path) throw new TransferUsageError('import needs an exported run: a .json file or an exported folder')
  const run = await lab.call('runs.import', { path: resolve(path) }).catch(asUsage)
  if (opts.json) console.log(JSON.stringify({ runId: run.id, name: run.name, status: run.status }))
  else console.log(run.id)
  return 0
}
