/**
 * The graph editor's operations as pure functions on the JSON spec (src-shared/network/spec.ts): add, remove,
 * connect, set params, copy/paste, undo/redo history and auto-layout (dagre). The component only wires them to
 * Vue Flow, so everything it does is testable without a DOM.
 */
import dagre from '@dagrejs/dagre'
import { defaultParams, type GraphNode, type GraphNodeParams, type GraphNodeType, type NetworkGraph } from '../../../src-shared/network/spec'

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

/** A fresh id for a node of `type` (`dense1`, `dense2`, …), unused in the graph. */
export function freshId(graph: NetworkGraph, type: string, taken: Set<string> = new Set()): string {
  const used = new Set([...graph.nodes.map((n) => n.id), ...taken])
  for (let i = 1; ; i++) if (!used.has(`${type}${i}`)) return `${type}${i}`
}

export function addNode(graph: NetworkGraph, type: GraphNodeType, position?: { x: number; y: number }): { graph: NetworkGraph; id: string } {
  const id = freshId(graph, type)
  const g = clone(graph)
  const maxY = g.nodes.reduce((m, n) => Math.max(m, n.position?.y ?? 0), 0)
  g.nodes.push({ id, type, params: defaultParams(type), position: position ?? { x: 0, y: maxY + 90 } })
  return { graph: g, id }
}

/** Remove nodes (and every edge touching them) and edges given by index. */
export function removeElements(graph: NetworkGraph, nodeIds: Iterable<string>, edgeIndices: Iterable<number> = []): NetworkGraph {
  const ids = new Set(nodeIds)
  const drop = new Set(edgeIndices)
  return {
    nodes: graph.nodes.filter((n) => !ids.has(n.id)).map(clone),
    edges: graph.edges.filter((e, i) => !drop.has(i) && !ids.has(e.from) && !ids.has(e.to)).map(clone)
  }
}

/** Add the edge from → to, unless it exists or would loop on one node. */
export function connect(graph: NetworkGraph, from: string, to: string): NetworkGraph {
  if (from === to || graph.edges.some((e) => e.from === from && e.to === to)) return graph
  const g = clone(graph)
  g.edges.push({ from, to })
  return g
}

/** Set (or, with undefined, clear) one param of a node. */
export function setParam<K extends keyof GraphNodeParams>(graph: NetworkGraph, id: string, key: K, value: GraphNodeParams[K] | undefined): NetworkGraph {
  const g = clone(graph)
  const n = g.nodes.find((x) => x.id === id)
  if (!n) return graph
  if (value === undefined) delete n.params[key]
  else n.params[key] = value
  return g
}

export function setPositions(graph: NetworkGraph, positions: Record<string, { x: number; y: number }>): NetworkGraph {
  const g = clone(graph)
  for (const n of g.nodes) if (positions[n.id]) n.position = { x: Math.round(positions[n.id].x), y: Math.round(positions[n.id].y) }
  return g
}

/** What Ctrl+C keeps: the selected nodes (never the input or output) and the edges between them. */
export interface Clipboard {
  nodes: GraphNode[]
  edges: NetworkGraph['edges']
}

export function copySelection(graph: NetworkGraph, ids: Iterable<string>): Clipboard | null {
  const set = new Set(ids)
  const nodes = graph.nodes.filter((n) => set.has(n.id) && n.type !== 'input' && n.type !== 'output').map(clone)
  if (!nodes.length) return null
  const kept = new Set(nodes.map((n) => n.id))
  return { nodes, edges: graph.edges.filter((e) => kept.has(e.from) && kept.has(e.to)).map(clone) }
}

/** Paste a clipboard: fresh ids, positions shifted by `offset`, internal edges kept. Returns the new ids. */
export function paste(graph: NetworkGraph, clip: Clipboard, offset = { x: 40, y: 40 }): { graph: NetworkGraph; ids: string[] } {
  const g = clone(graph)
  const rename = new Map<string, string>()
  const taken = new Set<string>()
  for (const n of clip.nodes) {
    const id = freshId(g, n.type, taken)
    taken.add(id)
    rename.set(n.id, id)
    const p = n.position ?? { x: 0, y: 0 }
    g.nodes.push({ ...clone(n), id, position: { x: p.x + offset.x, y: p.y + offset.y } })
  }
  for (const e of clip.edges) g.edges.push({ from: rename.get(e.from)!, to: rename.get(e.to)! })
  return { graph: g, ids: [...rename.values()] }
}

/** Undo/redo: an immutable history of graph states. */
export interface History {
  past: NetworkGraph[]
  present: NetworkGraph
  future: NetworkGraph[]
}
export const HISTORY_LIMIT = 100

export const history = (present: NetworkGraph): History => ({ past: [], present, future: [] })

/** Record a new state (a no-op if it equals the present); clears the redo stack. */
export function record(h: History, next: NetworkGraph): History {
  if (JSON.stringify(next) === JSON.stringify(h.present)) return h
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: next, future: [] }
}
export function undo(h: History): History {
  if (!h.past.length) return h
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] }
}
export function redo(h: History): History {
  if (!h.future.length) return h
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) }
}

/** Approximate node box for the layout (the editor's nodes are about this size). */
export const NODE_SIZE = { width: 180, height: 64 }

/** Top-to-bottom layered layout (dagre); positions are the nodes' top-left corners. */
export function autoLayout(graph: NetworkGraph): NetworkGraph {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 64 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of graph.nodes) g.setNode(n.id, { ...NODE_SIZE })
  for (const e of graph.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to)
  dagre.layout(g)
  const out = clone(graph)
  for (const n of out.nodes) {
    const p = g.node(n.id)
    if (p) n.position = { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) }
  }
  return out
}

/** Does every node have a position? (Graphs made from layer lists do not, until laid out.) */
export const hasPositions = (graph: NetworkGraph): boolean => graph.nodes.every((n) => n.position)
