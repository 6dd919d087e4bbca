/** The graph editor's operations (src-renderer/components/network/graphEditing.ts): pure functions on the spec. */
import { describe, expect, test } from 'vitest'
import { addNode, autoLayout, connect, copySelection, hasPositions, history, paste, record, redo, removeElements, setParam, setPositions, undo } from '../../src-renderer/components/network/graphEditing'
import { analyzeGraph, layersToGraph, networkGraphSchema, type NetworkGraph } from '../../src-shared/network'

const base = (): NetworkGraph => autoLayout(layersToGraph([{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 4, activation: 'tanh' }]))

describe('graph editing', () => {
  test('add, connect, set params and remove keep a valid spec', () => {
    let g = base()
    expect(hasPositions(g)).toBe(true)
    const a = addNode(g, 'dense', { x: 300, y: 0 })
    expect(a.id).toBe('dense1')
    g = connect(connect(a.graph, 'input', 'dense1'), 'dense1', 'output')
    expect(connect(g, 'input', 'dense1')).toBe(g) // no duplicate edge
    expect(connect(g, 'dense1', 'dense1')).toBe(g) // no self loop
    expect(analyzeGraph(g, { input: [2], outputs: 2 }).nodeErrors.output).toMatch(/takes exactly 1 input, but has 2/)
    g = setParam(g, 'dense1', 'units', 32)
    expect(g.nodes.find((n) => n.id === 'dense1')!.params.units).toBe(32)
    g = removeElements(g, ['layer1', 'layer2'])
    expect(g.nodes.map((n) => n.id)).toEqual(['input', 'output', 'dense1'])
    expect(g.edges).toEqual([{ from: 'input', to: 'dense1' }, { from: 'dense1', to: 'output' }])
    expect(analyzeGraph(g, { input: [2], outputs: 2 }).ok).toBe(true)
    g = removeElements(g, [], [0])
    expect(g.edges).toEqual([{ from: 'dense1', to: 'output' }])
    expect(networkGraphSchema.parse(g)).toEqual(g)
  })

  test('undo and redo walk the history; a new edit clears the redo stack', () => {
    let h = history(base())
    const s0 = h.present
    h = record(h, setParam(h.present, 'layer1', 'units', 9))
    const s1 = h.present
    h = record(h, setParam(h.present, 'layer2', 'units', 7))
    expect(record(h, JSON.parse(JSON.stringify(h.present)))).toBe(h) // no-op edits are not recorded
    h = undo(h)
    expect(h.present).toEqual(s1)
    h = undo(h)
    expect(h.present).toEqual(s0)
    expect(undo(h)).toBe(h)
    h = redo(h)
    expect(h.present).toEqual(s1)
    h = record(h, removeElements(h.present, ['layer2']))
    expect(h.future).toEqual([])
    expect(redo(h)).toBe(h)
  })

  test('copy/paste duplicates the selection with fresh ids, shifted, with its internal edges', () => {
    const g = base()
    expect(copySelection(g, ['input', 'output'])).toBeNull() // input and output are never copied
    const clip = copySelection(g, ['layer1', 'layer2', 'input'])!
    expect(clip.nodes.map((n) => n.id)).toEqual(['layer1', 'layer2'])
    expect(clip.edges).toEqual([{ from: 'layer1', to: 'layer2' }])
    const r = paste(g, clip)
    expect(r.ids).toEqual(['dense1', 'dense2'])
    const p1 = r.graph.nodes.find((n) => n.id === 'dense1')!
    expect(p1.params).toEqual({ units: 8, activation: 'relu' }) // a node's type is the node's, not a param
    expect(p1.position).toEqual({ x: g.nodes[1].position!.x + 40, y: g.nodes[1].position!.y + 40 })
    expect(r.graph.edges.at(-1)).toEqual({ from: 'dense1', to: 'dense2' })
    expect(paste(r.graph, clip).ids).toEqual(['dense3', 'dense4'])
  })

  test('auto-layout puts every node on its own rank down a chain and keeps the spec otherwise unchanged', () => {
    const g = layersToGraph([{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 4, activation: 'tanh' }])
    expect(hasPositions(g)).toBe(false)
    const l = autoLayout(g)
    const ys = l.nodes.map((n) => n.position!.y)
    expect(ys).toEqual([...ys].sort((a, b) => a - b))
    expect(new Set(ys).size).toBe(4)
    expect(l.nodes.map(({ position: _p, ...n }) => n)).toEqual(g.nodes)
    expect(l.edges).toEqual(g.edges)
    const moved = setPositions(l, { layer1: { x: 10.4, y: 20.6 } })
    expect(moved.nodes[1].position).toEqual({ x: 10, y: 21 })
  })
})
