/** Engine connection, info, settings and the live queue. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineInfo, QueueEntry, Settings } from '../../src-shared/records'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'

export const useEngineStore = defineStore('engine', () => {
  const connected = ref(false)
  const connectionMessage = ref('connecting to the engine…')
  const info = ref<EngineInfo | null>(null)
  const settings = ref<Settings | null>(null)
  const queue = ref<QueueEntry[]>([])
  const lastError = ref<string | null>(null)
  /** Bumped on every (re)connection so views reload what they show. */
  const epoch = ref(0)

  async function refresh(): Promise<void> {
    try {
      const [i, s, q] = await Promise.all([lab.invoke('engine.info'), lab.invoke('settings.get'), lab.invoke('queue.list')])
      info.value = i
      settings.value = s
      queue.value = q
      connected.value = true
    } catch (err) {
      lastError.value = (err as Error).message
    }
  }

  const refreshQueueSoon = coalesce(async () => (queue.value = await lab.invoke('queue.list')), 100)

  async function saveSettings(patch: Partial<Omit<Settings, 'dataDir'>> & { dataDir?: string }): Promise<void> {
    settings.value = await lab.invoke('settings.set', patch)
    info.value = await lab.invoke('engine.info')
  }

  lab.on('engine.connection', (c) => {
    connected.value = c.connected
    connectionMessage.value = c.message
    if (c.connected) {
      epoch.value++
      void refresh()
    }
  })
  lab.on('run.progress', (p) => {
    const e = queue.value.find((q) => q.runId === p.runId)
    if (e) Object.assign(e, { fraction: p.fraction, etaSeconds: p.etaSeconds, message: p.message, samplesPerSecond: p.samplesPerSecond, status: 'running' })
    else refreshQueueSoon()
  })
  lab.on('run.status', refreshQueueSoon)
  lab.on('runs.changed', refreshQueueSoon)
  lab.on('settings.changed', (s) => (settings.value = s))
  void refresh()

  return { connected, connectionMessage, info, settings, queue, lastError, epoch, refresh, saveSettings }
})
