/**
 * Charts as figures and readable views (issue 11, items 4–8): the one export path (title, the full legend,
 * no zoom slider, the plot kept at its size), log y only where it means something, the information plane's
 * legend, the neurashed graph in pixels, 2-D scatters at equal aspect, image datasets' statistics as images.
 * ECharts' SVG renderer runs here (server-side mode); the canvas renderer and PNGs are checked in
 * test/e2e/figures.test.ts.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'

const downloads = vi.hoisted(() => ({ texts: [] as { name: string; text: string }[], urls: [] as { name: string; url: string }[] }))
vi.mock('../../src-renderer/lib/download', async (load) => ({
  ...(await load<typeof import('../../src-renderer/lib/download')>()),
  downloadText: (name: string, text: string) => downloads.texts.push({ name, text }),
  downloadDataUrl: (name: string, url: string) => downloads.urls.push({ name, url })
}))
// The live chart needs a canvas; the panel only asks it for its size when exporting.
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    name: 'VChart',
    props: { option: Object },
    setup(_, { expose }) {
      expose({ chart: { getWidth: () => 640, getHeight: () => 300 } })
      return () => h('div', { class: 'vchart' })
    }
  })
}))

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

const { default: ChartPanel } = await import('../../src-renderer/components/ChartPanel.vue')
// The line series the crowded chart draws (the chart components register what they use).
const echarts = await import('echarts/core')
echarts.use([(await import('echarts/charts')).LineChart, (await import('echarts/components')).GridComponent])
const { figureOption, legendRows } = await import('../../src-renderer/lib/figure')
const { chartColors } = await import('../../src-renderer/lib/theme')

// Compiling the components takes seconds on a loaded machine: not part of any one test's time.
beforeAll(async () => {
  await Promise.all([
    import('../../src-renderer/components/LineChart.vue'),
    import('../../src-renderer/studies/neurashed/InfoPlaneChart.vue'),
    import('../../src-renderer/studies/neurashed/LambdaGraph.vue'),
    import('../../src-renderer/components/datasets/ScatterChart.vue'),
    import('../../src-renderer/views/DatasetView.vue')
  ])
}, 60_000)

beforeEach(() => {
  downloads.texts.length = 0
  downloads.urls.length = 0
  fake.handlers = {}
})
afterEach(() => {
  document.body.innerHTML = ''
})

/** What the compare view draws for 16 groups: a scrolling legend of long names, a zoom slider, a zoomed range. */
function crowdedOption() {
  const names = Array.from({ length: 16 }, (_, i) => `activation=${i % 2 ? 'relu' : 'tanh'}, lr=${(0.0003 * 3 ** i).toPrecision(2)} (n=3)`)
  return {
    names,
    option: {
      legend: { top: 0, type: 'scroll', data: names },
      grid: { left: 10, right: 18, top: 34, bottom: 32 },
      dataZoom: [
        { id: 'inside', type: 'inside', startValue: 10, endValue: 90 },
        { id: 'slider', type: 'slider', height: 16, bottom: 6, startValue: 10, endValue: 90 }
      ],
      xAxis: { type: 'value', name: 'step' },
      yAxis: { type: 'value' },
      series: names.map((name, i) => ({ name, type: 'line', data: [[0, i], [100, i + 1]] }))
    }
  }
}

describe('chart exports are figures', () => {
  it('the SVG export has the title, every legend entry in full, and no zoom slider', async () => {
    const { names, option } = crowdedOption()
    const w = mount(ChartPanel, { props: { title: 'test/accuracy', subtitle: 'EMA smoothing, weight 0.60', option, csv: () => ({ header: [], rows: [] }), height: 300 } })
    await w.findAll('button').find((b) => b.text() === 'SVG')!.trigger('click')
    expect(downloads.texts).toHaveLength(1)
    const { name, text } = downloads.texts[0]
    expect(name).toBe('test_accuracy.svg')
    expect(text).toMatch(/^<svg[\s\S]*<\/svg>$/)
    const texts = [...text.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, '&'))
    // The title and its second line are in the figure (the old export drew the bare interactive chart).
    expect(texts).toContain('test/accuracy')
    expect(texts).toContain('EMA smoothing, weight 0.60')
    // All 16 legend entries, uncut — no "1/3" page counter.
    for (const n of names) expect(texts).toContain(n)
    expect(texts.some((t) => /^\d+\/\d+$/.test(t))).toBe(false)
  })

  it('turns the interactive option into a figure: legend rows above the plot, slider gone, zoom kept, plot size kept', () => {
    const { names, option } = crowdedOption()
    const colors = chartColors('light')
    const f = figureOption({ option, title: 'test/accuracy', width: 640, height: 300, colors, background: '#ffffff' })
    const o = f.option as any
    expect(o.title).toMatchObject({ text: 'test/accuracy' })
    expect(o.legend).toHaveLength(1)
    expect(o.legend[0]).toMatchObject({ type: 'plain', data: names })
    expect(o.dataZoom.map((z: any) => z.type)).toEqual(['inside'])
    expect(o.dataZoom[0]).toMatchObject({ startValue: 10, endValue: 90 })
    const rows = legendRows(names, 640 - 24)
    expect(rows.length).toBeGreaterThan(1)
    expect(rows.flat()).toEqual(names)
    // The plot starts below the last legend row, and keeps its on-screen height (the figure grows instead).
    expect(o.grid.top).toBeGreaterThanOrEqual(o.legend[0].top + rows.length * 18)
    const plot = (top: number, bottom: number, height: number) => height - top - bottom
    expect(plot(o.grid.top, o.grid.bottom, f.height)).toBe(plot(34, 32, 300))
    expect(o.grid.bottom).toBeLessThan(32) // the slider's room is gone
    expect(f.width).toBe(640)
  })
})

