/**
 * Per-study panels for the run page: a study id maps to a component shown below the curves. Components load
 * lazily, so a study's panel code is fetched only when one of its runs is opened. Every panel receives the same
 * props (`StudyPanelProps`): the run, its scalars (kept live by the run page) and a `SeriesSource` that reads
 * logged series from the store and reports new entries as the run logs them.
 */
import { defineAsyncComponent, type Component } from 'vue'
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

const STUDY_PANELS: Record<string, Component> = {
  'elasticity-manifold': defineAsyncComponent(() => import('./elasticity/ManifoldPanel.vue')),
  'elasticity-classes': defineAsyncComponent(() => import('./elasticity/ClassPairsPanel.vue')),
  'elasticity-clustering': defineAsyncComponent(() => import('./elasticity/ClusteringPanel.vue')),
  neurashed: defineAsyncComponent(() => import('./neurashed/NeurashedPanel.vue')),
  // Finished MLP runs: the neurashed-style view of the trained network (renders nothing for other networks).
  training: defineAsyncComponent(() => import('./neurashed/BridgePanel.vue'))
}

/** The run-page panel of a study, if it has one. */
export function studyPanel(studyId: string | undefined): Component | null {
  return (studyId && STUDY_PANELS[studyId]) || null
}

/**
 * Viewers for single series payloads in the compare view's series grid, by series key. A viewer gets
 * `{ run, payload, step }` and fetches anything else it needs (e.g. the manifold's points) itself.
 */
const rowsViewer = defineAsyncComponent(() => import('./elasticity/ElasticityRowsViewer.vue'))
const SERIES_VIEWERS: [(key: string) => boolean, Component][] = [
  [(k) => k === 'elasticity/neural' || k === 'elasticity/linear' || k === 'elasticity/probe', rowsViewer],
  [(k) => k === 'elasticity/histograms', defineAsyncComponent(() => import('./elasticity/HistogramsViewer.vue'))],
  [(k) => k.startsWith('clustering/matrix/'), defineAsyncComponent(() => import('./elasticity/HeatmapViewer.vue'))]
]

/** The compare-view viewer for a series key, if there is one. */
export function seriesViewer(key: string | null | undefined): Component | null {
  return (key && SERIES_VIEWERS.find(([matches]) => matches(key))?.[1]) || null
}
