/** The dataset library and its long jobs (imports, transforms), kept current by engine events. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DatasetInfo, DatasetJob, GeneratorDescriptor } from '../../src-shared/datasets'
import { lab } from '../api/client'
import { coalesce } from '../lib/coalesce'

export interface TrackedJob extends DatasetJob {
  /** When this renderer first saw the job (for the ETA). */
  startedAt: number
}

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetInfo[]>([])
  const loaded = ref(false)
  const generators = ref<GeneratorDescriptor[]>([])
  const jobs = ref<TrackedJob[]>([])

  async function load(): Promise<void> {
    datasets.value = await lab.invoke('datasets.list')
    loaded.value = true
  }
  async function loadGenerators(): Promise<void> {
    generators.value = await lab.invoke('datasets.generators')
  }
  /** Jobs still running (after a reload or reconnect); finished ones only if this page already showed them. */
  async function loadJobs(): Promise<void> {
    for (const j of await lab.invoke('datasets.jobs').catch(() => [] as DatasetJob[])) {
      if (j.status === 'running' || jobs.value.some((x) => x.jobId === j.jobId)) track(j)
    }
  }

  function track(j: DatasetJob): TrackedJob {
    const known = jobs.value.find((x) => x.jobId === j.jobId)
    if (known) {
      Object.assign(known, j)
      return known
    }
    const t = { ...j, startedAt: Date.now() }
    jobs.value.unshift(t)
    return jobs.value[0]
  }
  function dismiss(jobId: string): void {
    jobs.value = jobs.value.filter((j) => j.jobId !== jobId)
  }

  const reloadSoon = coalesce(load, 150)
  lab.on('datasets.changed', reloadSoon)
  lab.on('datasets.job', (j) => {
    track(j)
    if (j.status !== 'running') reloadSoon()
  })
  lab.on('engine.connection', (c) => {
    if (c.connected) {
      reloadSoon()
      void loadJobs()
    }
  })

  async function rename(id: string, name: string): Promise<void> {
    await lab.invoke('datasets.rename', { id, name })
    await load()
  }
  async function remove(id: string): Promise<void> {
    await lab.invoke('datasets.delete', { id })
    await load()
  }
  async function cancelJob(jobId: string): Promise<void> {
    track(await lab.invoke('datasets.cancelJob', { jobId }))
  }

  return { datasets, loaded, generators, jobs, load, loadGenerators, loadJobs, track, dismiss, rename, remove, cancelJob }
})