const ChartPanelStub = defineComponent({
  name: 'ChartPanel',
  props: { title: String, option: Object, csv: Function, height: Number, subtitle: String },
  setup: (_, { slots }) => () => h('section', slots.default?.())
})
const stubs = { ChartPanel: ChartPanelStub }
const optionOf = (w: ReturnType<typeof mount>) => w.findComponent(ChartPanelStub).props('option') as any

describe('log y only where values are positive', () => {
  it('draws accuracy and series with values ≤ 0 on a linear axis and says why; positive values on a log axis', async () => {
    const { default: LineChart } = await import('../../src-renderer/components/LineChart.vue')
    const series = (y: number[]) => [{ name: 's', x: y.map((_, i) => i), y }]
    const acc = mount(LineChart, { props: { title: 'Accuracy', series: series([0.5, 0.9]), logY: true, percent: true }, global: { stubs } })
    expect(optionOf(acc).yAxis.type).toBe('value')
    expect(acc.get('[data-testid="log-refused"]').text()).toMatch(/fraction/)
    expect(optionOf(acc).yAxis.axisLabel.formatter(0.9)).toBe('90 %')
    const signed = mount(LineChart, { props: { title: 'Δ', series: series([-1, 2]), logY: true }, global: { stubs } })
    expect(optionOf(signed).yAxis.type).toBe('value')
    expect(signed.get('[data-testid="log-refused"]').text()).toMatch(/≤ 0/)
    const loss = mount(LineChart, { props: { title: 'Loss', series: series([2, 0.01]), logY: true }, global: { stubs } })
    expect(optionOf(loss).yAxis.type).toBe('log')
    expect(loss.find('[data-testid="log-refused"]').exists()).toBe(false)
  })
})

