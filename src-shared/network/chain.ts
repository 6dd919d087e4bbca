/**
 * Layer list ↔ graph. A layer list is the chain input → layer 1 → … → layer n → output; a graph converts back
 * only when it is such a chain of layer-list node types (no add, concatenate or activation nodes).
 * Node params carry the layer's fields unchanged, so list → graph → list gives the same layers.
 */
import { upgradeLayer, type Layer } from './layers'
import { LAYER_NODE_TYPES, PARAMS_OF, type GraphNode, type NetworkGraph } from './spec'

export function layersToGraph(layers: Layer[]): NetworkGraph {
  const nodes: GraphNode[] = [{ id: 'input', type: 'input', params: {} }]
  layers.forEach((l, i) => {
    const { type, ...params } = l
    nodes.push({ id: `layer${i + 1}`, type, params: structuredClone(params) })
  })
  nodes.push({ id: 'output', type: 'output', params: {} })
  return { nodes, edges: nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id })) }
}

export type ChainResult = { ok: true; layers: Layer[] } | { ok: false; reason: string }

/** The layer list of a chain graph, or why the graph is not one. */
export function graphToLayers(graph: NetworkGraph): ChainResult {
  const no = (reason: string): ChainResult => ({ ok: false, reason })
  const inputs = graph.nodes.filter((n) => n.type === 'input')
  const outputs = graph.nodes.filter((n) => n.type === 'output')
  if (inputs.length !== 1 || outputs.length !== 1) return no('a layer list has exactly one input and one output')
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const layers: Layer[] = []
  let cur = inputs[0]
  const visited = new Set([cur.id])
  for (;;) {
    const outs = graph.edges.filter((e) => e.from === cur.id)
    if (cur.type === 'output') {
      if (outs.length) return no('the output node has outgoing connections')
      break
    }
    if (outs.length !== 1) return no(`"${cur.id}" feeds ${outs.length} nodes; only a single chain of layers converts to a list`)
    const next = byId.get(outs[0].to)
    if (!next) return no(`an edge goes to unknown node "${outs[0].to}"`)
    if (visited.has(next.id)) return no('the graph has a cycle')
    if (graph.edges.filter((e) => e.to === next.id).length !== 1) return no(`"${next.id}" has several inputs; only a single chain of layers converts to a list`)
    visited.add(next.id)
    if (next.type !== 'output') {
      if (!(LAYER_NODE_TYPES as readonly string[]).includes(next.type)) return no(`${next.type} nodes ("${next.id}") have no layer-list form`)
      const p = next.params
      if (next.type === 'dense' && p.units === undefined) return no(`dense "${next.id}" has no units`)
      if (next.type === 'conv2d' && p.filters === undefined) return no(`conv2d "${next.id}" has no filters`)
      // Only the params of the node's type (the editor's list), with the layer list's defaults for missing ones.
      const own = Object.fromEntries(PARAMS_OF[next.type].filter((k) => p[k] !== undefined).map((k) => [k, p[k]]))
      layers.push(upgradeLayer({ type: next.type, ...own }))
    }
    cur = next
  }
  if (visited.size !== graph.nodes.length) return no('some nodes are not on the chain from the input to the output')
  if (layers.length === 0) return no('a layer list needs at least one layer')
  if (layers.length > 16) return no('a layer list has at most 16 layers')
  return { ok: true, layers }
}

/** Is this graph a chain that converts to a layer list? */
export const isChain = (graph: NetworkGraph): boolean => graphToLayers(graph).ok
