/**
 * Validation and shape inference of a network graph (spec.ts) — pure, so the engine (before it builds the
 * functional model), the config schema (to refuse launching an invalid graph) and the editor (to mark nodes
 * and label edges) give the same answer. Never throws; every problem is a message on the offending node.
 *
 * Structure (checked without knowing the data): unique ids, edges between existing nodes, exactly one input
 * and one output node, arity (add/concatenate ≥ 2 inputs, input none, every other node exactly 1), no node
 * whose output is unused, no cycle, everything connected from the input to the output.
 * Shapes (with the data's sample shape and number of classes): the layer list's rules (networkShapes.ts) —
 * conv/pool need an image [H, W, C], dense and output flatten an image automatically, windows must fit —
 * plus add (all inputs of one shape) and concatenate (same rank, equal on every axis but `axis`).
 */
import { windowOutput } from '../studies/networkShapes'
import type { GraphNode, GraphNodeParams, NetworkGraph } from './spec'

export interface GraphIO {
  /** Sample shape: [d] or [H, W, C]. */
  input: number[]
  /** Units of the output node (classes). */
  outputs: number
}

export interface GraphNodeInfo {
  /** Shapes of the node's inputs, in edge order (null where unknown). */
  inputs: (number[] | null)[]
  outputShape: number[] | null
  params: number
  /** An image input is flattened automatically in front of this dense/output node. */
  autoFlatten: boolean
}

export interface GraphProblem {
  /** The offending node; null for a problem of the whole graph (e.g. no input node). */
  nodeId: string | null
  message: string
}

export interface GraphAnalysis {
  ok: boolean
  nodes: Record<string, GraphNodeInfo>
  /** Shape carried by each edge (the output shape of its source), by edge index; null where unknown. */
  edges: (number[] | null)[]
  /** Total parameters of the nodes whose shapes are known. */
  params: number
  problems: GraphProblem[]
  /** First problem per node id (what the editor shows on the node). */
  nodeErrors: Record<string, string>
  /** Node ids in a deterministic topological order (ties: the order of `graph.nodes`); null if there is a cycle. */
  order: string[] | null
}

export const fmtShape = (s: number[]): string => (s.length === 3 ? `${s[0]}×${s[1]}×${s[2]}` : `[${s.join(', ')}]`)
export const nodeLabel = (n: Pick<GraphNode, 'id' | 'type'>): string => `${n.type} "${n.id}"`

/** A node's params with its type's defaults filled in (the same defaults as the layer list). */
export function resolveParams(n: GraphNode): Required<Omit<GraphNodeParams, 'units' | 'filters'>> & { units: number | null; filters: number | null } {
  const p = n.params
  const pooling = n.type === 'maxpool2d' || n.type === 'avgpool2d'
  const poolSize = p.poolSize ?? 2
  return {
    units: p.units ?? null,
    activation: p.activation ?? 'linear',
    filters: p.filters ?? p.units ?? null,
    kernelSize: p.kernelSize ?? 3,
    strides: p.strides ?? (pooling ? poolSize : 1),
    padding: p.padding ?? 'valid',
    poolSize,
    rate: p.rate ?? 0.5,
    axis: p.axis ?? -1
  }
}

