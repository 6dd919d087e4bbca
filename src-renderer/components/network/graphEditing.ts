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

/** A new node at `position` (default: below the lowest node) — moved to the nearest free place if a node is there. */
export function addNode(graph: NetworkGraph, type: GraphNodeType, position?: { x: number; y: number }): { graph: NetworkGraph; id: string } {
  const id = freshId(graph, type)
  const g = clone(graph)
  const maxY = g.nodes.reduce((m, n) => Math.max(m, n.position?.y ?? 0), 0)
  g.nodes.push({ id, type, params: defaultParams(type), position: freePosition(graph, position ?? { x: 0, y: maxY + ROW_STEP }) })
  return { graph: g, id }
}

/** Space kept around a node's box: a node closer than this to another reads as touching (or wired) to it. */
const GAP = { x: 24, y: 26 }
/** One row down / one column across in the editor's layout. */
export const ROW_STEP = 90
const COLUMN_STEP = 204

/** Whether a node box at `p` would overlap (or touch) the box of a node at `q`. */
function overlaps(p: { x: number; y: number }, q: { x: number; y: number }): boolean {
  return Math.abs(p.x - q.x) < NODE_SIZE.width + GAP.x && Math.abs(p.y - q.y) < NODE_SIZE.height + GAP.y
}

/**
 * The free place nearest `desired` for a new node: `desired` itself if no node's box is near it, else the
 * closest free slot at or below its row (same column first, then beside it), so a node never lands on
 * another — where it would look wired to it when it is not.
 */
export function freePosition(graph: NetworkGraph, desired: { x: number; y: number }, ignore: ReadonlySet<string> = new Set()): { x: number; y: number } {
  const taken = graph.nodes.filter((n) => n.position && !ignore.has(n.id)).map((n) => n.position!)
  const free = (p: { x: number; y: number }) => !taken.some((q) => overlaps(p, q))
  if (free(desired)) return { x: Math.round(desired.x), y: Math.round(desired.y) }
  const candidates: { x: number; y: number; cost: number }[] = []
  for (let row = 0; row <= 40; row++) {
    for (let col = -4; col <= 4; col++) {
      // Rows cost a little more than columns: stay near the anchor's row, but prefer below to far across.
      candidates.push({ x: desired.x + col * COLUMN_STEP, y: desired.y + row * ROW_STEP, cost: row * 1.05 + Math.abs(col) * (col < 0 ? 1.2 : 1) })
    }
  }
  candidates.sort((a, b) => a.cost - b.cost)
  const spot = candidates.find(free) ?? { x: desired.x, y: Math.max(desired.y, ...taken.map((q) => q.y)) + ROW_STEP }
  return { x: Math.round(spot.x), y: Math.round(spot.y) }
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

/**
 * Paste a clipboard: fresh ids, positions shifted by `offset` — or, when a pasted node would land on a node of
 * the graph there, beside the whole graph at the copied nodes' height — internal edges kept. Returns the new ids.
 */
export function paste(graph: NetworkGraph, clip: Clipboard, offset = { x: 40, y: 40 }): { graph: NetworkGraph; ids: string[] } {
  const g = clone(graph)
  const placed = graph.nodes.filter((n) => n.position).map((n) => n.position!)
  const at = (n: GraphNode, o: { x: number; y: number }) => ({ x: (n.position?.x ?? 0) + o.x, y: (n.position?.y ?? 0) + o.y })
  if (clip.nodes.some((n) => placed.some((q) => overlaps(at(n, offset), q)))) {
    const right = Math.max(...placed.map((q) => q.x))
    const left = Math.min(...clip.nodes.map((n) => n.position?.x ?? 0))
    offset = { x: right - left + COLUMN_STEP, y: 0 }
  }
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
