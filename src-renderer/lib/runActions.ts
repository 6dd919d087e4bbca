/** What the runs table does with runs beyond showing them: export to a file, open a compare, bulk edits. */
import { defaultCompareState, encodeCompareState } from '../../src-shared/compare/state'
import type { RunTable } from '../../src-shared/records'
import type { RunExport } from '../../src-shared/runExport'
import { downloadText, safeFileName } from './download'

/** Save a run's export document as `<name>.json`. */
export function downloadRunExport(doc: RunExport): void {
  downloadText(`${safeFileName(doc.run.name)}.json`, JSON.stringify(doc), 'application/json')
}

const PREFERRED_METRICS = ['test/accuracy', 'train/loss']

/**
 * Metrics a compare of these runs opens with: test accuracy and train loss where they were logged, else
 * the first one or two keys the runs have (losses first).
 */
export function defaultCompareMetrics(runIds: readonly string[], metrics: RunTable['metrics']): string[] {
  const keys = new Set<string>()
  for (const id of runIds) for (const k of Object.keys(metrics[id] ?? {})) keys.add(k)
  const preferred = PREFERRED_METRICS.filter((k) => keys.has(k))
  if (preferred.length) return preferred
  return [...keys].sort((a, b) => Number(/loss/i.test(b)) - Number(/loss/i.test(a)) || a.localeCompare(b)).slice(0, 2)
}

/** The router path of a compare view of these runs. */
export function compareRoute(runIds: readonly string[], metrics: RunTable['metrics']): string {
  const state = { ...defaultCompareState(), runIds: [...runIds], metrics: defaultCompareMetrics(runIds, metrics) }
  return `/compare?s=${encodeCompareState(state)}`
}

/**
 * Apply `fn` to every id, a few at a time (bulk edits of hundreds of runs should not flood the engine);
 * resolves to the messages of the ones that failed.
 */
export async function forEachRun(ids: readonly string[], fn: (id: string) => Promise<unknown>, parallel = 6): Promise<string[]> {
  const errors: string[] = []
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]
      try {
        await fn(id)
      } catch (e) {
        errors.push((e as Error).message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker))
  return errors
}
