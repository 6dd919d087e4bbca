/**
 * Pure edits of a neurashed graph for the editor: each returns a new graph (or a refusal with the reason), so the
 * editor can emit it as the config's new value and tests can check the rules without mounting anything.
 */
import type { FiringRule, NeurashedGraph, NeurashedNode, SampleType, UpdateRule } from '../../../src-shared/studies/neurashedGraph'
import { LAYOUT_COLUMN } from '../../../src-shared/studies/neurashedGraph'

export type EditResult = { graph: NeurashedGraph } | { refused: string }

const clone = (g: NeurashedGraph): NeurashedGraph => JSON.parse(JSON.stringify(g)) as NeurashedGraph

/** Horizontal spacing of nodes within a level row (editor units). */
export const COLUMN_WIDTH = LAYOUT_COLUMN
/** Vertical spacing of the level rows. */
export const ROW_HEIGHT = 110

/** Editor position of a node: its row from its level (level 1 at the bottom), its x from the spec or its index. */
export function nodePosition(graph: NeurashedGraph, node: NeurashedNode): { x: number; y: number } {
  const index = graph.nodes.filter((n) => n.level === node.level).indexOf(node)
  return { x: node.x ?? index * COLUMN_WIDTH, y: (graph.levels - node.level) * ROW_HEIGHT }
}

function freshId(graph: NeurashedGraph, prefix: string): string {
  const ids = new Set(graph.nodes.map((n) => n.id))
  for (let k = 1; ; k++) if (!ids.has(`${prefix}${k}`)) return `${prefix}${k}`
}

/** A new node at the right end of its level row. */
export function addNode(graph: NeurashedGraph, level: number): { graph: NeurashedGraph; id: string } {
  const g = clone(graph)
  const id = freshId(g, level === g.levels ? 'C' : `L${level}_`)
  const row = g.nodes.filter((n) => n.level === level)
  const x = row.length ? Math.max(...row.map((n) => nodePosition(graph, n).x)) + COLUMN_WIDTH : 0
  g.nodes.push({ id, level, x })
  return { graph: g, id }
}

/** Removes nodes and edges (by index); edges and firing-set entries of removed nodes go too. */
export function removeElements(graph: NeurashedGraph, nodeIds: Iterable<string>, edgeIndices: Iterable<number> = []): NeurashedGraph {
  const gone = new Set(nodeIds)
  const goneEdges = new Set(edgeIndices)
  const g = clone(graph)
  g.nodes = g.nodes.filter((n) => !gone.has(n.id))
  g.edges = g.edges.filter((e, i) => !goneEdges.has(i) && !gone.has(e.from) && !gone.has(e.to))
  g.samples = g.samples.map((s) => ({ ...s, fires: s.fires.filter((id) => !gone.has(id)) }))
  return g
}

/**
 * Connects two nodes on adjacent levels: the edge goes from the upper node to its dependent below, whichever
 * way the user dragged. Anything else is refused with the reason.
 */
export function connect(graph: NeurashedGraph, a: string, b: string): EditResult {
  const na = graph.nodes.find((n) => n.id === a)
  const nb = graph.nodes.find((n) => n.id === b)
  if (!na || !nb) return { refused: `unknown node ${!na ? a : b}` }
  if (a === b) return { refused: 'a node cannot depend on itself' }
  if (Math.abs(na.level - nb.level) !== 1)
    return { refused: `edges join a node to a node one level below: ${a} is on level ${na.level}, ${b} on level ${nb.level}` }
  const [from, to] = na.level > nb.level ? [a, b] : [b, a]
  if (graph.edges.some((e) => e.from === from && e.to === to)) return { refused: `${from} → ${to} exists already` }
  const g = clone(graph)
  g.edges.push({ from, to })
  return { graph: g }
}

/** Changes a node's editable fields (label, rule, overrides, λ₀, x); `undefined` clears an optional field. */
export function updateNode(
  graph: NeurashedGraph,
  id: string,
  patch: Partial<{ label: string; rule: FiringRule; plus: UpdateRule; minus: UpdateRule; lambda0: number; x: number }>
): NeurashedGraph {
  const g = clone(graph)
  const n = g.nodes.find((m) => m.id === id)
  if (!n) return g
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') delete (n as Record<string, unknown>)[k]
    else (n as Record<string, unknown>)[k] = v
  }
  return g
}

/** Sets the number of levels; refused when nodes sit above the new top. */
export function setLevels(graph: NeurashedGraph, levels: number): EditResult {
  if (!Number.isInteger(levels) || levels < 2 || levels > 100) return { refused: 'a graph has 2 to 100 levels' }
  const above = graph.nodes.filter((n) => n.level > levels)
  if (above.length) return { refused: `remove the nodes above level ${levels} first (${above.map((n) => n.id).join(', ')})` }
  return { graph: { ...clone(graph), levels } }
}

export function addSampleType(graph: NeurashedGraph): { graph: NeurashedGraph; id: string } {
  const g = clone(graph)
  const ids = new Set(g.samples.map((s) => s.id))
  let k = g.samples.length + 1
  while (ids.has(`s${k}`)) k++
  g.samples.push({ id: `s${k}`, name: `type ${k}`, fires: [] })
  return { graph: g, id: `s${k}` }
}

export function updateSampleType(graph: NeurashedGraph, id: string, patch: Partial<Pick<SampleType, 'name' | 'weight'>>): NeurashedGraph {
  const g = clone(graph)
  const s = g.samples.find((t) => t.id === id)
  if (s) for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete (s as Record<string, unknown>)[k]
    else (s as Record<string, unknown>)[k] = v
  }
  return g
}

export function removeSampleType(graph: NeurashedGraph, id: string): NeurashedGraph {
  const g = clone(graph)
  g.samples = g.samples.filter((s) => s.id !== id)
  return g
}

/** Adds or removes a level-1 node from a sample type's firing set (kept in graph node order). */
export function toggleFiring(graph: NeurashedGraph, sampleId: string, nodeId: string): EditResult {
  const node = graph.nodes.find((n) => n.id === nodeId)
  if (!node) return { refused: `unknown node ${nodeId}` }
  if (node.level !== 1) return { refused: `only level-1 nodes are set by the input; ${nodeId} is on level ${node.level} and fires by its rule` }
  const g = clone(graph)
  const s = g.samples.find((t) => t.id === sampleId)
  if (!s) return { refused: `unknown sample type ${sampleId}` }
  const set = new Set(s.fires)
  if (set.has(nodeId)) set.delete(nodeId)
  else set.add(nodeId)
  s.fires = g.nodes.filter((n) => set.has(n.id)).map((n) => n.id)
  return { graph: g }
}
