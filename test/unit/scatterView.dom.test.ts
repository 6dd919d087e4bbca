/**
 * The generic scatter view (src-renderer/outputs/views/ScatterView.vue) in happy-dom, and the maths it draws with:
 * ChartPanel is stubbed to record the ECharts option and the CSV it is given (ECharts itself needs a canvas), so
 * the tests read the series drawn per group, the arrows, the grid's rectangles and colours, markers, lines and
 * the axes' ranges. Every test also fails on a Vue warning or a console error.
 */
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { defineComponent, h, nextTick } from 'vue'
import type { ScatterPayload } from '../../src-shared/outputs/payloads'
import { toCsv } from '../../src-renderer/lib/download'
import { genericSeriesView } from '../../src-renderer/outputs'
import ScatterView from '../../src-renderer/outputs/views/ScatterView.vue'
import { gridRects, groupColour, scatterBounds, scatterProblem } from '../../src-renderer/outputs/views/viewMath'

vi.mock('../../src-renderer/lib/download', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-renderer/lib/download')>()
  return { ...real, downloadText: () => {}, downloadDataUrl: () => {} }
})

/** ChartPanel as a plain section that keeps the option and CSV function it was given (data-* attributes fall through). */
const ChartPanelStub = defineComponent({
  name: 'ChartPanel',
  props: { title: String, option: Object, csv: Function, height: Number },
  setup: (props, { slots }) => () => h('section', { 'data-testid': 'chart', 'data-title': props.title }, slots.default?.())
})
const stubs = { ChartPanel: ChartPanelStub }

type Option = Record<string, any>
const optionOf = (w: ReturnType<typeof mount>): Option => w.findComponent(ChartPanelStub).props('option') as Option
const csvOf = (w: ReturnType<typeof mount>) => {
  const { header, rows } = (w.findComponent(ChartPanelStub).props('csv') as () => { header: string[]; rows: (string | number | null)[][] })()
  return { header, rows, text: toCsv(header, rows) }
}
const seriesById = (o: Option, id: string) => o.series.find((s: any) => s.id === id)
const chartAttr = (w: ReturnType<typeof mount>, name: string) => w.find('[data-testid="chart"]').attributes(`data-${name}`)

/** Call a custom series' renderItem the way ECharts does, on axes where data (x, y) maps to pixels (10x, 100 - 10y). */
function renderCell(series: any, index: number) {
  const item = series.data[index] as number[]
  const api = { value: (d: number) => item[d], coord: ([x, y]: number[]) => [10 * x, 100 - 10 * y] }
  return series.renderItem({ dataIndex: index }, api)
}

let errors: unknown[][] = []
beforeEach(() => {
  errors = []
  vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a))
  vi.spyOn(console, 'warn').mockImplementation((...a) => void errors.push(a))
})
afterEach(() => {
  vi.restoreAllMocks()
  document.body.innerHTML = ''
  expect(errors, 'console errors or Vue warnings').toEqual([])
})

const base: ScatterPayload = {
  xLabel: 'PC 1',
  yLabel: 'PC 2',
  groups: [
    { name: 'class 0', x: [0, 1, 2], y: [0, 1, 0] },
    { name: 'removed', x: [5, 6], y: [5, 6], faded: true },
    { name: 'class 1', x: [3], y: [-1] }
  ]
}

