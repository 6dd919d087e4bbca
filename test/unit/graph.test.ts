/** The network graph spec (src-shared/network): round trips, shape inference, every invalid case on its node, the functional model. */
import { describe, expect, test } from 'vitest'
import { tf } from '../../src-main/engine/compute/backend'
import { buildGraphNetwork } from '../../src-main/engine/compute/graphNetwork'
import { buildNetwork, NetworkError } from '../../src-main/engine/compute/network'
import { analyzeGraph, graphToLayers, layersToGraph, networkGraphSchema, type GraphNode, type NetworkGraph } from '../../src-shared/network'
import { validateConfig } from '../../src-shared/studies'
import type { Layer } from '../../src-shared/studies/networkShapes'
import { graphNetwork, layerList, trainingDefaults } from '../../src-shared/studies/training'

const node = (id: string, type: GraphNode['type'], params: GraphNode['params'] = {}): GraphNode => ({ id, type, params })
const chainEdges = (...ids: string[]) => ids.slice(1).map((to, i) => ({ from: ids[i], to }))

const CHAIN: NetworkGraph = {
  nodes: [node('in', 'input'), node('d1', 'dense', { units: 8, activation: 'relu' }), node('d2', 'dense', { units: 4, activation: 'tanh' }), node('out', 'output')],
  edges: chainEdges('in', 'd1', 'd2', 'out')
}
/** in → d1 → d2 → add(d1, d2) → out: a residual block. */
const RESIDUAL: NetworkGraph = {
  nodes: [
    { ...node('in', 'input'), position: { x: 0, y: 0 } },
    { ...node('d1', 'dense', { units: 16, activation: 'relu' }), position: { x: 0, y: 100 } },
    node('d2', 'dense', { units: 16, activation: 'relu' }),
    node('sum', 'add'),
    node('act', 'activation', { activation: 'leaky-relu' }),
    node('out', 'output')
  ],
  edges: [...chainEdges('in', 'd1', 'd2', 'sum', 'act', 'out'), { from: 'd1', to: 'sum' }]
}
/** Two branches of different widths joined by concatenate. */
const BRANCHING: NetworkGraph = {
  nodes: [node('in', 'input'), node('a', 'dense', { units: 8, activation: 'relu' }), node('b', 'dense', { units: 3, activation: 'tanh' }), node('cat', 'concatenate'), node('drop', 'dropout', { rate: 0.2 }), node('out', 'output')],
  edges: [{ from: 'in', to: 'a' }, { from: 'in', to: 'b' }, { from: 'a', to: 'cat' }, { from: 'b', to: 'cat' }, ...chainEdges('cat', 'drop', 'out')]
}
/** A small CNN with a channel-wise concatenation of two conv branches. */
const CONV: NetworkGraph = {
  nodes: [
    node('in', 'input'),
    node('c1', 'conv2d', { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
    node('c2', 'conv2d', { filters: 2, kernelSize: 1, activation: 'relu' }),
    node('cat', 'concatenate', { axis: 3 }),
    node('bn', 'batchnorm', { activation: 'relu' }),
    node('pool', 'maxpool2d', { poolSize: 2 }),
    node('out', 'output')
  ],
  edges: [{ from: 'in', to: 'c1' }, { from: 'in', to: 'c2' }, { from: 'c1', to: 'cat' }, { from: 'c2', to: 'cat' }, ...chainEdges('cat', 'bn', 'pool', 'out')]
}

describe('graph spec', () => {
  test('every graph survives JSON and the schema unchanged', () => {
    for (const g of [CHAIN, RESIDUAL, BRANCHING, CONV]) {
      const back = networkGraphSchema.parse(JSON.parse(JSON.stringify(g)))
      expect(back).toEqual(g)
    }
  })

  test('a layer list becomes a chain graph and back, unchanged', () => {
    const layers: Layer[] = [
      { type: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'dropout', rate: 0.3 },
      { type: 'batchnorm', activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 64, activation: 'relu' }
    ]
    const g = layersToGraph(layers)
    expect(g.nodes.map((n) => n.type)).toEqual(['input', 'conv2d', 'maxpool2d', 'dropout', 'batchnorm', 'flatten', 'dense', 'output'])
    expect(g.edges).toHaveLength(7)
    expect(graphToLayers(g)).toEqual({ ok: true, layers })
    expect(graphToLayers(CHAIN)).toEqual({ ok: true, layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 4, activation: 'tanh' }] })
  })

  test('graphs that are not chains do not convert to a list, and say why', () => {
    expect(graphToLayers(RESIDUAL)).toEqual({ ok: false, reason: expect.stringMatching(/"d1" feeds 2 nodes/) })
    expect(graphToLayers(BRANCHING)).toEqual({ ok: false, reason: expect.stringMatching(/"in" feeds 2 nodes/) })
    const act: NetworkGraph = { nodes: [node('in', 'input'), node('a', 'activation', { activation: 'relu' }), node('out', 'output')], edges: chainEdges('in', 'a', 'out') }
    expect(graphToLayers(act)).toEqual({ ok: false, reason: expect.stringMatching(/activation nodes/) })
  })
})

