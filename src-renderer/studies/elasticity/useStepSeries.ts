/**
 * A snapshot slider over series logged at the same steps (e.g. 'elasticity/neural' and 'elasticity/linear'):
 * the steps come from the first key; every key's entry is loaded at the selected step. While the slider sits on
 * the last step the entries follow the run live.
 */
import { onUnmounted, ref, shallowRef, watch, type Ref } from 'vue'
import type { SeriesSource } from '../panels'

export interface StepSeries {
  steps: Ref<number[]>
  index: Ref<number>
  /** Payload per key at the selected step (null until logged). */
  entries: Ref<Record<string, unknown>>
  /** The step the shown entries were logged at. */
  step: Ref<number | null>
  following: Ref<boolean>
  error: Ref<string | null>
  select(index: number): Promise<void>
  reload(): Promise<void>
}

export function useStepSeries(source: () => SeriesSource, keys: string[], reloadOn: () => unknown = () => null): StepSeries {
  const steps = ref<number[]>([])
  const index = ref(0)
  const entries = shallowRef<Record<string, unknown>>({})
  const step = ref<number | null>(null)
  const following = ref(true)
  const error = ref<string | null>(null)
  let request = 0

  async function loadAt(at: number | undefined): Promise<void> {
    const mine = ++request
    try {
      const got = await Promise.all(keys.map((k) => source().get(k, at)))
      if (mine !== request) return
      const out: Record<string, unknown> = {}
      got.forEach((g, i) => (out[keys[i]] = g?.payload ?? null))
      entries.value = out
      step.value = got[0]?.step ?? null
      error.value = null
    } catch (e) {
      if (mine === request) error.value = `Could not load ${keys.join(', ')}: ${(e as Error).message}`
    }
  }

  async function reload(): Promise<void> {
    try {
      steps.value = await source().steps(keys[0])
    } catch (e) {
      error.value = `Could not load the steps of ${keys[0]}: ${(e as Error).message}`
      return
    }
    if (following.value || index.value >= steps.value.length) {
      index.value = Math.max(0, steps.value.length - 1)
      following.value = true
      await loadAt(undefined)
    } else await loadAt(steps.value[index.value])
  }

  async function select(i: number): Promise<void> {
    index.value = Math.max(0, Math.min(steps.value.length - 1, i))
    following.value = index.value === steps.value.length - 1
    await loadAt(steps.value[index.value])
  }

  let off: (() => void) | null = null
  function subscribe(): void {
    off?.()
    off = source().onLive((e) => {
      const k = keys.indexOf(e.key)
      if (k < 0) return
      if (k === 0) for (const s of e.steps) if (!steps.value.includes(s)) steps.value.push(s)
      if (!following.value) return
      ++request // a live entry supersedes a load still in flight
      entries.value = { ...entries.value, [e.key]: e.payload }
      if (k === 0) {
        step.value = e.step
        index.value = Math.max(0, steps.value.length - 1)
      }
    })
  }

  watch(
    [source, reloadOn],
    () => {
      subscribe()
      void reload()
    },
    { immediate: true }
  )
  onUnmounted(() => off?.())

  return { steps, index, entries, step, following, error, select, reload }
}
