/**
 * A sweep's results by setting (issue 11, item 6): the seeds of one setting aggregated into mean ± std per
 * metric, and a metric plotted against a swept parameter — the sweep view in happy-dom with a fake engine.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { aggregateValues } from '../../src-shared/compare/aggregate'
import type { Run, RunStatus } from '../../src-shared/records'
import type { SweepDetail } from '../../src-shared/sweeps'

const fake = vi.hoisted(() => ({ handlers: {} as Record<string, (p: any) => unknown> }))
vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload' },
    async invoke(method: string, params: unknown) {
      const h = fake.handlers[method]
      if (!h) throw new Error(`no fake for ${method}`)
      return h(params)
    },
    on: () => () => {}
  }
}))

const { aggregateSweep, paramPlot, sweepMetrics } = await import('../../src-renderer/components/sweeps/sweepAggregate')

// Compiling the view takes seconds on a loaded machine: not part of the test's time.
beforeAll(async () => {
  await import('../../src-renderer/views/SweepView.vue')
}, 60_000)

const LRS = [0.001, 0.01, 0.1]
const ACTS = ['tanh', 'relu']
/** Accuracy by setting and seed: rises with the learning rate, relu a little higher; seed 2 of one setting failed. */
const acc = (lr: number, act: string, seed: number) => 0.5 + 0.1 * Math.log10(lr / 0.001) + (act === 'relu' ? 0.05 : 0) + 0.01 * seed

function detail(): SweepDetail {
  const runs: SweepDetail['runs'] = []
  let index = 0
  for (const lr of LRS)
    for (const act of ACTS)
      for (const seed of [0, 1, 2]) {
        const failed = lr === 0.1 && act === 'relu' && seed === 2
        const status: RunStatus = failed ? 'failed' : 'completed'
        const run: Omit<Run, 'config'> = {
          id: `r${index}`, experimentId: 'e1', name: `lr=${lr} activation=${act} seed=${seed}`, studyId: 'training', seed, status, backend: 'cpu',
          createdAt: 0, startedAt: 0, finishedAt: 1000, error: null, tags: [], notes: '', sweepId: 's1', starred: false, archived: false, progress: 1, steps: 10, totalSteps: 10, environment: null,
          summary: failed ? null : { final: { 'test/accuracy': acc(lr, act, seed), 'test/loss': 1 - acc(lr, act, seed), epoch: 5 }, steps: 10, epochs: 5, wallSeconds: 1, samplesPerSecond: 100 }
        }
        runs.push({ index: index++, values: { 'optimizer.learningRate': lr, 'network.layers.0.activation': act, seed }, attempts: 1, run })
      }
  return {
    id: 's1', name: 'lr × activation', experimentId: 'e1', studyId: 'training', createdAt: 0,
    spec: { base: 'e1', mode: 'grid', params: [{ path: 'optimizer.learningRate', values: LRS }, { path: 'network.layers.0.activation', values: ACTS }], seeds: 3 },
    columns: ['optimizer.learningRate', 'network.layers.0.activation', 'seed'],
    progress: { total: runs.length, counts: { queued: 0, running: 0, completed: 17, failed: 1, cancelled: 0, interrupted: 0 }, fraction: 1, etaSeconds: null, done: true },
    runs
  }
}