describe('graph analysis', () => {
  test('shapes on every edge, params per node and in total', () => {
    const r = analyzeGraph(RESIDUAL, { input: [2], outputs: 3 })
    expect(r.problems).toEqual([])
    expect(r.edges).toEqual([[2], [16], [16], [16], [16], [16]])
    expect(r.nodes.d1.params).toBe(2 * 16 + 16)
    expect(r.nodes.d2.params).toBe(16 * 16 + 16)
    expect(r.nodes.out.params).toBe(16 * 3 + 3)
    expect(r.params).toBe(48 + 272 + 51)
    const b = analyzeGraph(BRANCHING, { input: [5], outputs: 2 })
    expect(b.ok).toBe(true)
    expect(b.nodes.cat.outputShape).toEqual([11])
    const c = analyzeGraph(CONV, { input: [8, 8, 1], outputs: 10 })
    expect(c.ok).toBe(true)
    expect(c.nodes.cat.outputShape).toEqual([8, 8, 6])
    expect(c.nodes.pool.outputShape).toEqual([4, 4, 6])
    expect(c.nodes.out.autoFlatten).toBe(true)
    expect(c.params).toBe(3 * 3 * 4 + 4 + (2 + 2) + 4 * 6 + (96 * 10 + 10))
  })

  test('a chain graph infers what the layer list infers', () => {
    const layers: Layer[] = [{ type: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }, { type: 'avgpool2d', poolSize: 2, strides: 2, padding: 'valid' }, { type: 'dense', units: 8, activation: 'relu' }]
    const r = analyzeGraph(layersToGraph(layers), { input: [10, 10, 1], outputs: 3 })
    expect(r.ok).toBe(true)
    expect(r.nodes.layer1.outputShape).toEqual([8, 8, 4])
    expect(r.nodes.layer2.outputShape).toEqual([4, 4, 4])
    expect(r.nodes.layer3.autoFlatten).toBe(true)
    expect(r.params).toBe(40 + (64 * 8 + 8) + (8 * 3 + 3))
  })

  /** [what, graph, io, offending node (null: the whole graph), message]. */
  const g = (nodes: GraphNode[], edges: NetworkGraph['edges']): NetworkGraph => ({ nodes, edges })
  const IN = node('in', 'input')
  const OUT = node('out', 'output')
  const d = (id: string, units = 4) => node(id, 'dense', { units, activation: 'relu' })
  const cases: [string, NetworkGraph, number[] | null, string | null, RegExp][] = [
    ['add of different shapes', g([IN, d('a', 4), d('b', 5), node('s', 'add'), OUT], [{ from: 'in', to: 'a' }, { from: 'in', to: 'b' }, { from: 'a', to: 's' }, { from: 'b', to: 's' }, { from: 's', to: 'out' }]), [2], 's', /add "s" needs inputs of one shape, but gets \[4\] from "a" and \[5\] from "b"/],
    ['concatenate on mismatched non-axis dims', g([IN, node('c1', 'conv2d', { filters: 2, padding: 'same' }), node('c2', 'conv2d', { filters: 2, kernelSize: 3 }), node('cat', 'concatenate'), OUT], [{ from: 'in', to: 'c1' }, { from: 'in', to: 'c2' }, { from: 'c1', to: 'cat' }, { from: 'c2', to: 'cat' }, { from: 'cat', to: 'out' }]), [6, 6, 1], 'cat', /concatenate "cat" along axis 3 needs inputs equal on the other axes, but gets 6×6×2 from "c1" and 4×4×2 from "c2"/],
    ['concatenate of an image and a flat vector', g([IN, node('c', 'conv2d', { filters: 2 }), node('f', 'flatten'), node('cat', 'concatenate'), OUT], [{ from: 'in', to: 'c' }, { from: 'in', to: 'f' }, { from: 'c', to: 'cat' }, { from: 'f', to: 'cat' }, { from: 'cat', to: 'out' }]), [6, 6, 1], 'cat', /one is an image, the other flat/],
    ['conv on flat input', g([IN, d('a'), node('c', 'conv2d', { filters: 2 }), OUT], chainEdges('in', 'a', 'c', 'out')), [6, 6, 1], 'c', /conv2d "c" needs an image input \[H, W, C\], but its input is flat \[4\]/],
    ['kernel larger than its input', g([IN, node('c', 'conv2d', { filters: 2, kernelSize: 5 }), OUT], chainEdges('in', 'c', 'out')), [3, 3, 1], 'c', /kernel 5×5 is larger than its input 3×3×1/],
    ['cycle', g([IN, d('a'), d('b'), node('s', 'add'), OUT], [{ from: 'in', to: 's' }, { from: 's', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 's' }, { from: 'b', to: 'out' }]), [2], 'a', /dense "a" is part of a cycle: "a" → "b" → "s" → "a"/],
    ['a node with no input', g([IN, d('a'), d('b'), node('s', 'add'), OUT], [{ from: 'in', to: 'a' }, { from: 'a', to: 's' }, { from: 'b', to: 's' }, { from: 's', to: 'out' }]), [2], 'b', /dense "b" has no input/],
    ['an input not connected', g([IN, d('a'), OUT], chainEdges('a', 'out')), null, 'in', /input "in" is not connected to anything/],
    ['output unreachable', g([IN, d('a'), d('b'), OUT], [{ from: 'in', to: 'a' }, { from: 'a', to: 'b' }]), null, 'out', /output "out" has no input/],
    ['a node whose output is unused', g([IN, d('a'), d('b'), OUT], [{ from: 'in', to: 'a' }, { from: 'a', to: 'out' }, { from: 'in', to: 'b' }]), null, 'b', /the output of dense "b" is not used/],
    ['add with one input', g([IN, d('a'), node('s', 'add'), OUT], chainEdges('in', 'a', 's', 'out')), null, 's', /add "s" needs at least 2 inputs, but has 1/],
    ['dense with two inputs', g([IN, d('a'), d('b'), d('c'), OUT], [{ from: 'in', to: 'a' }, { from: 'in', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }, { from: 'c', to: 'out' }]), null, 'c', /dense "c" takes exactly 1 input, but has 2/],
    ['two inputs', g([IN, node('in2', 'input'), d('a'), OUT], [...chainEdges('in', 'a', 'out'), { from: 'in2', to: 'a' }]), null, 'in2', /a second input node; a network has exactly one input/],
    ['two outputs', g([IN, d('a'), OUT, node('out2', 'output')], [...chainEdges('in', 'a', 'out'), { from: 'a', to: 'out2' }]), null, 'out2', /a second output node/],
    ['no input node', g([d('a'), OUT], chainEdges('a', 'out')), null, null, /the network has no input node/],
    ['no output node', g([IN, d('a')], chainEdges('in', 'a')), null, null, /the network has no output node/],
    ['an edge into the input', g([IN, d('a'), OUT], [...chainEdges('in', 'a', 'out'), { from: 'a', to: 'in' }]), null, 'in', /input "in" cannot have incoming connections/],
    ['an edge to an unknown node', g([IN, d('a'), OUT], [...chainEdges('in', 'a', 'out'), { from: 'a', to: 'ghost' }]), null, 'a', /unknown node "ghost"/],
    ['duplicate ids', g([IN, d('a'), d('a'), OUT], chainEdges('in', 'a', 'out')), null, 'a', /two nodes are named "a"/],
    ['dense without units', g([IN, node('a', 'dense', {}), OUT], chainEdges('in', 'a', 'out')), [2], 'a', /dense "a" needs a number of units/]
  ]
  test.each(cases)('%s: the message is on the right node', (_what, graph, input, nodeId, message) => {
    const r = analyzeGraph(graph, input ? { input, outputs: 2 } : null)
    expect(r.ok).toBe(false)
    const p = r.problems.find((x) => x.nodeId === nodeId && message.test(x.message))
    expect(p, `problems: ${JSON.stringify(r.problems)}`).toBeDefined()
    if (nodeId) expect(r.nodeErrors[nodeId]).toMatch(message)
  })

  test('the training config accepts a valid graph, refuses an invalid one with the node in the path, and keeps layer lists working', () => {
    expect(validateConfig('training', trainingDefaults).ok).toBe(true)
    expect(validateConfig('training', { ...trainingDefaults, network: graphNetwork(RESIDUAL) }).ok).toBe(true)
    // A network is a layer list or a graph, never both.
    expect(validateConfig('training', { ...trainingDefaults, network: { ...graphNetwork(RESIDUAL), layers: layerList(trainingDefaults) } }).ok).toBe(false)
    expect(validateConfig('training', { ...trainingDefaults, network: { ...trainingDefaults.network, graph: RESIDUAL } }).ok).toBe(false)
    const bad = structuredClone(RESIDUAL)
    bad.nodes[2].params.units = 8 // d2 now differs from d1 at the add
    const r = validateConfig('training', { ...trainingDefaults, network: graphNetwork(bad) })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toEqual([{ path: 'network.graph.nodes.3', message: expect.stringMatching(/add "sum" needs inputs of one shape/) }])
    // The graph's structure is checked even where the data's shape is unknown (a library dataset).
    const stored = { ...trainingDefaults, dataset: { kind: 'stored', datasetId: 'x', testFraction: 0.2, validationFraction: 0.1 } }
    expect(validateConfig('training', { ...stored, network: graphNetwork(RESIDUAL) }).ok).toBe(true)
    const cyc = structuredClone(RESIDUAL)
    cyc.edges.push({ from: 'act', to: 'd1' })
    const s = validateConfig('training', { ...stored, network: graphNetwork(cyc) })
    expect(s.ok).toBe(false)
  })
})

