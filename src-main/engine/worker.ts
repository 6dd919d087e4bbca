/** Entry of a run's worker_thread: activate the backend, run the study, stream batches back. */
import { parentPort, workerData } from 'node:worker_threads'
import { createRng, deriveSeed } from '../../src-shared/rng'
import { tf, useBackend } from './compute/backend'
import { MetricBatcher } from './runs/batcher'
import type { WorkerInput, WorkerMessage } from './runs/messages'
import { RUNNERS } from './studies'
import type { RunContext } from './studies/context'

const input = workerData as WorkerInput
const post = (m: WorkerMessage) => parentPort!.postMessage(m)

async function main(): Promise<void> {
  const abortFlag = new Int32Array(input.abort)
  const batcher = new MetricBatcher((batch) => post({ type: 'batch', batch }))
  try {
    const runner = RUNNERS[input.studyId]
    if (!runner) throw new Error(`no runner for study "${input.studyId}"`)
    await useBackend(input.backend)
    post({ type: 'started', backend: input.backend })
    const started = performance.now()
    const ctx: RunContext = {
      tf,
      runId: input.runId,
      config: input.config,
      seed: input.seed,
      rng: createRng(deriveSeed(input.seed, 'study')),
      backend: input.backend,
      log: (key, step, value) => batcher.scalar(key, step, value),
      logSeries: (key, step, payload) => batcher.seriesEntry(key, step, payload),
      artifact: (name, kind, bytes) => batcher.artifact(name, kind, bytes),
      progress: (step, totalSteps, message = '') => batcher.setProgress(step, totalSteps, message),
      get aborted() {
        return Atomics.load(abortFlag, 0) === 1
      }
    }
    const summary = await runner(ctx)
    batcher.flush()
    post({
      type: 'done',
      cancelled: ctx.aborted,
      summary: { ...summary, wallSeconds: summary.wallSeconds ?? (performance.now() - started) / 1000 }
    })
  } catch (err) {
    batcher.flush() // keep everything logged before the failure
    post({ type: 'failed', error: err instanceof Error ? err.message : String(err) })
  }
}

void main()
