/** The runs list, kept current by engine events (no polling). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Run } from '../../src-shared/records'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<Run[]>([])
  const loaded = ref(false)

  async function load(): Promise<void> {
    runs.value = await lab.invoke('runs.list', {})
    loaded.value = true
  }

  const reloadSoon = coalesce(load, 150)

  lab.on('runs.changed', reloadSoon)
  lab.on('run.status', reloadSoon)
  lab.on('engine.connection', (c) => c.connected && reloadSoon())
  lab.on('run.progress', (p) => {
    const r = runs.value.find((x) => x.id === p.runId)
    if (r) Object.assign(r, { progress: p.fraction, steps: p.step, totalSteps: p.totalSteps, status: 'running' })
  })

  async function rename(id: string, name: string) {
    await lab.invoke('runs.rename', { id, name })
    await load()
  }
  async function remove(id: string) {
    await lab.invoke('runs.delete', { id })
    await load()
  }
  async function cancel(id: string) {
    await lab.invoke('runs.cancel', { id })
  }

  return { runs, loaded, load, rename, remove, cancel }
})
