/** The graph editor's operations (src-renderer/components/network/graphEditing.ts): pure functions on the spec. */
import { describe, expect, test } from 'vitest'
import { addNode, autoLayout, connect, copySelection, freePosition, hasPositions, history, NODE_SIZE, paste, record, redo, removeElements, setParam, setPositions, undo } from '../../src-renderer/components/network/graphEditing'
import { analyzeGraph, layersToGraph, networkGraphSchema, type NetworkGraph } from '../../src-shared/network'

const base = (): NetworkGraph => autoLayout(layersToGraph([{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 4, activation: 'tanh' }]))

/** No two node boxes (the editor's node size) overlap or touch. */
function expectNoOverlap(g: NetworkGraph): void {
  for (const a of g.nodes)
    for (const b of g.nodes) {
      if (a === b) continue
      const apart = Math.abs(a.position!.x - b.position!.x) >= NODE_SIZE.width || Math.abs(a.position!.y - b.position!.y) >= NODE_SIZE.height
      expect(apart, `${a.id} at ${JSON.stringify(a.position)} overlaps ${b.id} at ${JSON.stringify(b.position)}`).toBe(true)
    }
}

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

  test('copy/paste duplicates the selection with fresh ids, beside the graph, with its internal edges', () => {
    const g = base()
    expect(copySelection(g, ['input', 'output'])).toBeNull() // input and output are never copied
    const clip = copySelection(g, ['layer1', 'layer2', 'input'])!
    expect(clip.nodes.map((n) => n.id)).toEqual(['layer1', 'layer2'])
    expect(clip.edges).toEqual([{ from: 'layer1', to: 'layer2' }])
    const r = paste(g, clip)
    expect(r.ids).toEqual(['dense1', 'dense2'])
    const p1 = r.graph.nodes.find((n) => n.id === 'dense1')!
    expect(p1.params).toEqual({ units: 8, activation: 'relu' })
    // 40 px down and right would sit on the copied chain itself: the copy goes beside the graph, at its height.
    expect(p1.position!.y).toBe(g.nodes[1].position!.y)
    expect(p1.position!.x).toBeGreaterThanOrEqual(Math.max(...g.nodes.map((n) => n.position!.x)) + NODE_SIZE.width)
    expect(r.graph.edges.at(-1)).toEqual({ from: 'dense1', to: 'dense2' })
    const again = paste(r.graph, clip)
    expect(again.ids).toEqual(['dense3', 'dense4'])
    expectNoOverlap(again.graph)
    // Where nothing is in the way, the offset is kept.
    const lone = paste({ nodes: [], edges: [] }, clip)
    expect(lone.graph.nodes[0].position).toEqual({ x: clip.nodes[0].position!.x + 40, y: clip.nodes[0].position!.y + 40 })
  })

  test('a new node never lands on an existing one', () => {
    // The editor asks for "below the selected node": selecting the input twice asked for the same place twice,
    // and the second node was dropped exactly on the first — it looked wired when it was not.
    let g = base()
    const input = g.nodes.find((n) => n.id === 'input')!.position!
    const below = { x: input.x, y: input.y + 90 }
    for (let i = 0; i < 6; i++) {
      g = addNode(g, 'dense', below).graph
      expectNoOverlap(g)
    }
    // A free place is taken as asked.
    expect(freePosition(g, { x: 5000, y: 5000 })).toEqual({ x: 5000, y: 5000 })
    // The default (no position) goes below everything.
    const last = addNode(g, 'dropout')
    expectNoOverlap(last.graph)
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
