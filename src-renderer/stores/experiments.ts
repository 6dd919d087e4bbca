import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Template } from '../../src-shared/studies'
import type { Experiment } from '../../src-shared/records'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'

export const useExperimentsStore = defineStore('experiments', () => {
  const experiments = ref<Experiment[]>([])
  const templates = ref<Template[]>([])
  const loaded = ref(false)

  async function load(): Promise<void> {
    const [e, t] = await Promise.all([lab.invoke('experiments.list'), lab.invoke('templates.list')])
    experiments.value = e
    templates.value = t
    loaded.value = true
  }

  const reloadSoon = coalesce(load, 150)
  lab.on('experiments.changed', reloadSoon)
  lab.on('engine.connection', (c) => c.connected && reloadSoon())

  return { experiments, templates, loaded, load }
})
