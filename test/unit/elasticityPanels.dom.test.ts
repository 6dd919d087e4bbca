/**
 * The local elasticity panels in happy-dom: colouring and base-point picking of the manifold view (pure functions
 * and the panel driven by a fake series source), the class-pair histograms, the clustering table beside the
 * published numbers, and the generic experiment form for a study without a form of its own. ChartPanel is stubbed
 * to record the ECharts option it is given (ECharts itself needs a canvas).
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import type { z } from 'zod'
import type { Run } from '../../src-shared/records'
import type { StudyDescriptor } from '../../src-shared/studies'
import type { ClassHistogramsPayload, ClusteringResultsPayload, ElasticityHeatmapPayload, ElasticityMatrixPayload, ManifoldPointsPayload } from '../../src-shared/studies/elasticityPayloads'
import type { LiveSeriesEntry, SeriesSource } from '../../src-renderer/studies/panels'
import { cycleBase, decodeMatrix, distancesFrom, distanceTrend, pickBase, pointColours, scaleColour } from '../../src-renderer/studies/elasticity/manifold'
import { histogramPanels } from '../../src-renderer/studies/elasticity/classes'
import { classBoundaries, resultsCsv } from '../../src-renderer/studies/elasticity/clustering'

const engineCalls: { method: string; params: any }[] = []
vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload' },
    async invoke(method: string, params: any) {
      engineCalls.push({ method, params })
      if (method === 'datasets.list') return []
      if (method === 'experiments.create') return { id: 'e1', name: params.name, studyId: params.studyId, config: params.config }
      throw new Error(`unexpected call ${method}`)
    },
    on: () => () => {}
  }
}))

/**
 * A study without a form of its own, for the generic experiment form. The registries are frozen (one line per
 * study and side), so the test study joins them through mocks of the two registry modules: their look-ups find it,
 * everything else is the real registry.
 */
const generic = await vi.hoisted(async () => {
  const { z } = await import('zod')
  const schema = z.strictObject({
    data: z.strictObject({ kind: z.enum(['helix', 'boxes']), n: z.number().int().min(10).max(5000) }),
    dataset: z.strictObject({ datasetId: z.string().min(1) }),
    auxiliary: z.array(z.number().int().min(0).max(9)).max(8),
    methods: z.array(z.enum(['kmeans', 'pca-kmeans', 'relative-mlp'])).min(1),
    extra: z.array(z.strictObject({ a: z.number() })),
    probeEvery: z.number().int().min(1),
    tags: z.array(z.string()),
    seed: z.number().int().min(0)
  })
  type Config = z.infer<typeof schema>
  const defaults: Config = { data: { kind: 'helix', n: 400 }, dataset: { datasetId: 'builtin-mnist' }, auxiliary: [3, 9], methods: ['kmeans'], extra: [{ a: 1 }], probeEvery: 10, tags: ['a'], seed: 1 }
  const study: StudyDescriptor<Config> = {
    id: 'test-generic',
    title: 'A study without its own form',
    summary: 'Test study.',
    source: 'test',
    configSchema: schema,
    defaults,
    templates: [{ id: 'test-generic-template', studyId: 'test-generic', title: 'Generic template', description: '', config: defaults }],
    outputs: [],
    fields: {
      data: { label: 'Data', help: 'The data.', group: 'Data' },
      'data.kind': { label: 'Manifold', help: 'Which manifold.', group: 'Data', choices: { helix: 'double helix', boxes: 'folded boxes' } },
      'data.n': { label: 'Points', help: 'How many points.', group: 'Data' },
      dataset: { label: 'Images', help: 'The images.', group: 'Data' },
      'dataset.datasetId': { label: 'Library dataset', help: 'A dataset of the library.', group: 'Data', custom: true },
      auxiliary: { label: 'Auxiliary classes', help: 'Other classes.', group: 'Clustering', custom: true },
      methods: { label: 'Methods', help: 'Which methods.', group: 'Clustering', custom: true },
      extra: { label: 'Extra', help: 'A list of objects.', group: 'Clustering', custom: true },
      probeEvery: { label: 'Probe every', help: 'Steps between probes.', group: 'Probe' },
      tags: { label: 'Tags', help: 'Edited by the study\'s own input.', group: 'Probe', custom: true },
      seed: { label: 'Seed', help: 'Seeds everything.', group: 'Probe' }
    },
    presets: [{ id: 'cpu', title: 'CPU', description: '', config: defaults }]
  }
  return { study, defaults }
})