describe('scatterProblem', () => {
  it('accepts a payload with every layer', () => {
    expect(
      scatterProblem({
        ...base,
        arrows: { x: [0], y: [0], dx: [1], dy: [1], name: '−∂ℒ/∂x' },
        grid: { nx: 2, ny: 1, extent: [0, 1, 0, 1], values: [0, null], kind: 'class' },
        markers: { name: 'centroids', x: [1, 2], y: [1, 2], group: [0, 2] },
        lines: [{ name: 'unit 0', x: [0, 1], y: [1, 0] }],
        equalAxes: true,
        note: '6 points'
      })
    ).toBeNull()
  })

  it('says what is wrong, in words', () => {
    expect(scatterProblem(7)).toBe('the payload is not an object with groups')
    expect(scatterProblem({ xLabel: 'x' })).toMatch(/^groups is missing/)
    expect(scatterProblem({ groups: [] })).toMatch(/^there is nothing to draw/)
    expect(scatterProblem({ groups: [{ x: [1], y: [1] }] })).toBe('group 0 has no name')
    expect(scatterProblem({ groups: [{ name: 'a', x: [1, 2, 3], y: [1, 2] }] })).toBe('group a has 3 x and 2 y values (expected as many of each)')
    expect(scatterProblem({ groups: [{ name: 'a', x: [1, null], y: [1, 2] }] })).toBe('x 1 of group a is null, not a number')
    expect(scatterProblem({ groups: [{ name: 'a', y: [1] }] })).toBe('group a has no x list')
    expect(scatterProblem({ ...base, arrows: { x: [0, 1], y: [0, 1], dx: [1], dy: [1, 2] } })).toBe('arrows has 2 x, 2 y, 1 dx and 2 dy values (expected as many of each)')
    expect(scatterProblem({ ...base, arrows: { x: [0], y: [0], dx: ['a'], dy: [1] } })).toBe('dx 0 of arrows is "a", not a number')
    const grid = { nx: 2, ny: 2, extent: [0, 1, 0, 1], values: [0, 1, 1, 0], kind: 'class' }
    expect(scatterProblem({ ...base, grid: { ...grid, values: [0, 1, 1] } })).toBe('grid has 3 values for 2 × 2 cells (expected 4)')
    expect(scatterProblem({ ...base, grid: { ...grid, extent: [1, 0, 0, 1] } })).toBe('grid extent is [1,0,0,1] (expected [x0, x1, y0, y1] with x0 < x1 and y0 < y1)')
    expect(scatterProblem({ ...base, grid: { ...grid, extent: [0, 1, 0] } })).toMatch(/^grid extent is \[0,1,0\]/)
    expect(scatterProblem({ ...base, grid: { ...grid, values: [0, 1, 3, 0] } })).toBe('grid value 2 is 3, not a group index (0 to 2) or null')
    expect(scatterProblem({ ...base, grid: { ...grid, kind: 'value', values: [0, 'x', 1, 0] } })).toBe('grid value 1 is "x", not a number or null')
    expect(scatterProblem({ ...base, grid: { ...grid, kind: 'colour' } })).toBe('grid kind is "colour" (expected class or value)')
    expect(scatterProblem({ ...base, grid: { ...grid, nx: 0 } })).toBe('grid nx is 0, not a positive whole number')
    expect(scatterProblem({ ...base, markers: { name: 'c', x: [0, 1], y: [0, 1], group: [0, 3] } })).toBe('marker 1 of c has group 3, not a group index (0 to 2)')
    expect(scatterProblem({ ...base, markers: { name: 'c', x: [0, 1], y: [0, 1], group: [0] } })).toBe('markers c has 1 group indices for 2 markers')
    expect(scatterProblem({ ...base, lines: [{ name: 'l', x: [0], y: [0, 1] }] })).toMatch(/^line 0 is .* \(expected \{ name, x: \[x0, x1\], y: \[y0, y1\] \}\)$/)
  })
})

describe('scatter maths', () => {
  it('merges runs of equal cells along a class grid row, leaves null cells out, keeps value cells apart', () => {
    const grid = { nx: 4, ny: 2, extent: [0, 4, 10, 12] as [number, number, number, number], values: [0, 0, 1, null, 2, 2, 2, 2], kind: 'class' as const }
    expect(gridRects(grid)).toEqual([
      [0, 2, 10, 11, 0],
      [2, 3, 10, 11, 1],
      [0, 4, 11, 12, 2]
    ])
    expect(gridRects({ ...grid, kind: 'value' })).toHaveLength(7)
  })

  it('bounds every layer, arrows to their heads; equal axes pad the shorter range about its centre', () => {
    const p: ScatterPayload = { xLabel: '', yLabel: '', groups: [{ name: 'a', x: [0, 10], y: [0, 2] }], arrows: { x: [10], y: [2], dx: [2], dy: [0] } }
    expect(scatterBounds(p, false)).toEqual({ x: [0, 12], y: [0, 2] })
    expect(scatterBounds(p, true)).toEqual({ x: [0, 12], y: [-5, 7] })
    const padded = scatterBounds(p, true, 0.05)!
    expect(padded.x[1] - padded.x[0]).toBeCloseTo(padded.y[1] - padded.y[0], 12)
    expect(scatterBounds({ xLabel: '', yLabel: '', groups: [{ name: 'a', x: [], y: [] }] }, false)).toBeNull()
  })
})