/** Validate a graph; with `io`, infer every shape and parameter count too. */
export function analyzeGraph(graph: NetworkGraph, io: GraphIO | null): GraphAnalysis {
  const problems: GraphProblem[] = []
  const nodeErrors: Record<string, string> = {}
  const fail = (nodeId: string | null, message: string) => {
    problems.push({ nodeId, message })
    if (nodeId !== null) nodeErrors[nodeId] ??= message
  }
  const byId = new Map<string, GraphNode>()
  for (const n of graph.nodes) {
    if (byId.has(n.id)) fail(n.id, `two nodes are named "${n.id}"; node ids must be unique`)
    else byId.set(n.id, n)
  }
  const nodes: Record<string, GraphNodeInfo> = {}
  for (const id of byId.keys()) nodes[id] = { inputs: [], outputShape: null, params: 0, autoFlatten: false }
  const label = (id: string) => nodeLabel(byId.get(id)!)

  // Valid edges only; an edge to or from an unknown node is reported on the end that exists.
  const incoming = new Map<string, number[]>()
  const outgoing = new Map<string, number[]>()
  for (const id of byId.keys()) {
    incoming.set(id, [])
    outgoing.set(id, [])
  }
  const seen = new Set<string>()
  graph.edges.forEach((e, i) => {
    const from = byId.get(e.from)
    const to = byId.get(e.to)
    if (!from || !to) {
      const known = from ? e.from : to ? e.to : null
      fail(known, `an edge connects ${known ? label(known) : `"${e.from}"`} to unknown node "${!from ? e.from : e.to}"`)
      return
    }
    const key = `${e.from}\u0000${e.to}`
    if (seen.has(key)) {
      fail(e.to, `${label(e.to)} is connected twice to ${label(e.from)}`)
      return
    }
    seen.add(key)
    outgoing.get(e.from)!.push(i)
    incoming.get(e.to)!.push(i)
  })

  const inputs = graph.nodes.filter((n) => n.type === 'input' && byId.get(n.id) === n)
  const outputs = graph.nodes.filter((n) => n.type === 'output' && byId.get(n.id) === n)
  if (inputs.length === 0) fail(null, 'the network has no input node')
  for (const n of inputs.slice(1)) fail(n.id, `${nodeLabel(n)} is a second input node; a network has exactly one input`)
  if (outputs.length === 0) fail(null, 'the network has no output node')
  for (const n of outputs.slice(1)) fail(n.id, `${nodeLabel(n)} is a second output node; a network has exactly one output`)

  // Arity and dangling ends.
  for (const n of byId.values()) {
    const ins = incoming.get(n.id)!.length
    const outs = outgoing.get(n.id)!.length
    if (n.type === 'input') {
      if (ins > 0) fail(n.id, `${nodeLabel(n)} cannot have incoming connections`)
      if (outs === 0) fail(n.id, `${nodeLabel(n)} is not connected to anything; connect it to the first layer`)
      continue
    }
    if (ins === 0) fail(n.id, `${nodeLabel(n)} has no input; connect a layer (or the input) to it`)
    else if ((n.type === 'add' || n.type === 'concatenate') && ins < 2) fail(n.id, `${nodeLabel(n)} needs at least 2 inputs, but has 1`)
    else if (n.type !== 'add' && n.type !== 'concatenate' && ins > 1) fail(n.id, `${nodeLabel(n)} takes exactly 1 input, but has ${ins}; merge them with an add or concatenate node first`)
    if (n.type === 'output') {
      if (outs > 0) fail(n.id, `${nodeLabel(n)} cannot have outgoing connections; it is the end of the network`)
    } else if (outs === 0) fail(n.id, `the output of ${nodeLabel(n)} is not used; connect it onwards or remove it`)
  }

  // Topological order (Kahn, ties by node order) and cycles.
  const indeg = new Map<string, number>()
  for (const id of byId.keys()) indeg.set(id, incoming.get(id)!.length)
  const order: string[] = []
  const ready = [...byId.keys()].filter((id) => indeg.get(id) === 0)
  const rank = new Map([...byId.keys()].map((id, i) => [id, i]))
  while (ready.length) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!)
    const id = ready.shift()!
    order.push(id)
    for (const ei of outgoing.get(id)!) {
      const to = graph.edges[ei].to
      indeg.set(to, indeg.get(to)! - 1)
      if (indeg.get(to) === 0) ready.push(to)
    }
  }
  const acyclic = order.length === byId.size
  if (!acyclic) {
    const left = new Set([...byId.keys()].filter((id) => !order.includes(id)))
    for (const id of left) {
      const path = cyclePath(id, (x) => outgoing.get(x)!.map((ei) => graph.edges[ei].to).filter((t) => left.has(t)))
      if (path) fail(id, `${label(id)} is part of a cycle: ${path.map((x) => `"${x}"`).join(' → ')}; a network must flow one way, from the input to the output`)
      else fail(id, `${label(id)} is fed by a cycle; a network must flow one way, from the input to the output`)
    }
  }

  // Connectivity: everything reachable from the input and leading to the output.
  const input = inputs[0]
  const output = outputs[0]
  const reach = (start: string, next: (id: string) => string[]) => {
    const r = new Set([start])
    const stack = [start]
    while (stack.length) for (const t of next(stack.pop()!)) if (!r.has(t)) (r.add(t), stack.push(t))
    return r
  }
  const succ = (id: string) => outgoing.get(id)!.map((ei) => graph.edges[ei].to)
  const pred = (id: string) => incoming.get(id)!.map((ei) => graph.edges[ei].from)
  if (input && output) {
    const fromInput = reach(input.id, succ)
    const toOutput = reach(output.id, pred)
    if (!fromInput.has(output.id)) fail(output.id, `${nodeLabel(output)} is not reachable from the input; connect a path of layers from the input to it`)
    for (const id of byId.keys()) {
      if (id === input.id || id === output.id) continue
      if (!fromInput.has(id)) fail(id, `${label(id)} is not connected to the input`)
      else if (!toOutput.has(id)) fail(id, `${label(id)} does not lead to the output`)
    }
  }

  // Shapes, in topological order, for nodes without structural problems whose inputs are all known.
  const edges: (number[] | null)[] = graph.edges.map(() => null)
  if (io && acyclic) {
    if (!(io.input.length === 1 || io.input.length === 3) || io.input.some((d) => !Number.isInteger(d) || d < 1)) {
      fail(input?.id ?? null, `input samples of shape ${fmtShape(io.input)} are neither flat vectors [d] nor images [H, W, C]`)
    } else {
      for (const id of order) {
        const n = byId.get(id)!
        const info = nodes[id]
        const inEdges = incoming.get(id)!
        info.inputs = inEdges.map((ei) => (graph.edges[ei] ? nodes[graph.edges[ei].from].outputShape : null))
        if (nodeErrors[id]) continue
        if (n.type === 'input') {
          info.outputShape = io.input.slice()
        } else if (info.inputs.length > 0 && info.inputs.every((s) => s)) {
          const r = inferNode(n, info.inputs as number[][], inEdges.map((ei) => graph.edges[ei].from), io.outputs)
          if ('error' in r) fail(id, r.error)
          else {
            info.outputShape = r.shape
            info.params = r.params
            info.autoFlatten = r.autoFlatten
          }
        }
        for (const ei of outgoing.get(id)!) edges[ei] = info.outputShape
      }
    }
  }

  const params = Object.values(nodes).reduce((a, n) => a + n.params, 0)
  return { ok: problems.length === 0, nodes, edges, params, problems, nodeErrors, order: acyclic ? order : null }
}