describe('sweep results by setting', () => {
  it('aggregates the seeds of each setting into mean ± std of its completed runs', () => {
    const d = detail()
    const metrics = sweepMetrics(d)
    expect(metrics).toEqual(['test/accuracy', 'test/loss'])
    const agg = aggregateSweep(d, metrics)
    expect(agg.params).toEqual(['optimizer.learningRate', 'network.layers.0.activation'])
    expect(agg.labels).toEqual(['lr', 'activation'])
    expect(agg.settings).toHaveLength(6)
    const s = agg.settings.find((x) => x.values['optimizer.learningRate'] === 0.01 && x.values['network.layers.0.activation'] === 'tanh')!
    const seeds = [0, 1, 2].map((k) => acc(0.01, 'tanh', k))
    const mean = seeds.reduce((a, b) => a + b) / 3
    expect(s.stats['test/accuracy']!.mean).toBeCloseTo(mean, 12)
    expect(s.stats['test/accuracy']!.std).toBeCloseTo(Math.sqrt(seeds.reduce((a, v) => a + (v - mean) ** 2, 0) / 3), 12)
    // The failed seed is not averaged in.
    const partial = agg.settings.find((x) => x.values['optimizer.learningRate'] === 0.1 && x.values['network.layers.0.activation'] === 'relu')!
    expect([partial.runs.length, partial.completed, partial.stats['test/accuracy']!.n]).toEqual([3, 2, 2])
    expect(aggregateValues([1, NaN, null, 3])).toEqual({ n: 2, mean: 2, std: 1, min: 1, max: 3 })
    expect(aggregateValues([])).toBeNull()
  })

  it('plots a metric against a swept parameter: a log axis over decades, one line per value of the others', () => {
    const agg = aggregateSweep(detail(), ['test/accuracy'])
    const plot = paramPlot(agg, 'optimizer.learningRate', 'test/accuracy')
    expect(plot.scale).toBe('log')
    expect(plot.series.map((s) => s.name)).toEqual(['activation=tanh', 'activation=relu'])
    expect(plot.series[0].points.map((p) => p.x)).toEqual(LRS)
    expect(plot.series[0].points[1].mean).toBeCloseTo(acc(0.01, 'tanh', 1), 12)
    expect(plot.series[1].points[2].seeds).toHaveLength(2)
    // Against the enum instead: a category axis, one line per learning rate.
    const byAct = paramPlot(agg, 'network.layers.0.activation', 'test/accuracy')
    expect(byAct.scale).toBe('category')
    expect(byAct.categories).toEqual(['relu', 'tanh'])
    expect(byAct.series.map((s) => s.name)).toEqual(['lr=0.001', 'lr=0.01', 'lr=0.1'])
  })

  it('shows the table by setting and the plot in the sweep view (which stopped at a table of runs)', async () => {
    setActivePinia(createPinia())
    fake.handlers = { 'sweeps.get': () => structuredClone(detail()), 'experiments.list': () => [], 'templates.list': () => [] }
    const ChartPanelStub = defineComponent({ name: 'ChartPanel', props: { title: String, option: Object, csv: Function, height: Number, subtitle: String }, setup: (_, { slots }) => () => h('section', slots.default?.()) })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => h('div') } }] })
    const { default: SweepView } = await import('../../src-renderer/views/SweepView.vue')
    const w = mount(SweepView, { props: { id: 's1' }, global: { plugins: [router], stubs: { ChartPanel: ChartPanelStub } } })
    for (let i = 0; i < 5; i++) await flushPromises()
    const rows = w.findAll('[data-testid="sweep-settings"] tbody tr').map((r) => r.findAll('td').map((c) => c.text()))
    expect(rows).toHaveLength(6)
    const mean = [0, 1, 2].map((k) => acc(0.001, 'tanh', k)).reduce((a, b) => a + b) / 3
    expect(rows[0].slice(0, 3)).toEqual(['0.001', 'tanh', '3'])
    expect(rows[0][3]).toMatch(new RegExp(`^${(mean * 100).toFixed(2)} % ± 0\\.82 %$`))
    expect(rows[5][2]).toBe('2 of 3')
    const chart = w.findAllComponents(ChartPanelStub).find((c) => c.props('title') === 'test/accuracy vs lr')!
    const option = chart.props('option') as { xAxis: { type: string }; series: { id: string; type: string; data: { value: number[] }[] | number[][] }[] }
    expect(option.xAxis.type).toBe('log')
    expect(option.series.filter((s) => s.type === 'custom').map((s) => s.id)).toEqual(['err:0', 'err:1']) // ± std error bars
    const tanh = option.series.find((s) => s.id === 'mean:0')!.data as { value: number[] }[]
    expect(tanh.map((p) => p.value[0])).toEqual(LRS)
    expect(tanh[0].value[1]).toBeCloseTo(mean, 12)
    // The per-run table is still there.
    expect(w.findAll('[data-testid="sweep-results"] tbody tr')).toHaveLength(18)
  })
})
