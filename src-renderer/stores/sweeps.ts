/** Sweeps and the runs of the unfinished (or opened) ones, kept current by engine events (no polling). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { sweepProgress, type Sweep, type SweepDetail, type SweepProgress, type SweepSpecInput } from '../../src-shared/sweeps'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'

export const useSweepsStore = defineStore('sweeps', () => {
  const sweeps = ref<Sweep[]>([])
  const details = ref<Record<string, SweepDetail>>({})
  const loaded = ref(false)
  /** Details to reload at the next coalesced refresh. */
  const stale = new Set<string>()

  async function loadDetail(id: string): Promise<SweepDetail> {
    const d = await lab.invoke('sweeps.get', { id })
    details.value[id] = d
    return d
  }

  async function load(): Promise<void> {
    sweeps.value = await lab.invoke('sweeps.list')
    loaded.value = true
    // Live progress of unfinished sweeps needs their runs (run.progress events are per run).
    await Promise.all(sweeps.value.filter((s) => !s.progress.done || details.value[s.id]).map((s) => loadDetail(s.id)))
  }

  const refresh = coalesce(async () => {
    const ids = [...stale]
    stale.clear()
    await Promise.all([load(), ...ids.filter((id) => !sweeps.value.some((s) => s.id === id)).map((id) => loadDetail(id).catch(() => {}))])
  }, 150)

  lab.on('sweeps.changed', (p) => {
    if (p.sweepId) stale.add(p.sweepId)
    refresh()
  })
  lab.on('engine.connection', (c) => c.connected && refresh())
  lab.on('run.progress', (p) => {
    for (const d of Object.values(details.value)) {
      const row = d.runs.find((r) => r.run.id === p.runId)
      if (row) {
        row.run.progress = p.fraction
        row.run.steps = p.step
        if (row.run.status === 'queued') row.run.status = 'running'
        row.run.startedAt ??= Date.now()
      }
    }
  })

  /** Aggregate progress, recomputed from the live runs when they are loaded. */
  function progressOf(id: string): SweepProgress | null {
    const d = details.value[id]
    if (d) return sweepProgress(d.runs.map((r) => r.run))
    return sweeps.value.find((s) => s.id === id)?.progress ?? null
  }

  async function create(spec: SweepSpecInput): Promise<SweepDetail> {
    const d = await lab.invoke('sweeps.create', spec)
    details.value[d.id] = d
    return d
  }
  async function cancel(id: string) {
    details.value[id] = await lab.invoke('sweeps.cancel', { id })
  }
  async function retryFailed(id: string) {
    details.value[id] = await lab.invoke('sweeps.retryFailed', { id })
  }

  return { sweeps, details, loaded, load, loadDetail, progressOf, create, cancel, retryFailed }
})
