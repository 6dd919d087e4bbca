/**
 * A thread that trains effective-model trials (src-shared/ising/binaryNet.ts) for the run worker's trial pool
 * (./trials.ts): the data arrive once in workerData, then one message per trial; the pool's shared abort flag stops
 * a trial between mini-batches. Built as its own entry (electron.vite.config.ts: isingTrialWorker).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { trainOne, type TrialPoolData, type TrialRequest } from './trials'

const data = workerData as TrialPoolData & { abort: SharedArrayBuffer }
const abort = new Int32Array(data.abort)

parentPort!.on('message', (req: TrialRequest) => {
  try {
    const result = trainOne(data, req, () => Atomics.load(abort, 0) === 1)
    parentPort!.postMessage({ ok: true, result }, [result.spins.buffer as ArrayBuffer])
  } catch (err) {
    parentPort!.postMessage({ ok: false, trial: req.trial, error: err instanceof Error ? err.message : String(err) })
  }
})