/** A path start → … → start through `next`, or null if start is not on a cycle. */
function cyclePath(start: string, next: (id: string) => string[]): string[] | null {
  const prev = new Map<string, string>()
  const queue = [...next(start)]
  for (const t of queue) prev.set(t, start)
  if (next(start).includes(start)) return [start, start]
  while (queue.length) {
    const id = queue.shift()!
    for (const t of next(id)) {
      if (t === start) {
        const path = [id]
        let cur = id
        while (cur !== start) (cur = prev.get(cur)!), path.unshift(cur)
        return [...path, start]
      }
      if (!prev.has(t)) (prev.set(t, id), queue.push(t))
    }
  }
  return null
}

type NodeResult = { shape: number[]; params: number; autoFlatten: boolean } | { error: string }

function inferNode(n: GraphNode, ins: number[][], from: string[], outputUnits: number): NodeResult {
  const p = resolveParams(n)
  const name = nodeLabel(n)
  const ok = (shape: number[], params = 0, autoFlatten = false): NodeResult => ({ shape, params, autoFlatten })
  const x = ins[0]
  const flat = (s: number[]) => [s.reduce((a, b) => a * b, 1)]
  switch (n.type) {
    case 'dense':
    case 'output': {
      const units = n.type === 'output' ? outputUnits : p.units
      if (units === null) return { error: `${name} needs a number of units` }
      const auto = x.length === 3
      const d = flat(x)[0]
      return ok([units], d * units + units, auto)
    }
    case 'conv2d':
    case 'maxpool2d':
    case 'avgpool2d': {
      if (x.length !== 3) return { error: `${name} needs an image input [H, W, C], but its input is flat ${fmtShape(x)}; put conv and pooling layers before the first flatten or dense layer, on an image dataset` }
      const [h, w, c] = x
      const conv = n.type === 'conv2d'
      if (conv && p.filters === null) return { error: `${name} needs a number of filters` }
      const k = conv ? p.kernelSize : p.poolSize
      const what = conv ? `kernel ${k}×${k}` : `pool window ${k}×${k}`
      if (p.padding === 'valid' && (k > h || k > w)) return { error: `${name}: ${what} is larger than its input ${fmtShape(x)}; use a smaller ${conv ? 'kernelSize' : 'poolSize'} or padding 'same'` }
      const oh = windowOutput(h, k, p.strides, p.padding)
      const ow = windowOutput(w, k, p.strides, p.padding)
      if (oh < 1 || ow < 1) return { error: `${name}: the output would be ${Math.max(oh, 0)}×${Math.max(ow, 0)} (input ${fmtShape(x)}, ${what}, strides ${p.strides}, padding ${p.padding})` }
      return conv ? ok([oh, ow, p.filters!], k * k * c * p.filters! + p.filters!) : ok([oh, ow, c])
    }
    case 'flatten':
      return ok(flat(x))
    case 'dropout':
    case 'activation':
      return ok(x.slice())
    case 'batchnorm':
      return ok(x.slice(), 4 * x[x.length - 1])
    case 'add': {
      const bad = ins.findIndex((s) => fmtShape(s) !== fmtShape(x))
      if (bad >= 0) return { error: `${name} needs inputs of one shape, but gets ${fmtShape(x)} from "${from[0]}" and ${fmtShape(ins[bad])} from "${from[bad]}"` }
      return ok(x.slice())
    }
    case 'concatenate': {
      const badRank = ins.findIndex((s) => s.length !== x.length)
      if (badRank >= 0) return { error: `${name} cannot join ${fmtShape(x)} from "${from[0]}" with ${fmtShape(ins[badRank])} from "${from[badRank]}": one is an image, the other flat; add a flatten node first` }
      const axis = p.axis === -1 ? x.length - 1 : p.axis - 1
      if (axis < 0 || axis >= x.length) return { error: `${name}: axis ${p.axis} does not exist for inputs ${fmtShape(x)} (use 1…${x.length}, or -1 for the last)` }
      for (let k = 1; k < ins.length; k++) {
        const s = ins[k]
        if (s.some((d, j) => j !== axis && d !== x[j])) {
          return { error: `${name} along axis ${axis + 1} needs inputs equal on the other axes, but gets ${fmtShape(x)} from "${from[0]}" and ${fmtShape(s)} from "${from[k]}"` }
        }
      }
      const shape = x.slice()
      shape[axis] = ins.reduce((a, s) => a + s[axis], 0)
      return ok(shape)
    }
    case 'input':
      return ok(x.slice())
  }
}