vi.mock('../../src-shared/studies', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-shared/studies')>()
  const { study } = generic
  const isTest = (id: unknown) => id === study.id
  return {
    ...real,
    STUDY_LIST: [...real.STUDY_LIST, study],
    STUDIES: Object.freeze(Object.assign(Object.create(null), real.STUDIES, { [study.id]: study })),
    findStudy: (id: unknown) => (isTest(id) ? study : real.findStudy(id)),
    findTemplate: (id: string) => study.templates.find((t) => t.id === id) ?? real.findTemplate(id),
    findPreset: (studyId: string, presetId: string) => (isTest(studyId) ? study.presets.find((p) => p.id === presetId) : real.findPreset(studyId, presetId)),
    // As the registry validates a config: the study's schema, problems by dotted path.
    validateConfig: (studyId: string, config: unknown) => {
      if (!isTest(studyId)) return real.validateConfig(studyId, config)
      const parsed = study.configSchema.safeParse(config)
      if (parsed.success) return { ok: true, config: parsed.data }
      return { ok: false, problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message })) }
    },
    completeConfig: (studyId: string, partial: unknown) => (isTest(studyId) ? real.withDefaults(study.defaults, partial) : real.completeConfig(studyId, partial))
  }
})

// The test study's own input for one custom field, as its renderer folder would register it.
vi.mock('../../src-renderer/studies', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-renderer/studies')>()
  const { defineComponent, h } = await import('vue')
  const TagsInput = defineComponent({
    props: { modelValue: Array, id: String, error: String },
    emits: ['update:modelValue'],
    setup: (props, { emit }) => () => h('button', { id: props.id, 'data-testid': 'tags-input', onClick: () => emit('update:modelValue', [...(props.modelValue ?? []), 'new']) }, (props.modelValue ?? []).join('+'))
  })
  const view = { id: generic.study.id, fields: { tags: TagsInput } }
  return {
    ...real,
    studyView: (id: string | undefined) => (id === view.id ? view : real.studyView(id)),
    customField: (studyId: string, path: string) => (studyId === view.id ? (view.fields as Record<string, unknown>)[path] ?? null : real.customField(studyId, path))
  }
})

/** Float32 little-endian values as base64, the wire format of the payloads. */
function b64(values: number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer)
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