describe('functional model from a graph', () => {
  const weights = (m: import('@tensorflow/tfjs').LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()))

  test('a dense chain graph has exactly buildNetwork\'s weights for the same seed', () => {
    const layers: Layer[] = [{ type: 'dense', units: 6, activation: 'relu' }, { type: 'dense', units: 5, activation: 'leaky-relu' }, { type: 'dense', units: 4, activation: 'celu' }]
    const a = buildNetwork(tf, layers, [3], 2, 11)
    const b = buildGraphNetwork(tf, layersToGraph(layers), [3], 2, 11)
    expect(weights(b)).toEqual(weights(a))
    const x = tf.tensor2d([[0.1, -0.2, 0.3], [1, 2, -1]])
    expect(Array.from((b.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync())).toEqual(Array.from((a.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync()))
    x.dispose()
    a.dispose()
    b.dispose()
  })

  test('residual, branching and conv graphs build with the inferred shapes and parameter counts', () => {
    for (const [graph, input] of [[RESIDUAL, [2]], [BRANCHING, [5]], [CONV, [8, 8, 1]]] as const) {
      const m = buildGraphNetwork(tf, graph, [...input], 3, 1)
      const r = analyzeGraph(graph, { input: [...input], outputs: 3 })
      expect(m.outputShape).toEqual([null, 3])
      expect(m.countParams()).toBe(r.params)
      m.dispose()
    }
  })

  test('an invalid graph is refused with the validator\'s message', () => {
    const bad = structuredClone(BRANCHING)
    bad.edges.push({ from: 'drop', to: 'a' })
    expect(() => buildGraphNetwork(tf, bad, [5], 2, 1)).toThrow(NetworkError)
    expect(() => buildGraphNetwork(tf, bad, [5], 2, 1)).toThrow(/takes exactly 1 input/)
  })
})
