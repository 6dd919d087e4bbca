/**
 * The compare view in happy-dom with a fake engine (`lab` mocked) and ChartPanel stubbed to record the
 * ECharts option it is given (ECharts itself needs a canvas): the link round-trip, smoothing, grouping
 * and live points.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type Component } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { decodeCompareState, defaultCompareState, encodeCompareState, type CompareState } from '../../src-shared/compare/state'
import { smooth } from '../../src-shared/compare/smoothing'
import type { EventPayloads } from '../../src-shared/contract'
import type { Run, ScalarSeries } from '../../src-shared/records'

// ---- a fake engine: three runs, two learning rates, 100 noisy loss points each ----
const handlers = new Map<string, ((p: unknown) => void)[]>()
const calls: { method: string; params: unknown }[] = []

function run(id: string, lr: number, seed: number): Run {
  return {
    id, experimentId: null, name: `run ${id}`, studyId: 'training', config: { optimizer: { learningRate: lr }, seed }, seed, status: 'completed', backend: 'cpu',
    createdAt: 0, startedAt: 0, finishedAt: 1, error: null, summary: null, tags: [], notes: '', sweepId: null, starred: false, archived: false, progress: 1, steps: 100, totalSteps: 100, environment: null
  }
}
const RUNS = [run('r1', 0.1, 1), run('r2', 0.1, 2), run('r3', 0.01, 1)]

function lossSeries(seed: number): ScalarSeries {
  const s: ScalarSeries = { step: [], value: [], wall: [] }
  for (let i = 0; i < 100; i++) {
    s.step.push(i)
    s.wall.push(1_000_000 + i * 100)
    s.value.push(1 / (1 + i) + 0.05 * Math.sin(i * 1.7 + seed))
  }
  return s
}
const SCALARS: Record<string, ScalarSeries> = { r1: lossSeries(1), r2: lossSeries(2), r3: lossSeries(3) }
const stats = { last: 0, lastStep: 99, min: 0, minStep: 0, max: 1, maxStep: 0, count: 100 }

vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload' },
    async invoke(method: string, params: unknown) {
      calls.push({ method, params })
      if (method === 'runs.table') return { runs: RUNS, metrics: Object.fromEntries(RUNS.map((r) => [r.id, { 'train/loss': stats }])) }
      if (method === 'runs.scalarsPacked') {
        // Packed as the engine packs it (base64 of Float64 columns).
        const pack = (a: number[]) => Buffer.from(Float64Array.from(a).buffer).toString('base64')
        const { ids, keys } = params as { ids: string[]; keys: string[] }
        return Object.fromEntries(
          ids.map((id) => {
            const s = SCALARS[id]
            return [id, keys.includes('train/loss') ? { 'train/loss': { n: s.step.length, step: pack(s.step), wall: pack(s.wall), value: pack(s.value) } } : {}]
          })
        )
      }
      if (method === 'layouts.list') return []
      if (method === 'studies.list') return []
      throw new Error(`unexpected call ${method}`)
    },
    on(event: string, cb: (p: unknown) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), cb])
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((x) => x !== cb))
    }
  }
}))

function emit<E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]): void {
  for (const cb of handlers.get(event) ?? []) cb(payload)
}

// ChartPanel stand-in: renders its attributes (data-testid, data-series-count, …) and keeps the option.
const ChartPanelStub = defineComponent({
  name: 'ChartPanel',
  props: { title: String, option: Object, csv: Function, height: Number },
  setup: (_, { slots }) => () => h('section', slots.default?.())
})

let CompareView: Component
// Loaded once, before the tests: compiling the view and its charts' modules takes seconds on a busy machine, and
// no test is about that.
beforeAll(async () => {
  CompareView = (await import('../../src-renderer/views/CompareView.vue')).default
}, 60_000)

async function mountCompare(query: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/compare', component: CompareView },
      { path: '/runs', component: { render: () => h('div') } },
      { path: '/runs/:id', component: { render: () => h('div') } }
    ]
  })
  await router.push(`/compare${query}`)
  await router.isReady()
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router], stubs: { ChartPanel: ChartPanelStub } }, attachTo: document.body })
  await settle()
  return { wrapper, router }
}

const settle = async (ms = 0) => {
  await flushPromises()
  if (ms) await new Promise((r) => setTimeout(r, ms))
  await flushPromises()
}

const link = (patch: Partial<CompareState>) => `?s=${encodeCompareState({ ...defaultCompareState(), ...patch })}`
const stateOf = (router: ReturnType<typeof createRouter>): CompareState => {
  const d = decodeCompareState(String(router.currentRoute.value.query.s))
  if (!d.ok) throw new Error(d.error)
  return d.state
}

function chartOption(wrapper: ReturnType<typeof mount>, metric = 'train/loss') {
  const panel = wrapper.findAllComponents(ChartPanelStub).find((c) => c.props('title') === metric)
  if (!panel) throw new Error(`no chart for ${metric}`)
  return panel.props('option') as { series: { id: string; data: [number, number | null][] }[]; dataZoom: { startValue?: number; endValue?: number }[] }
}
const seriesData = (wrapper: ReturnType<typeof mount>, id: string) => chartOption(wrapper).series.find((s) => s.id === id)?.data

beforeEach(() => {
  setActivePinia(createPinia())
  handlers.clear()
  calls.length = 0
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('compare view', () => {
  it('restores the view from the link and writes every change back to it', async () => {
    const original = { runIds: ['r1', 'r3'], metrics: ['train/loss'], tab: 'config' as const, diffOnly: false, logY: true }
    const { wrapper, router } = await mountCompare(link(original))
    expect(wrapper.get('[data-testid="tab-config"]').attributes('aria-selected')).toBe('true')
    expect(wrapper.findAll('[data-testid^="run-chip-"]').map((c) => c.attributes('data-testid'))).toEqual(['run-chip-r1', 'run-chip-r3'])
    // All fields shown (diffOnly false): learningRate and seed; the learning rate differs.
    const rows = wrapper.findAll('[data-testid="config-diff"] tbody tr')
    expect(rows.map((r) => r.attributes('data-field'))).toEqual(['optimizer.learningRate', 'seed'])
    expect(rows[0].classes()).toContain('differs')
    expect(rows[1].classes()).not.toContain('differs')

    await wrapper.get('[data-testid="diff-only"]').setValue(true)
    await settle(400) // the URL is rewritten after the state settles
    expect(stateOf(router)).toEqual({ ...defaultCompareState(), ...original, diffOnly: true })
    expect(wrapper.findAll('[data-testid="config-diff"] tbody tr')).toHaveLength(1)

    // Reopening that link restores the same view.
    const again = await mountCompare(`?s=${String(router.currentRoute.value.query.s)}`)
    expect(stateOf(again.router)).toEqual(stateOf(router))
    expect(again.wrapper.findAll('[data-testid="config-diff"] tbody tr')).toHaveLength(1)
  })

  it('shows a readable banner and the defaults for a damaged link', async () => {
    const { wrapper } = await mountCompare('?s=%7Bnot-a-state')
    expect(wrapper.get('[data-testid="link-error"]').text()).toMatch(/compare link is (damaged|not valid).*default view/i)
    expect(wrapper.find('[data-testid="compare-empty"]').exists()).toBe(true)
  })

  it('draws the smoothed curve from the full-resolution data, and the raw one when smoothing is off', async () => {
    const { wrapper } = await mountCompare(link({ runIds: ['r1', 'r2'], metrics: ['train/loss'], smoothing: { kind: 'ema', weight: 0.6, sigma: 1 } }))
    const raw = SCALARS.r1
    const ema = smooth(raw.step, raw.value, { kind: 'ema', weight: 0.6, sigma: 1 })
    expect(seriesData(wrapper, 'run:r1')!.map((p) => p[1])).toEqual([...ema])
    // The raw line is drawn faintly behind it.
    expect(seriesData(wrapper, 'raw:r1')!.map((p) => p[1])).toEqual(raw.value)
    expect(wrapper.get('[data-testid="compare-chart"]').attributes('data-series-count')).toBe('2')

    await wrapper.get('[data-testid="smoothing-kind"]').setValue('none')
    await settle()
    expect(seriesData(wrapper, 'run:r1')!.map((p) => p[1])).toEqual(raw.value)
    expect(seriesData(wrapper, 'raw:r1')).toBeUndefined()
    expect(calls.filter((c) => c.method === 'runs.scalarsPacked')).toHaveLength(1) // settings never refetch
  })

  it('groups runs by a config field into one mean line with a band per group', async () => {
    const { wrapper, router } = await mountCompare(link({ runIds: ['r1', 'r2', 'r3'], metrics: ['train/loss'], smoothing: { kind: 'none', weight: 0, sigma: 1 } }))
    await wrapper.get('[data-testid="group-by"]').setValue('optimizer.learningRate')
    await settle(400)
    expect(stateOf(router).groupBy).toBe('optimizer.learningRate')
    const ids = chartOption(wrapper).series.map((s) => s.id).sort()
    expect(ids.filter((id) => id.startsWith('mean:'))).toHaveLength(2)
    expect(ids.filter((id) => id.startsWith('band:'))).toHaveLength(2)
    expect(ids.filter((id) => id.startsWith('lo:'))).toHaveLength(2)
    expect(ids.some((id) => id.startsWith('run:'))).toBe(false)
    const chart = wrapper.get('[data-testid="compare-chart"]')
    expect(chart.attributes('data-series-count')).toBe('2')
    expect(chart.attributes('data-band-count')).toBe('2')
    // lr = 0.1 holds r1 and r2: its mean at step 10 is their average; the band (±std) spans ±|r1 − r2|/2.
    const key = JSON.stringify(0.1)
    const at = (id: string) => seriesData(wrapper, id)!.find((p) => p[0] === 10)![1]!
    const [a, b] = [SCALARS.r1.value[10], SCALARS.r2.value[10]]
    expect(at(`mean:${key}`)).toBeCloseTo((a + b) / 2, 12)
    expect(at(`lo:${key}`)).toBeCloseTo((a + b) / 2 - Math.abs(a - b) / 2, 12)
    expect(at(`band:${key}`)).toBeCloseTo(Math.abs(a - b), 12)
  })

  it("colours each run's chip with its group's colour, the colour of the group's legend entry and band", async () => {
    const { wrapper } = await mountCompare(link({ runIds: ['r1', 'r3', 'r2'], metrics: ['train/loss'], groupBy: 'optimizer.learningRate' }))
    const series = chartOption(wrapper).series as unknown as { id: string; name: string; color: string }[]
    const colorOf = (lr: number) => series.find((x) => x.id === `mean:${JSON.stringify(lr)}`)!.color
    const chip = (id: string) => wrapper.get(`[data-testid="run-chip-${id}"] .dot`).attributes('data-color')
    // r1 and r2 (lr 0.1) share a group; before, chips took the palette by position (r2 third) and groups by group index.
    expect(chip('r1')).toBe(colorOf(0.1))
    expect(chip('r2')).toBe(colorOf(0.1))
    expect(chip('r3')).toBe(colorOf(0.01))
    expect(colorOf(0.1)).not.toBe(colorOf(0.01))
    // Group names use the sweep's short field names (the legend is not cut), in the order of their values.
    expect(series.filter((x) => x.id.startsWith('mean:')).map((x) => x.name)).toEqual(['lr = 0.01 (n=1)', 'lr = 0.1 (n=2)'])
  })

  it('keeps accuracy on a linear, percentage axis when log y is on; a positive loss goes logarithmic, a loss dipping below 0 not', async () => {
    const { curveOption } = await import('../../src-renderer/components/compare/curveOption')
    const { chartColors } = await import('../../src-renderer/lib/theme')
    const curve = (ys: number[]) => ({ id: 'a', name: 'a', color: '#000', x: Float64Array.from(ys, (_, i) => i), raw: Float64Array.from(ys), smooth: Float64Array.from(ys) })
    const chart = (metric: string, ys: number[]) => curveOption({ metric, curves: [curve(ys)], groups: null, xAxis: 'step', extent: [0, ys.length - 1], zoom: null, logY: true, showRaw: false, width: 400, colors: chartColors('dark') })
    type Axis = { yAxis: { type: string; axisLabel: { formatter: (v: number) => string } } }
    const acc = chart('test/accuracy', [0.5, 0.8, 0.9])
    expect((acc.option as Axis).yAxis.type).toBe('value')
    expect(acc.logRefused).toMatch(/fraction/)
    expect((acc.option as Axis).yAxis.axisLabel.formatter(0.9)).toBe('90 %')
    const loss = chart('train/loss', [2, 0.5, 0.01])
    expect((loss.option as Axis).yAxis.type).toBe('log')
    expect(loss.logRefused).toBeNull()
    // The fake runs' noisy loss dips below zero: drawn linear, with the reason on the chart.
    const { wrapper } = await mountCompare(link({ runIds: ['r1', 'r2'], metrics: ['train/loss'], logY: true }))
    expect((chartOption(wrapper) as unknown as Axis).yAxis.type).toBe('value')
    expect(wrapper.get('[data-testid="log-refused"]').text()).toMatch(/≤ 0/)
  })

  it('appends live points of a compared run without touching the zoom', async () => {
    const zoom: [number, number] = [10, 150]
    const { wrapper, router } = await mountCompare(link({ runIds: ['r1', 'r2'], metrics: ['train/loss'], smoothing: { kind: 'none', weight: 0, sigma: 1 }, zoom }))
    expect(seriesData(wrapper, 'run:r1')!.at(-1)![0]).toBe(99)
    const live = [100, 101, 102].map((step) => ({ key: 'train/loss', step, wall: 2_000_000 + step, value: 0.001 * step }))
    emit('run.metrics', { runId: 'r1', points: live, series: [] })
    emit('run.metrics', { runId: 'r9', points: [{ key: 'train/loss', step: 5, wall: 0, value: 1 }], series: [] }) // not compared: ignored
    await settle(400) // live recomputation is coalesced (≤ 4/s)
    const r1 = seriesData(wrapper, 'run:r1')!
    expect(r1.slice(-3)).toEqual(live.map((p) => [p.step, p.value]))
    expect(seriesData(wrapper, 'run:r2')!.at(-1)![0]).toBe(99)
    expect(chartOption(wrapper).dataZoom[0]).toMatchObject({ startValue: 10, endValue: 150 })
    expect(stateOf(router).zoom).toEqual(zoom)
    expect(calls.filter((c) => c.method === 'runs.scalarsPacked')).toHaveLength(1) // pushed, not refetched
  })
})