/** A series source over fixed entries, with a way to push live entries. */
function fakeSource(data: Record<string, { step: number; payload: unknown }[]>) {
  const listeners = new Set<(e: LiveSeriesEntry) => void>()
  const gets: string[] = []
  const source: SeriesSource = {
    async get(key, step) {
      gets.push(key)
      const entries = (data[key] ?? []).filter((e) => step === undefined || e.step <= step)
      return entries.at(-1) ?? null
    },
    async steps(key) {
      return (data[key] ?? []).map((e) => e.step)
    },
    onLive(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
  const push = (e: LiveSeriesEntry) => {
    ;(data[e.key] ??= []).push({ step: e.step, payload: e.payload })
    for (const l of listeners) l(e)
  }
  return { source, push, gets, listeners }
}

function fakeRun(studyId: string): Run {
  return {
    id: 'r1', experimentId: null, name: 'run r1', studyId, config: {}, seed: 1, status: 'completed', backend: 'cpu', createdAt: 0, startedAt: 0, finishedAt: 1,
    error: null, summary: null, tags: [], notes: '', sweepId: null, starred: false, archived: false, progress: 1, steps: 10, totalSteps: 10, environment: null
  }
}

const ChartPanelStub = defineComponent({
  name: 'ChartPanel',
  props: { title: String, option: Object, csv: Function, height: Number },
  setup: (_, { slots }) => () => h('section', slots.default?.())
})
const stubs = { ChartPanel: ChartPanelStub }
const settle = async () => {
  for (let i = 0; i < 5; i++) await flushPromises()
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  document.body.innerHTML = ''
})

describe('manifold colouring and picking', () => {
  // Two base rows over five points: base 0 finds point 3 elastic, base 1 finds point 4 elastic.
  const le = new Float32Array([1, 0.1, 0.2, 0.9, 0.0, 0.05, 1, 0.3, 0.0, 0.8])

  it('colours every point by the selected base row, so a point changes colour when the base changes', () => {
    const fromA = pointColours(le, 0, 5, 0)
    const fromB = pointColours(le, 1, 5, 1)
    expect(fromA.colours).toHaveLength(5)
    expect(fromA.colours[3]).not.toBe(fromB.colours[3])
    expect(fromA.colours[4]).not.toBe(fromB.colours[4])
    // Within a row the scale runs from the smallest value (bottom colour) up; the base point itself is left out.
    expect(fromA.range.lo).toBeCloseTo(0)
    expect(fromA.colours[4]).toBe(scaleColour(0))
    expect(fromB.colours[0]).not.toBe(fromB.colours[4])
    expect(scaleColour(0)).not.toBe(scaleColour(1))
  })

  it('picks the base point nearest the click within reach, and cycles through them', () => {
    const positions = [
      { x: 10, y: 10 },
      { x: 50, y: 50 },
      { x: 56, y: 50 }
    ]
    expect(pickBase(positions, 12, 11)).toBe(0)
    expect(pickBase(positions, 54, 50)).toBe(2)
    expect(pickBase(positions, 51, 49)).toBe(1)
    expect(pickBase(positions, 200, 200)).toBeNull()
    expect(cycleBase(2, 3, 1)).toBe(0)
    expect(cycleBase(0, 3, -1)).toBe(2)
  })

  it('plots S_rel against distance with binned means, leaving the base point out', () => {
    const x = [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0]
    const d = distancesFrom(x, 3, 0)
    expect(Array.from(d)).toEqual([0, 1, 2, 3])
    const t = distanceTrend(d, [1, 0.8, 0.6, 0.1], 0, 3)
    expect(t.scatter).toEqual([
      [1, 0.8],
      [2, 0.6],
      [3, expect.closeTo(0.1)]
    ])
    // Bins of width 1: [0,1) empty, [1,2) → 0.8, [2,3] → mean(0.6, 0.1).
    expect(t.trend.map(([, v]) => v)).toEqual([0.8, expect.closeTo(0.35)])
  })

  it('says what is wrong with a matrix of the wrong size', () => {
    expect(() => decodeMatrix(b64([1, 2, 3]), 2, 2)).toThrow(/expected 2 × 2 float32 values \(16 bytes\), got 12 bytes/)
  })
})

describe('manifold panel', () => {
  // Six points on a line; bases 0 and 5; each base row is elastic near itself.
  const points: ManifoldPointsPayload = { dims: 3, x: [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5, 0, 0], label: [0, 0, 0, 1, 1, 1] }
  const matrix = (scale: number): ElasticityMatrixPayload => ({
    bases: [0, 5],
    n: 6,
    le: b64([1, 0.8, 0.6, 0.4, 0.2, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 1].map((v) => v * scale)),
    gamma: [0.01, 0.01],
    locality: 2,
    k: 2
  })

  async function mountPanel() {
    const fake = fakeSource({
      'manifold/points': [{ step: 0, payload: points }],
      'elasticity/neural': [{ step: 5, payload: matrix(1) }],
      'elasticity/linear': [{ step: 5, payload: matrix(0.5) }]
    })
    const { default: ManifoldPanel } = await import('../../src-renderer/studies/elasticity/ManifoldPanel.vue')
    const wrapper = mount(ManifoldPanel, { props: { run: fakeRun('elasticity-manifold'), scalars: {}, source: fake.source }, global: { stubs }, attachTo: document.body })
    await settle()
    return { wrapper, fake }
  }
  const trendOf = (wrapper: any, net: string) => {
    const chart = wrapper.findAllComponents(ChartPanelStub).find((c: any) => String(c.props('title')).startsWith(net))
    return chart.props('option').series[0].data as [number, number][]
  }

  it('colours both nets from the first base point, and a clicked base point becomes the selection', async () => {
    const { wrapper } = await mountPanel()
    const canvas = wrapper.get('[data-testid="manifold-canvas"]')
    expect(canvas.attributes('data-coloured')).toBe('true')
    expect(canvas.attributes('data-base')).toBe('0')
    expect(wrapper.get('[data-testid="manifold-canvas-linear"]').attributes('data-coloured')).toBe('true')
    // S_rel vs distance from point 0: the nearest point has the largest value.
    expect(trendOf(wrapper, 'Neural')[0]).toEqual([1, expect.closeTo(0.8)])

    // Click on the second base point where the canvas says it is drawn.
    const positions = JSON.parse(canvas.attributes('data-base-positions')!) as { x: number; y: number }[]
    await canvas.trigger('pointerdown', { clientX: positions[1].x + 2, clientY: positions[1].y, pointerId: 1 })
    await canvas.trigger('pointerup', { clientX: positions[1].x + 2, clientY: positions[1].y, pointerId: 1 })
    expect(canvas.attributes('data-base')).toBe('1')
    expect(canvas.attributes('data-base-point')).toBe('5')
    // Both nets follow the selection, and the distance plot is now measured from point 5.
    expect(wrapper.get('[data-testid="manifold-canvas-linear"]').attributes('data-base')).toBe('1')
    expect(wrapper.get('[data-testid="manifold-canvas-legend"]').text()).toContain('LE from base point #5')
    expect(trendOf(wrapper, 'Neural')[0]).toEqual([5, expect.closeTo(0.1)])
    expect(trendOf(wrapper, 'Linear')[0]).toEqual([5, expect.closeTo(0.05)])

    // A drag rotates instead of picking; arrow keys cycle through the base points.
    await canvas.trigger('pointerdown', { clientX: positions[0].x, clientY: positions[0].y, pointerId: 1 })
    await canvas.trigger('pointermove', { clientX: positions[0].x + 40, clientY: positions[0].y, pointerId: 1 })
    await canvas.trigger('pointerup', { clientX: positions[0].x + 40, clientY: positions[0].y, pointerId: 1 })
    expect(canvas.attributes('data-base')).toBe('1')
    expect(canvas.attributes('data-base-positions')).not.toBe(JSON.stringify(positions))
    await canvas.trigger('keydown', { key: 'ArrowRight' })
    expect(canvas.attributes('data-base')).toBe('0')
  })

  it('follows the run live and offers a snapshot slider over the probe steps', async () => {
    const { wrapper, fake } = await mountPanel()
    expect(wrapper.find('[data-testid="manifold-step"]').exists()).toBe(false)
    fake.push({ key: 'elasticity/neural', steps: [10], step: 10, payload: matrix(2) })
    fake.push({ key: 'elasticity/linear', steps: [10], step: 10, payload: matrix(0.25) })
    await settle()
    expect(wrapper.get('[data-testid="manifold-step"]').attributes('max')).toBe('1')
    expect(trendOf(wrapper, 'Neural')[0]).toEqual([1, expect.closeTo(1.6)])
    // Back to the first snapshot: both nets load their step-5 rows.
    await wrapper.get('[data-testid="manifold-step"]').setValue('0')
    await settle()
    expect(trendOf(wrapper, 'Neural')[0]).toEqual([1, expect.closeTo(0.8)])
    expect(trendOf(wrapper, 'Linear')[0]).toEqual([1, expect.closeTo(0.4)])
  })
})

describe('class-pair histograms', () => {
  const payload: ClassHistogramsPayload = {
    classNames: ['zero', 'one', 'two', 'three', 'four'],
    baseClasses: [4, 1],
    testClasses: [4, 1, 2],
    edges: [0, 0.5, 1, 1.5],
    counts: [
      [
        [5, 3, 1],
        [9, 1, 0],
        [7, 2, 1]
      ],
      [
        [8, 2, 0],
        [2, 5, 3],
        [6, 3, 1]
      ]
    ],
    mean: [
      [0.41, 0.12, 0.2],
      [0.15, 0.66, 0.25]
    ]
  }

  it('draws one panel per base class with one step histogram per test class over a numeric LE axis', async () => {
    const panels = histogramPanels(payload)
    expect(panels.map((p) => p.baseClass)).toEqual([4, 1])
    expect(panels[1].series.map((s) => [s.name, s.counts])).toEqual([
      ['four', [8, 2, 0]],
      ['one', [2, 5, 3]],
      ['two', [6, 3, 1]]
    ])

    const { default: View } = await import('../../src-renderer/studies/elasticity/ClassHistogramsView.vue')
    const wrapper = mount(View, { props: { payload }, global: { stubs } })
    const charts = wrapper.findAllComponents(ChartPanelStub)
    expect(charts).toHaveLength(2)
    const option = charts[0].props('option') as { xAxis: { type: string; data?: string[] }; series: { name: string; type: string; step: string; data: [number, number][] }[] }
    // A numeric LE axis over the shared edges — no category labels like "0.0749–0.0999" under grouped bars.
    expect(option.xAxis).toMatchObject({ type: 'value' })
    expect(option.xAxis.data).toBeUndefined()
    // Each test class is one outline: up at the first edge, each bin's count from its lower edge, down at the last edge.
    const outline = (c: number[]) => [[0, 0], [0, c[0]], [0.5, c[1]], [1, c[2]], [1.5, c[2]], [1.5, 0]]
    expect(option.series.map((s) => [s.name, s.type, s.step, s.data])).toEqual([
      ['four', 'line', 'end', outline([5, 3, 1])],
      ['one', 'line', 'end', outline([9, 1, 0])],
      ['two', 'line', 'end', outline([7, 2, 1])]
    ])
    // The mean-LE table: base classes as rows, test classes as columns.
    const rows = wrapper.findAll('[data-testid="mean-le-table"] tbody tr').map((r) => r.findAll('th, td').map((c) => c.text()))
    expect(rows).toEqual([
      ['four', '0.410', '0.120', '0.200'],
      ['one', '0.150', '0.660', '0.250']
    ])
  })

  it('refuses histograms whose counts do not match the bins, with a clear message', async () => {
    const { default: View } = await import('../../src-renderer/studies/elasticity/ClassHistogramsView.vue')
    const bad = { ...payload, edges: [0, 1] }
    const wrapper = mount(View, { props: { payload: bad }, global: { stubs } })
    expect(wrapper.findAllComponents(ChartPanelStub)).toHaveLength(0)
    expect(wrapper.get('[role="alert"]').text()).toMatch(/a histogram has 3 counts for 1 bins/)
  })
})

describe('clustering results', () => {
  const results: ClusteringResultsPayload = {
    primary: [7, 9],
    auxiliary: [4, 5],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    procedure: 'pretrain',
    pixelScale: 'symmetric',
    perClass: 50,
    methods: [
      { id: 'kmeans', label: 'K-means', accuracy: 0.57, published: 0.555, seconds: 0.2 },
      { id: 'kernelized-cnn', label: 'ℓ2-kernelized (CNN)', accuracy: 0.883, published: 0.913, seconds: 12.4 },
      { id: 'pixel-kernel', label: 'pixel kernel + kernel K-means', accuracy: 0.6, published: null, seconds: 0.5 },
      // Left out of the payload: taken from the slides' table for 7 vs 9 with auxiliary 4, 5.
      { id: 'relative-cnn', label: 'ℓ2-relative (CNN)', accuracy: 0.52, published: null, seconds: 9 }
    ]
  }
  // Four points: two of each class, the display order groups them by class.
  const heatmap: ElasticityHeatmapPayload = { methodId: 'kernelized-cnn', n: 4, order: [0, 2, 1, 3], truth: [0, 1, 0, 1], assigned: [0, 1, 0, 0], values: b64(Array.from({ length: 16 }, (_, i) => i)) }

  it('shows the lab accuracy beside the published number for each method, with the settings that produced it', async () => {
    const { default: Table } = await import('../../src-renderer/studies/elasticity/ClusteringTable.vue')
    const wrapper = mount(Table, { props: { payload: results } })
    const row = (id: string) => wrapper.get(`[data-method="${id}"]`)
    expect(row('kernelized-cnn').get('th').text()).toBe('ℓ2-kernelized (CNN)')
    expect(row('kernelized-cnn').get('[data-col="lab"]').text()).toBe('88.3')
    expect(row('kernelized-cnn').get('[data-col="published"]').text()).toBe('91.3')
    expect(row('kernelized-cnn').get('[data-col="difference"]').text()).toBe('−3.0')
    expect(row('kmeans').get('[data-col="lab"]').text()).toBe('57.0')
    expect(row('pixel-kernel').get('[data-col="published"]').text()).toBe('—')
    // No number from the payload (another dataset or setup): none is made up from the MNIST table.
    expect(row('relative-cnn').get('[data-col="published"]').text()).toBe('—')
    expect(wrapper.get('table thead').text()).toContain('primary 7 vs 9 · auxiliary 4, 5')
    expect(wrapper.get('[data-testid="clustering-settings"]').text()).toMatch(/pretrain.*pixels in \[−1, 1\].*50 examples per class/s)
    // The CSV carries the same numbers and the settings.
    const csv = resultsCsv(results)
    expect(csv.rows[1]).toEqual(['7 vs 9', '4, 5', 'pretrain', 'symmetric', 50, 'kernelized-cnn', 'ℓ2-kernelized (CNN)', 88.3, 91.3, -3, 12.4])
  })

  it('loads the chosen method\'s similarity matrix and marks the true-class boundary', async () => {
    expect(classBoundaries(heatmap)).toEqual([2])
    const fake = fakeSource({ 'clustering/results': [{ step: 3, payload: results }], 'clustering/matrix/kernelized-cnn': [{ step: 3, payload: heatmap }] })
    const { default: Panel } = await import('../../src-renderer/studies/elasticity/ClusteringPanel.vue')
    const wrapper = mount(Panel, { props: { run: fakeRun('elasticity-clustering'), scalars: {}, source: fake.source }, global: { stubs } })
    await settle()
    expect(wrapper.findAll('[data-testid="heatmap-method"] option').map((o) => o.attributes('value'))).toEqual(['kernelized-cnn', 'pixel-kernel', 'relative-cnn'])
    expect(fake.gets).toContain('clustering/matrix/kernelized-cnn')
    const canvas = wrapper.get('[data-testid="clustering-heatmap"]')
    expect(canvas.attributes('data-n')).toBe('4')
    expect(canvas.attributes('data-boundaries')).toBe('2')
    // A method without a logged matrix says so.
    await wrapper.get('[data-testid="heatmap-method"]').setValue('pixel-kernel')
    await settle()
    expect(wrapper.find('[data-testid="clustering-heatmap"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('No matrix was logged for pixel kernel + kernel K-means')
    // A method finishing later updates the table live.
    fake.push({ key: 'clustering/results', steps: [4], step: 4, payload: { ...results, methods: [...results.methods, { id: 'relative-mlp', label: 'ℓ2-relative (FNN)', accuracy: 0.7, published: 0.625, seconds: 3 }] } })
    await settle()
    expect(wrapper.get('[data-method="relative-mlp"] [data-col="published"]').text()).toBe('62.5')
  })
})

describe('generic experiment form', () => {
  const { study, defaults } = generic
  type Config = typeof defaults

  it('renders one section per field group with the fields of a non-training study', async () => {
    const { default: Form } = await import('../../src-renderer/studies/generic/GenericStudyForm.vue')
    const { problemsByPath } = await import('../../src-renderer/lib/validation')
    const config = ref<Config>(structuredClone(defaults))
    const Host = defineComponent({
      setup: () => () => h(Form, { modelValue: config.value, studyId: study.id, errors: problemsByPath(study.id, config.value), baseline: defaults })
    })
    const wrapper = mount(Host, { global: { stubs: { RouterLink: true } } })
    // A datasetId gets the library picker (loaded lazily).
    await vi.waitFor(() => expect(wrapper.find('[data-testid="stored-dataset"]').exists()).toBe(true))
    expect(wrapper.findAll('legend').map((l) => l.text())).toEqual(['Data', 'Clustering', 'Probe'])
    expect(wrapper.get('#f-data-kind').findAll('option').map((o) => o.text())).toEqual(['double helix', 'folded boxes'])
    await wrapper.get('#f-data-n').setValue('5')
    expect(config.value.data.n).toBe(5)
    expect(wrapper.get('#f-data-n-error').text()).toBe('must be ≥ 10')
    expect(wrapper.find('[data-testid="changed-data.n"]').exists()).toBe(true)
    // A list of numbers is comma-separated text; half-typed text reaches the schema and is reported, not lost.
    const aux = wrapper.get('[data-testid="field-auxiliary"]')
    expect((aux.element as HTMLInputElement).value).toBe('3, 9')
    await aux.setValue('4, x')
    expect(config.value.auxiliary).toBe('4, x')
    expect(wrapper.get('#f-auxiliary-error').text()).toBe('enter a list: numbers separated by commas')
    await aux.setValue('4, 5')
    expect(config.value.auxiliary).toEqual([4, 5])
    expect(wrapper.find('#f-auxiliary-error').exists()).toBe(false)
    // A list of choices is checkboxes, kept in the choices' order.
    const methods = wrapper.get('[data-testid="field-methods"]')
    await methods.get('[data-option="relative-mlp"]').setValue(true)
    await methods.get('[data-option="pca-kmeans"]').setValue(true)
    expect(config.value.methods).toEqual(['kmeans', 'pca-kmeans', 'relative-mlp'])
    await methods.get('[data-option="kmeans"]').setValue(false)
    expect(config.value.methods).toEqual(['pca-kmeans', 'relative-mlp'])
    // Other lists (of objects) are edited as JSON.
    const extra = wrapper.get('[data-testid="field-extra"]')
    expect((extra.element as HTMLInputElement).value).toBe('[{"a":1}]')
    await extra.setValue('[{"a": 2}]')
    expect(config.value.extra).toEqual([{ a: 2 }])
    // A field with a study-specific input (its renderer folder's `fields`) gets that input, wired to the config.
    const tags = wrapper.get('[data-testid="tags-input"]')
    expect(tags.attributes('id')).toBe('f-tags')
    await tags.trigger('click')
    expect(config.value.tags).toEqual(['a', 'new'])
    expect(wrapper.get('[data-testid="tags-input"]').text()).toBe('a+new')
  })

  it('is what the experiment editor shows for a study other than training', async () => {
    const { default: Editor } = await import('../../src-renderer/views/ExperimentEditor.vue')
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/experiments/new', component: Editor },
        { path: '/:other(.*)*', component: { render: () => h('div') } }
      ]
    })
    await router.push('/experiments/new?template=test-generic-template')
    await router.isReady()
    const wrapper = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router], stubs } })
    await settle()
    expect(wrapper.get('.form').attributes('data-study')).toBe('test-generic')
    expect(wrapper.findAll('legend').map((l) => l.text())).toEqual(['Data', 'Clustering', 'Probe'])
    expect(wrapper.find('[data-testid="dataset-kind"]').exists()).toBe(false) // not the training form
    expect((wrapper.get('#f-probeEvery').element as HTMLInputElement).value).toBe('10')
    // Saving keeps the whole config (the training form's dataset clean-up must not strip this study's dataset).
    engineCalls.length = 0
    await wrapper.get('[data-testid="save"]').trigger('click')
    await settle()
    const created = engineCalls.find((c) => c.method === 'experiments.create')
    expect(created?.params.studyId).toBe('test-generic')
    expect(created?.params.config).toEqual(defaults)
  })
})
