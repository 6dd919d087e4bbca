/**
 * The runs table: every run (archived included) and its per-key metric stats from one `runs.table` call,
 * kept current by engine events (no polling). Runs are held shallowly — 5 000 runs with their configs
 * would be slow as deep reactive proxies — so every change replaces a Run object (the table rebuilds only
 * that row); live progress goes to the small reactive `live` map instead.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import type { MethodParams } from '../../src-shared/contract'
import type { Run, RunTable } from '../../src-shared/records'
import { lab } from '../api/client'
import { downloadFromEngine } from '../api/upload'
import { downloadRunExport } from '../lib/runActions'
import { coalesce } from '../lib/coalesce'

export type RunPatch = Omit<MethodParams<'runs.update'>, 'id'>

export interface LiveProgress {
  fraction: number
  steps: number
  totalSteps: number
}

export const useRunsStore = defineStore('runs', () => {
  const runs = shallowRef<Run[]>([])
  /** Per run id, per scalar key: last/min/max and their steps. */
  const metrics = shallowRef<RunTable['metrics']>({})
  /** Progress of running runs since the last load, by run id (only the visible rows read it). */
  const live = reactive<Record<string, LiveProgress>>({})
  const loaded = ref(false)
  const loading = ref(false)
  const byId = computed(() => new Map(runs.value.map((r) => [r.id, r])))

  async function load(): Promise<void> {
    loading.value = true
    try {
      const table = await lab.invoke('runs.table', {})
      runs.value = table.runs
      metrics.value = table.metrics
      for (const id of Object.keys(live)) delete live[id]
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  const reloadSoon = coalesce(load, 200)
  /**
   * An edit of one run (rename, tags, star…) swaps in that run only, so its row alone is rebuilt; anything
   * else (a new or deleted run, a finished one with new metrics) reloads the table. Nothing is fetched until
   * some view has loaded the table.
   */
  async function refreshRun(runId: string | null): Promise<void> {
    if (!loaded.value) return
    if (!runId || !byId.value.has(runId)) return reloadSoon()
    try {
      replace(await lab.invoke('runs.get', { id: runId }))
    } catch {
      reloadSoon() // deleted meanwhile
    }
  }
  lab.on('runs.changed', (e) => void refreshRun(e.runId))
  lab.on('run.status', () => loaded.value && reloadSoon())
  lab.on('engine.connection', (c) => c.connected && loaded.value && reloadSoon())
  lab.on('run.progress', (p) => {
    const r = byId.value.get(p.runId)
    if (!r) return
    // In place on the plain object (readers after the next render see it) and in the reactive map (the
    // row's progress bar moves now).
    Object.assign(r, { progress: p.fraction, steps: p.step, totalSteps: p.totalSteps, status: 'running' })
    live[p.runId] = { fraction: p.fraction, steps: p.step, totalSteps: p.totalSteps }
  })

  /** Swap in the engine's new version of one run (a new object, so only its row is rebuilt). */
  function replace(run: Run): void {
    const i = runs.value.findIndex((r) => r.id === run.id)
    if (i < 0) return
    const next = runs.value.slice()
    next[i] = run
    runs.value = next
  }

  async function update(id: string, patch: RunPatch): Promise<Run> {
    const run = await lab.invoke('runs.update', { id, ...patch })
    replace(run)
    return run
  }
  async function rename(id: string, name: string): Promise<Run> {
    const run = await lab.invoke('runs.rename', { id, name })
    replace(run)
    return run
  }
  async function remove(id: string): Promise<void> {
    await lab.invoke('runs.delete', { id })
    runs.value = runs.value.filter((r) => r.id !== id)
  }
  async function cancel(id: string): Promise<void> {
    replace(await lab.invoke('runs.cancel', { id }))
  }
  /**
   * Save a run's export as `<name>.json`. Serve mode streams it from the engine (GET /export/run: any size,
   * never one WebSocket message); the desktop app receives the document (runs.export, for runs that fit one message).
   */
  async function exportRun(id: string): Promise<void> {
    if (lab.transport === 'websocket') return downloadFromEngine(`/export/run?id=${encodeURIComponent(id)}`)
    downloadRunExport(await lab.invoke('runs.export', { id }))
  }
  async function importRun(path: string): Promise<Run> {
    const run = await lab.invoke('runs.import', { path })
    await load()
    return run
  }

  return { runs, metrics, live, loaded, loading, byId, load, update, rename, remove, cancel, exportRun, importRun }
})
