/**
 * What a study's own run-page panel gets (its `custom` outputs, registered in src-renderer/studies/<id>/):
 * the run, its scalars (kept live by the run page) and a `SeriesSource` that reads logged series from the store
 * and reports new entries as the run logs them.
 */
import type { Run, ScalarSeries } from '../../src-shared/records'
import { lab } from '../api/client'

/** One logged series entry as `run.metrics` carries it (the latest payload of a batch and every step in it). */
export interface LiveSeriesEntry {
  key: string
  steps: number[]
  step: number
  payload: unknown
}

/** How a panel reads the run's series: stored entries on demand, new ones as they are logged. */
export interface SeriesSource {
  /** The entry at `step` (the latest one at or before it), or the latest when no step is given. */
  get(key: string, step?: number): Promise<{ step: number; payload: unknown } | null>
  /** The steps at which `key` was logged. */
  steps(key: string): Promise<number[]>
  /** Call `listener` for every series entry the run logs from now on; returns the unsubscribe function. */
  onLive(listener: (entry: LiveSeriesEntry) => void): () => void
}

export interface StudyPanelProps {
  run: Run
  scalars: Record<string, ScalarSeries>
  source: SeriesSource
}

/** The series source of one run, through the lab client. */
export function runSeriesSource(runId: string): SeriesSource {
  return {
    get: (key, step) => lab.invoke('runs.series', step === undefined ? { id: runId, key } : { id: runId, key, step }),
    steps: (key) => lab.invoke('runs.seriesSteps', { id: runId, key }),
    onLive: (listener) =>
      lab.on('run.metrics', (e) => {
        if (e.runId === runId) for (const entry of e.series) listener(entry)
      })
  }
}