describe('ScatterView', () => {
  it('is the generic view of the scatter kind', () => {
    expect(genericSeriesView('scatter')).toBeTruthy()
  })

  it('draws one scatter series per group, faded groups first in grey, the others coloured in order among themselves', () => {
    const w = mount(ScatterView, { props: { payload: { ...base, note: '6 of 60 points' }, step: 120, title: 'PCA' }, global: { stubs } })
    const o = optionOf(w)
    const groups = o.series.filter((s: any) => String(s.id).startsWith('group-'))
    expect(groups.map((s: any) => s.name)).toEqual(['removed', 'class 0', 'class 1'])
    expect(groups.every((s: any) => s.type === 'scatter' && s.symbolSize <= 5)).toBe(true)
    expect(groups[1].data).toEqual([[0, 0], [1, 1], [2, 0]])
    expect(groups[1].itemStyle.color).toBe(groupColour(0))
    // 'class 1' comes after a faded group: still the second colour, like class 1 of a grid or a marker.
    expect(groups[2].itemStyle.color).toBe(groupColour(1))
    expect(groups[0].itemStyle.color).not.toBe(groupColour(0))
    expect(groups[0].z).toBeLessThan(groups[1].z)
    expect(o.animation).toBe(false)
    expect(o.title.subtext).toBe('step 120 · 6 of 60 points')
    expect(o.xAxis.name).toBe('PC 1')
    expect(o.yAxis.name).toBe('PC 2')
    expect(chartAttr(w, 'groups')).toBe('3')
    expect(chartAttr(w, 'points')).toBe('6')
    expect(chartAttr(w, 'arrows')).toBe('0')
    expect(chartAttr(w, 'cells')).toBe('0')
  })

  it('draws 2 000 arrows as one lines series with arrow heads, and large groups in large mode', () => {
    const n = 2000
    const xs = Array.from({ length: n }, (_, i) => i / n)
    const payload: ScatterPayload = {
      xLabel: 'x1',
      yLabel: 'x2',
      groups: [{ name: 'train', x: [...xs, ...xs, ...xs], y: [...xs, ...xs, ...xs].map((v) => 1 - v) }],
      arrows: { x: xs, y: xs, dx: xs.map(() => 0.01), dy: xs.map(() => -0.02), name: '−∂ℒ/∂x' }
    }
    const w = mount(ScatterView, { props: { payload, step: 5, title: 'Gradients' }, global: { stubs } })
    const o = optionOf(w)
    const arrows = seriesById(o, 'arrows')
    expect(arrows.type).toBe('lines')
    expect(arrows.coordinateSystem).toBe('cartesian2d')
    expect(arrows.name).toBe('−∂ℒ/∂x')
    expect(arrows.symbol).toEqual(['none', 'arrow'])
    expect(arrows.large).toBe(false)
    expect(arrows.data).toHaveLength(n)
    expect(arrows.data[1].coords[0]).toEqual([xs[1], xs[1]])
    expect(arrows.data[1].coords[1][0]).toBeCloseTo(xs[1] + 0.01, 12)
    expect(arrows.data[1].coords[1][1]).toBeCloseTo(xs[1] - 0.02, 12)
    expect(seriesById(o, 'group-0').large).toBe(true)
    expect(chartAttr(w, 'arrows')).toBe(String(n))
    expect(chartAttr(w, 'points')).toBe(String(3 * n))
    // The axes reach the arrow heads.
    expect(o.yAxis.min).toBeLessThanOrEqual(-0.02)
    const csv = csvOf(w)
    expect(csv.header).toEqual(['group', 'x', 'y', 'dx', 'dy'])
    expect(csv.rows).toHaveLength(4 * n)
    expect(csv.rows[0]).toEqual(['train', 0, 1, null, null])
    expect(csv.rows[3 * n + 1]).toEqual(['−∂ℒ/∂x', xs[1], xs[1], 0.01, -0.02])
  })

  it('draws a class grid as rectangles in the colours of their groups, light, filling the plot', () => {
    const payload: ScatterPayload = {
      ...base,
      grid: { nx: 3, ny: 2, extent: [-1, 2, -1, 1], values: [0, 0, 2, null, 1, 1], kind: 'class', label: 'nearest centroid' }
    }
    const w = mount(ScatterView, { props: { payload, step: null, title: 'Voronoi' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.series[0].id).toBe('grid')
    const grid = o.series[0]
    expect(grid.type).toBe('custom')
    expect(grid.data).toEqual([[-1, 1, -1, 0, 0], [1, 2, -1, 0, 2], [0, 2, 0, 1, 1]])
    expect(chartAttr(w, 'cells')).toBe('5')
    const cell = renderCell(grid, 1)
    expect(cell.type).toBe('rect')
    expect(cell.shape).toEqual({ x: 10, y: 100, width: 10, height: 10 })
    expect(cell.style.fill).toBe(groupColour(2))
    expect(cell.style.opacity).toBeGreaterThan(0.2)
    expect(cell.style.opacity).toBeLessThan(0.5)
    expect(renderCell(grid, 0).style.fill).toBe(groupColour(0))
    expect(renderCell(grid, 2).style.fill).toBe(groupColour(1))
    expect(o.visualMap).toBeUndefined()
    // The axes are the grid's extent (the points lie inside it but for the faded ones, which widen them).
    expect(o.xAxis.min).toBe(-1)
    expect(o.xAxis.max).toBe(6)
    expect(o.yAxis.min).toBe(-1)
    expect(o.yAxis.max).toBe(6)
    expect(o.title.subtext).toBe('')
  })

  it('colours a value grid on a diverging scale symmetric about zero, with its colour bar', () => {
    const payload: ScatterPayload = { ...base, grid: { nx: 2, ny: 1, extent: [0, 1, 0, 1], values: [-0.5, 2], kind: 'value', label: 'margin' } }
    const w = mount(ScatterView, { props: { payload, step: 1, title: 'Margin' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.visualMap.min).toBe(-2)
    expect(o.visualMap.max).toBe(2)
    expect(o.visualMap.seriesIndex).toBe(0)
    expect(o.visualMap.text).toEqual(['2', '-2'])
    const grid = seriesById(o, 'grid')
    const neg = renderCell(grid, 0).style.fill as string
    const pos = renderCell(grid, 1).style.fill as string
    const [nr, , nb] = neg.match(/\d+/g)!.map(Number)
    const [pr, , pb] = pos.match(/\d+/g)!.map(Number)
    expect(nb).toBeGreaterThan(nr) // negative: blue
    expect(pr).toBeGreaterThan(pb) // positive: red
    expect(pos).toMatch(/^rgb\(/)
  })

  it('draws markers as large diamonds coloured by their group, and lines as two-point segments', () => {
    const payload: ScatterPayload = {
      ...base,
      markers: { name: 'centroids', x: [1, 3], y: [0.5, -1], group: [0, 2] },
      lines: [{ name: 'unit 0', x: [-10, 10], y: [1, -1] }, { name: 'unit 1', x: [0, 0], y: [-5, 5] }]
    }
    const w = mount(ScatterView, { props: { payload, step: 0, title: 'Centroids' }, global: { stubs } })
    const o = optionOf(w)
    const m = seriesById(o, 'markers')
    expect(m.type).toBe('scatter')
    expect(m.symbol).toBe('diamond')
    expect(m.symbolSize).toBeGreaterThanOrEqual(9)
    expect(m.itemStyle.borderWidth).toBeGreaterThan(0)
    expect(m.data).toEqual([
      { value: [1, 0.5], itemStyle: { color: groupColour(0) } },
      { value: [3, -1], itemStyle: { color: groupColour(2) } }
    ])
    expect(m.z).toBeGreaterThan(seriesById(o, 'group-0').z)
    const lines = o.series.filter((s: any) => s.type === 'line')
    expect(lines.map((s: any) => s.name)).toEqual(['unit 0', 'unit 1'])
    expect(lines[0].data).toEqual([[-10, 1], [10, -1]])
    expect(lines[1].data).toEqual([[0, -5], [0, 5]])
    // Lines are clipped to the points' range, not widening it.
    expect(o.xAxis.min).toBeGreaterThan(-1)
    expect(chartAttr(w, 'markers')).toBe('2')
    expect(chartAttr(w, 'lines')).toBe('2')
    expect(csvOf(w).rows.filter((r) => r[0] === 'centroids')).toEqual([['centroids', 1, 0.5, null, null], ['centroids', 3, -1, null, null]])
  })

  it('gives both axes the same span on a square plot with equal axes', async () => {
    const payload: ScatterPayload = { xLabel: 'x', yLabel: 'y', groups: [{ name: 'a', x: [0, 10], y: [0, 1] }], equalAxes: true }
    const w = mount(ScatterView, { props: { payload, step: 0, title: 'Equal' }, global: { stubs } })
    let o = optionOf(w)
    expect(o.xAxis.max - o.xAxis.min).toBeCloseTo(o.yAxis.max - o.yAxis.min, 12)
    expect((o.yAxis.min + o.yAxis.max) / 2).toBeCloseTo(0.5, 12)
    expect(o.grid.width).toBe(o.grid.height)
    await w.setProps({ payload: { ...payload, equalAxes: false } })
    o = optionOf(w)
    expect(o.xAxis.max - o.xAxis.min).toBeGreaterThan(5 * (o.yAxis.max - o.yAxis.min))
    expect(o.grid.width).toBeUndefined()
  })

  it('says nothing is logged yet for a null payload, and what is wrong with a malformed one', async () => {
    const w = mount(ScatterView, { props: { payload: null, step: null, title: 'S' }, global: { stubs } })
    expect(w.find('[data-testid="view-empty"]').exists()).toBe(true)
    await w.setProps({ payload: { xLabel: 'x', yLabel: 'y', groups: [{ name: 'a', x: [1, 2], y: [1] }] } })
    await nextTick()
    expect(w.find('[role="alert"]').text()).toBe('This scatter plot cannot be drawn: group a has 2 x and 1 y values (expected as many of each).')
    expect(w.find('[data-testid="chart"]').exists()).toBe(false)
    await w.setProps({ payload: base })
    await nextTick()
    expect(w.find('[data-testid="chart"]').exists()).toBe(true)
  })

  it('draws every layer in ECharts itself (SVG, server-side) without an error', () => {
    echarts.use([SVGRenderer])
    const payload: ScatterPayload = {
      ...base,
      arrows: { x: [0, 1], y: [0, 1], dx: [0.5, -0.5], dy: [0.5, 0], name: 'grad' },
      grid: { nx: 3, ny: 2, extent: [-1, 2, -1, 1], values: [-1, 0, 2, null, 1, 0.5], kind: 'value', label: 'margin' },
      markers: { name: 'centroids', x: [1, 3], y: [0.5, -1], group: [0, 2] },
      lines: [{ name: 'unit 0', x: [-10, 10], y: [1, -1] }],
      equalAxes: true,
      note: 'all layers'
    }
    const w = mount(ScatterView, { props: { payload, step: 2, title: 'All' }, global: { stubs } })
    const chart = echarts.init(null as unknown as HTMLElement, undefined, { renderer: 'svg', ssr: true, width: 600, height: 360 })
    chart.setOption(optionOf(w) as echarts.EChartsCoreOption)
    const svg = chart.renderToSVGString()
    chart.dispose()
    // Cells as paths, the diamonds and the arrows' heads: far more than the axes alone draw.
    expect(svg).toContain('<svg')
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(20)
  })

  it('ignores the props of the compare grid it does not use', () => {
    const w = mount(ScatterView, { props: { payload: base, step: 3, title: 'S', run: { id: 'r1' }, history: [] }, global: { stubs } })
    expect(chartAttr(w, 'groups')).toBe('3')
  })
})
