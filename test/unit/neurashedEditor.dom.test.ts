/**
 * The neurashed graph editor and live view in happy-dom (Vue Flow mounted for real): edges only between adjacent
 * levels, sample types' firing sets picked by clicking level-1 nodes with the pathway and its consistency
 * following, node removal by key; the live view's node sizes from λ with the log toggle. ChartPanel is stubbed
 * (ECharts needs a canvas).
 */
import { flushPromises, mount } from '@vue/test-utils'
import { VueFlow } from '@vue-flow/core'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { NeurashedGraph } from '../../src-shared/studies/neurashedGraph'
import type { Run } from '../../src-shared/records'
import type { LiveSeriesEntry, SeriesSource } from '../../src-renderer/studies/panels'
import GraphEditor from '../../src-renderer/studies/neurashed/GraphEditor.vue'
import { LOG_DECADES, NO_LAMBDA_RADIUS, nodeRadii } from '../../src-renderer/studies/neurashed/liveView'

vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload' },
    async invoke(method: string, params: { id: string }) {
      // The engine method the bridge needs (not in the contract yet): two classes sharing unit 0 of each layer.
      if (method === 'runs.classActivations' && params.id === 'mlp')
        return { classes: ['cat', 'dog'], layers: [{ name: 'dense1', mean: [[3, 2, 0], [3, 0, 2]] }, { name: 'dense2', mean: [[1, 1], [1, 0]] }] }
      throw new Error(`unknown method "${method}"`)
    },
    on: () => () => {}
  }
}))

/** 3 levels: a, b, c at level 1; m (OR of a, b) and n (AND of b, c) at level 2; classes X (of m) and Y (of n). */
function smallGraph(): NeurashedGraph {
  return {
    levels: 3,
    nodes: [
      { id: 'a', level: 1 },
      { id: 'b', level: 1 },
      { id: 'c', level: 1 },
      { id: 'm', level: 2 },
      { id: 'n', level: 2, rule: { kind: 'and' } },
      { id: 'X', level: 3, label: 'class X' },
      { id: 'Y', level: 3, label: 'class Y' }
    ],
    edges: [
      { from: 'm', to: 'a' },
      { from: 'm', to: 'b' },
      { from: 'n', to: 'b' },
      { from: 'n', to: 'c' },
      { from: 'X', to: 'm' },
      { from: 'Y', to: 'n' }
    ],
    samples: [{ id: 's1', name: 'only a', fires: ['a'] }]
  }
}

function mountEditor() {
  const graph = ref<NeurashedGraph>(smallGraph())
  const Host = defineComponent({
    setup: () => () => h(GraphEditor, { modelValue: graph.value, 'onUpdate:modelValue': (g: NeurashedGraph) => (graph.value = g) })
  })
  return { wrapper: mount(Host, { attachTo: document.body }), graph }
}

const firing = (wrapper: ReturnType<typeof mountEditor>['wrapper']) =>
  wrapper.findAll('[data-fires="true"]').map((w) => w.attributes('data-testid')!.replace('fnode-', '')).sort()