describe('readable study charts', () => {
  it('the information-plane legend shows each level by its shape in a neutral colour (colour is the iteration)', async () => {
    const { default: InfoPlane } = await import('../../src-renderer/studies/neurashed/InfoPlaneChart.vue')
    const levels = [
      { level: 1, points: [[3, 1, 0], [2, 1, 500]] as [number, number, number][] },
      { level: 2, points: [[2, 1, 0], [1, 1, 500]] as [number, number, number][] }
    ]
    const w = mount(InfoPlane, { props: { levels }, global: { stubs } })
    const o = optionOf(w)
    const text = chartColors('dark').text === o.textStyle.color ? chartColors('dark').text : chartColors('light').text
    expect(o.legend.data.map((d: any) => [d.name, d.icon, d.itemStyle.color])).toEqual([
      ['level 1', 'circle', text],
      ['level 2', 'rect', text]
    ])
    expect(o.series.map((s: any) => s.symbol)).toEqual(['circle', 'rect'])
    expect(o.visualMap).toMatchObject({ dimension: 2, min: 0, max: 500 })
  })

  it('draws the neurashed graph in pixels: the drawing is as wide as its box, labels 12 px', async () => {
    const { default: LambdaGraph } = await import('../../src-renderer/studies/neurashed/LambdaGraph.vue')
    // The information-bottleneck shape: 13 inputs under a few hidden nodes and two classes.
    const nodes = [
      ...Array.from({ length: 13 }, (_, i) => ({ id: `x${i + 1}`, level: 1 })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: `h${i + 1}`, level: 2 })),
      { id: 'C1', level: 3 },
      { id: 'C2', level: 3 }
    ]
    const graph = { levels: 3, nodes, edges: [{ from: 'C1', to: 'h1' }, { from: 'h1', to: 'x1' }], samples: [] }
    const w = mount(LambdaGraph, { props: { graph, lambda: null, log: false, pathway: null } })
    const svg = w.get('svg')
    const [, , vw, vh] = svg.attributes('viewBox')!.split(' ').map(Number)
    // No viewBox scaling (which shrank 10-unit labels to ≈ 8 px on a wide graph): user units are pixels.
    expect(Number(svg.attributes('width'))).toBe(vw)
    expect(Number(svg.attributes('height'))).toBe(vh)
    const labels = w.findAll('text')
    expect(labels).toHaveLength(nodes.length)
    for (const t of labels) expect(Number(t.attributes('font-size'))).toBeGreaterThanOrEqual(11)
    // Every node inside the drawing.
    for (const g of w.findAll('g')) {
      const [x, y] = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(g.attributes('transform')!)!.slice(1).map(Number)
      expect(x).toBeGreaterThan(0)
      expect(x).toBeLessThan(vw)
      expect(y).toBeGreaterThan(0)
      expect(y).toBeLessThan(vh)
    }
  })

  it('draws a 2-D dataset at equal aspect: a square plot whose axes span the same length', async () => {
    const { default: Scatter } = await import('../../src-renderer/components/datasets/ScatterChart.vue')
    // x in [-6, 6], y in [-1, 1]: stretched to a square, the ellipse-shaped cloud would look round.
    const x: number[] = []
    const label: number[] = []
    for (let i = 0; i < 50; i++) {
      const t = (i / 50) * 2 * Math.PI
      x.push(6 * Math.cos(t), Math.sin(t))
      label.push(i % 2)
    }
    const o = optionOf(mount(Scatter, { props: { title: 'ellipse', x, dims: 2, label }, global: { stubs } }))
    expect(o.grid.width).toBe(o.grid.height)
    expect(o.xAxis.max - o.xAxis.min).toBeCloseTo(o.yAxis.max - o.yAxis.min, 9)
    expect(o.xAxis.min).toBeLessThanOrEqual(-6)
    expect(o.xAxis.max).toBeGreaterThanOrEqual(6)
    expect(o.yAxis.min).toBeLessThanOrEqual(-1)
  })
})

describe('image datasets', () => {
  it("shows the per-pixel mean and std as images, not one table row per pixel", async () => {
    const side = 4
    const features = Array.from({ length: side * side }, (_, j) => ({ mean: j, std: 2 * j, min: 0, max: 255 }))
    const info = {
      id: 'img', name: 'tiny images', kind: 'imported', spec: {}, provenance: {}, checksum: 'x'.repeat(64), createdAt: 0, sizeBytes: 100, parentId: null,
      shape: { n: 10, sample: [side, side, 1], task: 'classification', classes: 2, dtype: 'uint8' }, classNames: null, classCounts: [5, 5]
    }
    fake.handlers['datasets.get'] = () => info
    fake.handlers['datasets.preview'] = ({ kind }: { kind: string }) =>
      kind === 'stats'
        ? { kind: 'stats', features, classCounts: [5, 5], targetHistogram: null }
        : { kind: 'images', height: side, width: side, channels: 1, pixels: btoa(String.fromCharCode(...new Array(side * side * 2).fill(7))), label: [0, 1], indices: [0, 1] }
    fake.handlers['datasets.list'] = () => []
    fake.handlers['datasets.jobs'] = () => []
    const { createPinia, setActivePinia } = await import('pinia')
    setActivePinia(createPinia())
    const { createMemoryHistory, createRouter } = await import('vue-router')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => h('div') } }] })
    const { default: DatasetView } = await import('../../src-renderer/views/DatasetView.vue')
    const w = mount(DatasetView, { props: { id: 'img' }, global: { plugins: [router], stubs } })
    for (let i = 0; i < 6; i++) await flushPromises()
    expect(w.find('[data-testid="feature-stats"]').exists()).toBe(false) // no 16-row (784-row for MNIST) table
    const images = w.findAllComponents(ChartPanelStub).filter((c) => /of each pixel/.test(c.props('title') as string))
    expect(images.map((c) => c.props('title'))).toEqual(['tiny images — mean of each pixel', 'tiny images — std of each pixel'])
    // Row-major pixels: the heatmap's [column, row, value] holds feature j at (j % side, j / side).
    const mean = images[0].props('option') as any
    expect(mean.series[0].data).toHaveLength(side * side)
    expect(mean.series[0].data[side + 2]).toEqual([2, 1, side + 2])
    expect(mean.grid.width).toBe(mean.grid.height)
    const std = images[1].props('option') as any
    expect(std.series[0].data[5][2]).toBe(10)
  })
})
