/**
 * The run page's panel of one logged series (src-renderer/outputs/SeriesPanel.vue) in happy-dom, with a fake lab
 * client and series source: how often it loads the history that histograms and vectors draw as a matrix over
 * steps — once for a finished run, again when the run logs a new step, the other run's when the page moves to it,
 * and never for kinds that draw one step only.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import type { Run } from '../../src-shared/records'
import type { LiveSeriesEntry, SeriesSource } from '../../src-renderer/studies/panels'

/** History calls, and what each run has logged under the key (step → payload). */
const calls: { id: string; key: string }[] = []
const logged: Record<string, number[]> = {}
vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload' },
    async invoke(method: string, params: { id: string; key: string }) {
      if (method !== 'runs.seriesHistory') throw new Error(`no fake for ${method}`)
      calls.push({ id: params.id, key: params.key })
      return (logged[params.id] ?? []).map((step) => ({ step, payload: { run: params.id, step } }))
    },
    on: () => () => {}
  }
}))
const { default: SeriesPanel } = await import('../../src-renderer/outputs/SeriesPanel.vue')

/** A series source over `logged[runId]`, whose live listener the test drives. */
function source(runId: string) {
  let listener: ((e: LiveSeriesEntry) => void) | null = null
  const src: SeriesSource = {
    get: async (_key, step) => {
      const steps = logged[runId] ?? []
      const at = step ?? steps.at(-1)
      return at === undefined ? null : { step: at, payload: { run: runId, step: at } }
    },
    // A round trip's latency: the steps arrive after the panel has mounted and its first timers ran.
    steps: () => new Promise((done) => setTimeout(() => done([...(logged[runId] ?? [])]), 5)),
    onLive: (l) => {
      listener = l
      return () => (listener = null)
    }
  }
  return { src, log: (key: string, step: number) => (logged[runId].push(step), listener?.({ key, steps: [step], step, payload: { run: runId, step } })) }
}

const seen: unknown[] = []
const Viewer = defineComponent({
  props: { history: Array, payload: null, step: null, title: String, run: Object },
  setup: (props) => () => (seen.push(props.history), h('div', { 'data-testid': 'viewer' }))
})
const run = (id: string): Run => ({ id, status: 'completed', studyId: 'training', config: {} }) as unknown as Run
const KEY = 'weights/dense1'
const mountPanel = (id: string, kind = 'histogram', src = source(id).src) =>
  mount(SeriesPanel, { props: { run: run(id), seriesKey: KEY, title: 'Weights — dense1', kind: kind as 'histogram', viewer: Viewer, source: src } })
const lastHistory = () => seen.at(-1) as { step: number; payload: { run: string } }[] | undefined

beforeEach(() => {
  vi.useFakeTimers()
  calls.length = 0
  seen.length = 0
  for (const k of Object.keys(logged)) delete logged[k]
})
afterEach(() => vi.useRealTimers())

describe('SeriesPanel history', () => {
  it('loads a finished run’s history once, and again (after its 2 s pause) when the run logs a new step', async () => {
    logged.a = [0, 10, 20]
    const a = source('a')
    const w = mountPanel('a', 'histogram', a.src)
    await vi.advanceTimersByTimeAsync(10_000)
    await flushPromises()
    expect(calls).toEqual([{ id: 'a', key: KEY }])
    expect(lastHistory()?.map((e) => e.step)).toEqual([0, 10, 20])
    a.log(KEY, 30)
    await vi.advanceTimersByTimeAsync(10_000)
    await flushPromises()
    expect(calls).toHaveLength(2)
    expect(lastHistory()?.map((e) => e.step)).toEqual([0, 10, 20, 30])
    w.unmount()
  })

  it('shows the other run’s history when the page moves to a run with as many steps', async () => {
    logged.a = [0, 10, 20]
    logged.b = [0, 10, 20]
    const w = mountPanel('a')
    await vi.advanceTimersByTimeAsync(5000)
    await w.setProps({ run: run('b'), source: source('b').src })
    await vi.advanceTimersByTimeAsync(5000)
    await flushPromises()
    expect(calls.map((c) => c.id)).toEqual(['a', 'b'])
    expect(lastHistory()?.every((e) => e.payload.run === 'b')).toBe(true)
    w.unmount()
  })

  it('loads no history for a kind that draws one step, nor after the panel is closed', async () => {
    logged.a = [0, 10]
    const table = mountPanel('a', 'table')
    await vi.advanceTimersByTimeAsync(5000)
    table.unmount()
    const live = source('a')
    const hist = mountPanel('a', 'histogram', live.src)
    await vi.advanceTimersByTimeAsync(5000)
    expect(calls).toHaveLength(1)
    live.log(KEY, 20)
    await flushPromises()
    hist.unmount()
    await vi.advanceTimersByTimeAsync(5000)
    expect(calls).toHaveLength(1)
  })
})