describe('neurashed graph editor', () => {
  it('refuses an edge between non-adjacent levels with the reason, and adds one between adjacent levels top-down', async () => {
    const { wrapper, graph } = mountEditor()
    await flushPromises()
    const flow = wrapper.findComponent(VueFlow)
    // A drag from class X to level-1 node c skips level 2.
    flow.vm.$emit('connect', { source: 'X', target: 'c', sourceHandle: null, targetHandle: null })
    await flushPromises()
    expect(graph.value.edges).toHaveLength(6)
    expect(wrapper.get('[data-testid="graph-message"]').text()).toMatch(/one level below: X is on level 3, c on level 1/)
    // Dragged upwards (c → m): stored as m → c, the upper node first; the message goes away.
    flow.vm.$emit('connect', { source: 'c', target: 'm', sourceHandle: null, targetHandle: null })
    await flushPromises()
    expect(graph.value.edges.at(-1)).toEqual({ from: 'm', to: 'c' })
    expect(wrapper.find('[data-testid="graph-message"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('toggles level-1 nodes into a sample type by clicking them, and the pathway and its verdict follow', async () => {
    const { wrapper, graph } = mountEditor()
    await flushPromises()
    expect(firing(wrapper)).toEqual([]) // no sample selected: nothing highlighted
    await wrapper.get('[data-testid="sample-select-s1"]').setValue(true)
    await flushPromises()
    expect(firing(wrapper)).toEqual(['X', 'a', 'm'])
    expect(wrapper.get('[data-testid="sample-label"]').text()).toContain('class X')

    // Only warnings so far (c, n and class Y are on no pathway): the graph runs.
    expect(wrapper.findAll('[data-testid="graph-problems"] .error-text')).toHaveLength(0)
    expect(wrapper.get('[data-testid="graph-problems"]').text()).toMatch(/warning: .*class node with no sample type: Y/)
    await wrapper.get('[data-testid="sample-pick"]').trigger('click')
    // Clicking c alone does not fire n (AND of b, c); clicking b too makes both m and n fire: two classes.
    await wrapper.get('.vue-flow__node[data-id="c"]').trigger('click')
    await flushPromises()
    expect(graph.value.samples[0].fires).toEqual(['a', 'c'])
    expect(firing(wrapper)).toEqual(['X', 'a', 'c', 'm'])
    await wrapper.get('.vue-flow__node[data-id="b"]').trigger('click')
    await flushPromises()
    expect(graph.value.samples[0].fires).toEqual(['a', 'b', 'c'])
    expect(firing(wrapper)).toEqual(['X', 'Y', 'a', 'b', 'c', 'm', 'n'])
    expect(wrapper.get('[data-testid="sample-problem"]').text()).toMatch(/several class nodes fire \(class X, class Y\)/)
    // The shared model's check (what the engine will run) says the same for the whole graph.
    expect(wrapper.get('[data-testid="graph-problems"]').text()).toMatch(/sample "only a" \(s1\): its pathway fires 2 class nodes/)
    // Clicking a again removes it; m still fires through b.
    await wrapper.get('.vue-flow__node[data-id="a"]').trigger('click')
    await flushPromises()
    expect(graph.value.samples[0].fires).toEqual(['b', 'c'])
    expect(firing(wrapper)).toEqual(['X', 'Y', 'b', 'c', 'm', 'n'])
    // A level-2 node is not set by the input.
    await wrapper.get('.vue-flow__node[data-id="m"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="graph-message"]').text()).toMatch(/only level-1 nodes/)
    expect(graph.value.samples[0].fires).toEqual(['b', 'c'])
    wrapper.unmount()
  })

  it('adds a sample type in choose mode, edits a node rule, and removes the selected node with Delete', async () => {
    const { wrapper, graph } = mountEditor()
    await flushPromises()
    await wrapper.get('[data-testid="sample-add"]').trigger('click')
    await flushPromises()
    expect(graph.value.samples.map((s) => s.id)).toEqual(['s1', 's2'])
    await wrapper.get('.vue-flow__node[data-id="c"]').trigger('click')
    await flushPromises()
    expect(graph.value.samples[1].fires).toEqual(['c'])
    expect(wrapper.get('[data-testid="sample-problem"]').text()).toMatch(/no class node fires/)

    // Leave choose mode, select n, make it OR: now c alone reaches class Y.
    await wrapper.get('[data-testid="sample-pick"]').trigger('click')
    await wrapper.get('.vue-flow__node[data-id="n"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="node-rule"]').setValue('or')
    await flushPromises()
    expect(graph.value.nodes.find((n) => n.id === 'n')!.rule).toBeUndefined()
    expect(wrapper.get('[data-testid="sample-label"]').text()).toContain('class Y')

    await wrapper.get('[data-testid="neurashed-editor"]').trigger('keydown', { key: 'Delete' })
    expect(graph.value.nodes.map((n) => n.id)).not.toContain('n')
    expect(graph.value.edges.some((e) => e.from === 'n' || e.to === 'n')).toBe(false)
    wrapper.unmount()
  })
})

/** A series source over fixed entries (steps ascending), with a way to push live entries. */
function fakeSource(data: Record<string, { step: number; payload: unknown }[]>) {
  const listeners = new Set<(e: LiveSeriesEntry) => void>()
  const source: SeriesSource = {
    async get(key, step) {
      return (data[key] ?? []).filter((e) => step === undefined || e.step <= step).at(-1) ?? null
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
  return { source, push }
}

function fakeRun(config: unknown, status: Run['status'] = 'completed'): Run {
  return {
    id: 'r1', experimentId: null, name: 'run r1', studyId: 'neurashed', config, seed: 1, status, backend: 'cpu', createdAt: 0, startedAt: 0, finishedAt: 1,
    error: null, summary: null, tags: [], notes: '', sweepId: null, starred: false, archived: false, progress: 1, steps: 10, totalSteps: 10, environment: null
  }
}

const ChartPanelStub = defineComponent({ name: 'ChartPanel', props: { title: String, option: Object, csv: Function, height: Number }, setup: (_, { slots }) => () => h('section', slots.default?.()) })
const settle = async () => {
  for (let i = 0; i < 5; i++) await flushPromises()
}

describe('neurashed live view', () => {
  it('node radii: ∝ λ on the linear scale, ∝ log λ between the smallest and largest on the log scale', () => {
    const lin = nodeRadii([50, 100, 0], false)
    expect(lin[0] / lin[1]).toBeCloseTo(0.5, 12)
    expect(lin[2]).toBeLessThan(lin[0])
    const log = nodeRadii([1, 10, 100, 0], true)
    // 10 is halfway between 1 and 100 in log λ, so its radius is halfway between the smallest and the largest.
    expect(log[1] - log[0]).toBeCloseTo(log[2] - log[1], 12)
    expect(log[0]).toBe(log[3]) // λ = 0 and the smallest positive λ share the minimum
    expect(log[2]).toBe(lin[1]) // the largest λ has the largest radius on both scales
    // No λ (class nodes in the paper variant): a fixed size on both scales. A given log₁₀ λ wins over λ, which
    // may have overflowed to the largest float.
    expect(nodeRadii([null, 5], false)[0]).toBe(NO_LAMBDA_RADIUS)
    // The log range spans at most LOG_DECADES below the largest: λ = 1 sits at the floor with λ = 0.
    const huge = nodeRadii([1.79e308, 1.79e308, 1, 0], true, [400, 400 - LOG_DECADES / 2, 0, null])
    expect(huge[1] - huge[2]).toBeCloseTo((huge[0] - huge[2]) / 2, 12)
    expect(huge[2]).toBe(huge[3])
  })

  it('draws node sizes from the logged λ, toggles the log scale, and moves through the snapshots', async () => {
    const { default: NeurashedPanel } = await import('../../src-renderer/studies/neurashed/NeurashedPanel.vue')
    const g = smallGraph()
    const lambdaAt = (t: number) => g.nodes.map((_, i) => (i + 1) * 10 ** t) // λ grows with the node index
    const state = (t: number, pTrue: number) => ({ step: t, lambda: lambdaAt(t), log10Lambda: lambdaAt(t).map(Math.log10), eta: [], etaEdges: [], pTrue: [pTrue] })
    const { source, push } = fakeSource({
      'neurashed/state': [
        { step: 0, payload: state(0, 0.5) },
        { step: 10, payload: state(1, 0.9) }
      ],
      'neurashed/deltaLogits': [{ step: 10, payload: { step: 10, base: 's1', near: 's1', far: 's1', samples: ['s1'], delta: [0.25], all: [[0.25, 0]], ratio: null } }]
    })
    const wrapper = mount(NeurashedPanel, { props: { run: fakeRun({ graph: g }, 'running'), scalars: {}, source }, global: { stubs: { ChartPanel: ChartPanelStub } } })
    await settle()
    const radius = (id: string) => Number(wrapper.get(`[data-testid="lnode-${id}"]`).attributes('data-r'))
    const radiiNow = () => g.nodes.map((n) => radius(n.id))
    // Log scale by default, following the latest snapshot.
    expect(radiiNow()).toEqual(nodeRadii(lambdaAt(1), true).map((r) => Number(r.toFixed(3))))
    expect(wrapper.get('[data-testid="live-ptrue"]').text()).toContain('0.9000')
    await wrapper.get('[data-testid="live-log"]').setValue(false)
    expect(radiiNow()).toEqual(nodeRadii(lambdaAt(1), false).map((r) => Number(r.toFixed(3))))
    expect(radius('b') / radius('Y')).toBeCloseTo(2 / 7, 2) // linear: radius ∝ λ

    // Pathway of the sample type (fires a): a, m and X are highlighted.
    expect(wrapper.findAll('g.lit').length).toBe(3)
    // Δlogit bars name the sample types.
    expect(wrapper.findComponent({ name: 'DeltaLogitChart' }).props('data')).toMatchObject({ labels: ['only a'], delta: [0.25], on: 'only a' })

    // Back to the first snapshot, then a live entry: the slider no longer follows, so the view stays.
    await wrapper.get('[data-testid="live-step"]').setValue('0')
    await settle()
    expect(wrapper.get('[data-testid="live-ptrue"]').text()).toContain('0.5000')
    push({ key: 'neurashed/state', steps: [20], step: 20, payload: state(2, 0.99) })
    await settle()
    expect(wrapper.get('[data-testid="live-ptrue"]').text()).toContain('0.5000')
    await wrapper.get('[data-testid="live-step"]').setValue('2')
    await settle()
    expect(wrapper.get('[data-testid="live-ptrue"]').text()).toContain('0.9900')
    expect(wrapper.find('[data-testid="neurashed-warnings"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows the engine\'s warnings about degenerate settings', async () => {
    const { default: NeurashedPanel } = await import('../../src-renderer/studies/neurashed/NeurashedPanel.vue')
    const g = smallGraph()
    const warning = 'multiplicative g⁺ on 2 nodes that start at λ = 0: they stay 0'
    const { source } = fakeSource({ 'neurashed/graph': [{ step: 0, payload: { graph: g, pathways: [], labels: [], warnings: [warning] } }] })
    const wrapper = mount(NeurashedPanel, { props: { run: fakeRun({ graph: g }, 'completed'), scalars: {}, source }, global: { stubs: { ChartPanel: ChartPanelStub } } })
    await settle()
    expect(wrapper.get('[data-testid="neurashed-warnings"]').text()).toContain(warning)
    wrapper.unmount()
  })
})

describe('neurashed view of a trained MLP', () => {
  it('says the mapping is an exploration, builds the view from the engine activations, and shows an engine error readably', async () => {
    const { default: BridgePanel } = await import('../../src-renderer/studies/neurashed/BridgePanel.vue')
    const mlpConfig = { network: { form: 'layers', layers: [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'dense', units: 2, activation: 'relu' }] } }
    const run = { ...fakeRun(mlpConfig), id: 'mlp', studyId: 'training' }
    const { source } = fakeSource({})
    const wrapper = mount(BridgePanel, { props: { run, scalars: {}, source } })
    expect(wrapper.get('[data-testid="bridge-note"]').text()).toMatch(/open question/)
    await wrapper.get('[data-testid="bridge-load"]').trigger('click')
    await settle()
    // Default threshold (top quartile of each layer): in dense1 unit 0 fires for both classes, units 1 and 2 for one each.
    const nodes = wrapper.findAll('[data-testid^="lnode-"]').map((w) => w.attributes('data-testid'))
    expect(nodes).toContain('lnode-class1')
    expect(nodes).toContain('lnode-class2')
    expect(wrapper.get('[data-testid="bridge-classes"]').text()).toContain('cat')
    expect(wrapper.findAll('g.lit').length).toBeGreaterThan(1) // the pathway of the first class

    // A convolutional network gets no panel; an engine error reaches the user as a message.
    const conv = mount(BridgePanel, { props: { run: fakeRun({ network: { form: 'layers', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'valid', activation: 'linear' }] } }), scalars: {}, source } })
    expect(conv.find('[data-testid="neurashed-bridge"]').exists()).toBe(false)
    const other = mount(BridgePanel, { props: { run: { ...fakeRun(mlpConfig), id: 'other' }, scalars: {}, source } })
    await other.get('[data-testid="bridge-load"]').trigger('click')
    await settle()
    expect(other.get('[role="alert"]').text()).toMatch(/runs\.classActivations/)
    wrapper.unmount()
    conv.unmount()
    other.unmount()
  })
})

describe('the generic experiment form with the neurashed study', () => {
  it('edits the graph field with the graph editor, writing changes into the config', async () => {
    const { default: Form } = await import('../../src-renderer/studies/generic/GenericStudyForm.vue')
    const { STUDIES } = await import('../../src-shared/studies')
    const config = ref<any>(structuredClone(STUDIES.neurashed.defaults))
    const before = config.value.graph.nodes.length
    const Host = defineComponent({ setup: () => () => h(Form, { modelValue: config.value, studyId: 'neurashed', errors: {} }) })
    const wrapper = mount(Host, { attachTo: document.body })
    await settle()
    expect(wrapper.find('[data-testid="neurashed-editor"]').exists()).toBe(true)
    await wrapper.get('[data-testid="add-node-1"]').trigger('click')
    expect(config.value.graph.nodes).toHaveLength(before + 1)
    expect(config.value.graph.nodes.at(-1).level).toBe(1)
    wrapper.unmount()
  })
})
