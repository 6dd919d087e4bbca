/**
 * The compare view's data: every run with its metric stats (`runs.table`), and the full-resolution
 * scalars of the selected runs as columnar typed arrays, fetched once (`runs.scalarsPacked`: base64 Float64 columns) and kept
 * current by `run.metrics` pushes. The big arrays live outside Vue's reactivity; `version` ticks (at most
 * ~4 times a second) when they change, so charts recompute in coalesced bursts.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Run, RunTable } from '../../src-shared/records'
import type { EventPayloads } from '../../src-shared/contract'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'
import { appendPoint, columnsFromPacked, emptyColumns, type Columns } from '../components/compare/columns'

/** Scalar key used to map steps to epochs on the epoch x-axis (fetched alongside the chosen metrics). */
export const EPOCH_KEY = 'epoch'
/** How often at most the charts recompute for live data. */
export const LIVE_INTERVAL_MS = 250

type MetricsEvent = EventPayloads['run.metrics']

export const useCompareStore = defineStore('compare', () => {
  const table = shallowRef<RunTable>({ runs: [], metrics: {} })
  const tableLoaded = ref(false)
  const tableError = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Bumped when cached curves change (fetch or live points): charts watch this, not the arrays. */
  const version = shallowRef(0)

  // runId → key → columns (plain Map: never reactive).
  const cache = new Map<string, Map<string, Columns>>()
  // Live batches that arrive while a run's fetch is in flight, applied after it.
  const pending = new Map<string, MetricsEvent[]>()

  const bumpSoon = coalesce(() => {
    version.value++
  }, LIVE_INTERVAL_MS)

  async function loadTable(): Promise<void> {
    try {
      table.value = await lab.invoke('runs.table', {})
      tableError.value = null
    } catch (e) {
      tableError.value = `Could not load the runs: ${(e as Error).message}`
    } finally {
      tableLoaded.value = true
    }
  }
  const reloadTableSoon = coalesce(loadTable, 500)

  function runById(id: string): Run | undefined {
    return table.value.runs.find((r) => r.id === id)
  }

  function columns(runId: string, key: string): Columns | undefined {
    return cache.get(runId)?.get(key)
  }

  /** Fetch what is missing for these runs and keys in one round trip; cached (run, key) pairs are not fetched again. */
  async function ensure(ids: string[], keys: string[]): Promise<void> {
    const wanted = [...new Set([...keys, EPOCH_KEY])]
    const missing = ids.filter((id) => !cache.has(id) || wanted.some((k) => !cache.get(id)!.has(k)))
    if (!missing.length) return
    const missingKeys = wanted.filter((k) => missing.some((id) => !cache.get(id)?.has(k)))
    for (const id of missing) if (!pending.has(id)) pending.set(id, [])
    loading.value = true
    const started = performance.now()
    try {
      const got = await lab.invoke('runs.scalarsPacked', { ids: missing, keys: missingKeys })
      // The bench reads this to split "open a compare" into fetching and drawing.
      performance.measure('compare:fetch', { start: started })
      for (const id of missing) {
        const perKey = cache.get(id) ?? new Map<string, Columns>()
        // A key the run has not logged yet still gets (empty) columns, so live points for it are kept.
        for (const k of missingKeys) if (!perKey.has(k)) perKey.set(k, got[id]?.[k] ? columnsFromPacked(got[id][k]) : emptyColumns())
        cache.set(id, perKey)
        for (const e of pending.get(id) ?? []) applyPoints(e)
        pending.delete(id)
      }
      error.value = null
    } catch (e) {
      for (const id of missing) pending.delete(id)
      error.value = `Could not load the curves: ${(e as Error).message}`
    } finally {
      loading.value = false
      version.value++
    }
  }

  /** Forget runs no longer compared (their arrays can be large). */
  function retain(ids: string[]): void {
    const keep = new Set(ids)
    for (const id of [...cache.keys()]) if (!keep.has(id)) cache.delete(id)
  }

  function applyPoints(e: MetricsEvent): boolean {
    const perKey = cache.get(e.runId)
    if (!perKey) return false
    let changed = false
    for (const p of e.points) {
      const c = perKey.get(p.key)
      if (c) {
        appendPoint(c, p.step, p.wall, p.value)
        changed = true
      }
    }
    return changed
  }

  /** Live points of compared runs are appended to their cached columns (push, not polling). */
  function onMetrics(e: MetricsEvent): void {
    const buffered = pending.get(e.runId)
    if (buffered) buffered.push(e)
    else if (applyPoints(e)) bumpSoon()
    // New metric keys show up in the chooser without a reload.
    const stats = table.value.metrics[e.runId]
    if (stats && e.points.some((p) => !stats[p.key])) reloadTableSoon()
  }

  function onStatus(e: EventPayloads['run.status']): void {
    const r = runById(e.runId)
    if (r) {
      Object.assign(r, { status: e.status, error: e.error, summary: e.summary ?? r.summary })
      table.value = { ...table.value }
    }
    reloadTableSoon()
  }

  lab.on('run.metrics', onMetrics)
  lab.on('run.status', onStatus)
  lab.on('runs.changed', () => reloadTableSoon())
  lab.on('engine.connection', (c) => c.connected && reloadTableSoon())

  return { table, tableLoaded, tableError, loading, error, version, loadTable, runById, columns, ensure, retain, onMetrics }
})
