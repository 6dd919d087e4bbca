/**
 * Generic panels for declared outputs (src-shared/outputs/decl.ts), by kind: the run page and the compare view
 * draw every study's and probe's series with these; a study or probe registers its own component only for a
 * `custom` output (src-renderer/studies/<id>/index.ts, src-renderer/probes/index.ts).
 */
import { defineAsyncComponent, type Component } from 'vue'
import { seriesOutputFor, wildcardPart, type OutputDecl, type SeriesKind } from '../../src-shared/outputs/decl'
import type { Run } from '../../src-shared/records'
import { runOutputs } from '../../src-shared/studies'
import { probeView } from '../probes'
import { studySeriesViewer, studyView } from '../studies'

/** What a generic series view gets: the payload at the chosen step, and (histograms, vectors) every step's. */
export interface SeriesViewProps {
  payload: unknown
  step: number | null
  title: string
  /** Every logged step's payload, oldest first (drawn as one matrix over steps), when the page loaded them. */
  history?: { step: number; payload: unknown }[]
}

/** What a study's or probe's own series viewer gets (the compare view's series grid passes the same). */
export interface CustomSeriesViewerProps {
  run: Run
  payload: unknown
  step: number | null
}

const GENERIC: Record<SeriesKind, Component> = {
  heatmap: defineAsyncComponent(() => import('./views/HeatmapView.vue')),
  histogram: defineAsyncComponent(() => import('./views/HistogramView.vue')),
  'image-grid': defineAsyncComponent(() => import('./views/ImageGridView.vue')),
  table: defineAsyncComponent(() => import('./views/TableView.vue')),
  vector: defineAsyncComponent(() => import('./views/VectorView.vue')),
  boxplot: defineAsyncComponent(() => import('./views/BoxPlotView.vue')),
  curves: defineAsyncComponent(() => import('./views/CurvesView.vue')),
  scatter: defineAsyncComponent(() => import('./views/ScatterView.vue'))
}

/** Kinds whose view also draws every step (the page loads their history). */
export const HISTORY_KINDS: ReadonlySet<SeriesKind> = new Set(['histogram', 'vector'])

export function genericSeriesView(kind: SeriesKind): Component {
  return GENERIC[kind]
}

/**
 * The component of a `custom` output: the study's (by `panel`), else the probe's whose id starts the output's
 * id (`local-elasticity:matrix`). Null when neither registers it.
 */
export function customPanel(decl: Extract<OutputDecl, { kind: 'custom' }>, studyId: string): Component | null {
  const own = studyView(studyId)?.panels?.[decl.panel]
  if (own) return own
  const probeId = decl.id.includes(':') ? decl.id.slice(0, decl.id.indexOf(':')) : null
  return (probeId && probeView(probeId)?.panels?.[decl.panel]) || null
}

/** A logged series key of some runs with the output it belongs to. */
export interface SeriesEntryInfo {
  key: string
  decl: Exclude<OutputDecl, { kind: 'scalars' }>
  /** The output's title, with the wildcard part ("Weights — dense1"). */
  title: string
}

/** The series keys the runs have logged that a declared output of theirs (study or probe) covers, by key. */
export function seriesEntries(runs: { studyId: string; config: unknown }[], loggedKeys: string[][]): SeriesEntryInfo[] {
  const out = new Map<string, SeriesEntryInfo>()
  runs.forEach((run, i) => {
    const outputs = runOutputs(run.studyId, run.config)
    for (const key of loggedKeys[i] ?? []) {
      if (out.has(key)) continue
      const decl = seriesOutputFor(outputs, key)
      if (!decl) continue
      const pattern = decl.kind === 'custom' ? (decl.seriesKey ?? key) : decl.key
      const part = wildcardPart(pattern, key)
      out.set(key, { key, decl, title: part ? `${decl.title} — ${part}` : decl.title })
    }
  })
  return [...out.values()]
}

/** The component that draws one series payload of a run (compare grid): the study's own viewer first. */
export function seriesViewerFor(entry: SeriesEntryInfo, studyId: string): { component: Component; generic: boolean } | null {
  const own = studySeriesViewer(studyId, entry.key)
  if (own) return { component: own, generic: false }
  if (entry.decl.kind === 'custom') {
    const c = customPanel(entry.decl, studyId)
    return c ? { component: c, generic: false } : null
  }
  if (entry.decl.kind === 'boundary') return null
  return { component: genericSeriesView(entry.decl.kind), generic: true }
}
