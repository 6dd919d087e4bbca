/**
 * What the editor and the live view need from the neurashed model: the feature pathway of a level-1 firing set,
 * the class nodes it reaches, and the graph's problems. Pathways come from the shared model
 * (`src-shared/neurashed/model.ts`, the code the engine runs), so the editor and the engine never disagree; while
 * the structure does not compile yet (e.g. a truth table of the wrong width mid-edit) a local propagation with the
 * same semantics keeps the highlighting alive. Per-node problems are found here so the editor can mark the node.
 */
import { checkGraph, pathwayOf as compiledPathway, type CompiledGraph } from '../../../src-shared/neurashed/model'
import type { FiringRule, NeurashedGraph, NeurashedNode } from '../../../src-shared/studies/neurashedGraph'

export interface GraphProblem {
  message: string
  nodeId?: string
  edgeIndex?: number
}

/** Dependents (one level below) of every node, in edge order. */
export function dependentsOf(graph: NeurashedGraph): Map<string, string[]> {
  const deps = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]))
  for (const e of graph.edges) deps.get(e.from)?.push(e.to)
  return deps
}

function fires(rule: FiringRule | undefined, pattern: boolean[]): boolean {
  const count = pattern.filter(Boolean).length
  switch (rule?.kind ?? 'or') {
    case 'or':
      return count >= 1
    case 'and':
      return pattern.length > 0 && count === pattern.length
    case 'atLeast':
      return count >= (rule as { k: number }).k
    case 'table': {
      const key = pattern.map((b) => (b ? '1' : '0')).join('')
      return (rule as { fires: string[] }).fires.includes(key)
    }
  }
}

/** The graph's structure compiled by the shared model (sample types left out), or null while it has errors. */
export function compileStructure(graph: NeurashedGraph): CompiledGraph | null {
  return checkGraph({ ...graph, samples: [] }).compiled
}

/** The engine's verdict on the whole graph: errors (it cannot run) and warnings. */
export function engineCheck(graph: NeurashedGraph): { errors: string[]; warnings: string[] } {
  const { errors, warnings } = checkGraph(graph)
  return { errors, warnings }
}

/** The firing nodes (the feature pathway) of an input whose firing level-1 nodes are `level1`. */
export function pathwayOf(graph: NeurashedGraph, level1: Iterable<string>, compiled: CompiledGraph | null = compileStructure(graph)): Set<string> {
  if (!compiled) return localPathway(graph, level1)
  const ids = [...level1].filter((id) => {
    const i = compiled.indexOf.get(id)
    return i !== undefined && compiled.level[i] === 1
  })
  return new Set(Array.from(compiledPathway(compiled, ids), (i) => compiled.ids[i]))
}

function localPathway(graph: NeurashedGraph, level1: Iterable<string>): Set<string> {
  const deps = dependentsOf(graph)
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const on = new Set<string>()
  for (const id of level1) if (byId.get(id)?.level === 1) on.add(id)
  for (let level = 2; level <= graph.levels; level++) {
    for (const n of graph.nodes) {
      if (n.level !== level) continue
      const pattern = (deps.get(n.id) ?? []).map((d) => on.has(d))
      if (fires(n.rule, pattern)) on.add(n.id)
    }
  }
  return on
}

/** The class nodes (top level) in a pathway. */
export function firingClasses(graph: NeurashedGraph, pathway: Set<string>): NeurashedNode[] {
  return graph.nodes.filter((n) => n.level === graph.levels && pathway.has(n.id))
}

/** Consistency of one sample type: exactly one class node must fire (its label). */
export function sampleProblem(graph: NeurashedGraph, pathway: Set<string>): string | null {
  const classes = firingClasses(graph, pathway)
  const name = (n: NeurashedNode) => n.label || n.id
  if (classes.length === 0) return 'no class node fires: this input has no label'
  if (classes.length > 1) return `several class nodes fire (${classes.map(name).join(', ')}): the label is ambiguous`
  return null
}

/** Structural problems of the graph, each tied to a node or an edge where it has one. */
export function graphProblems(graph: NeurashedGraph): GraphProblem[] {
  const out: GraphProblem[] = []
  const byId = new Map<string, NeurashedNode>()
  for (const n of graph.nodes) {
    if (byId.has(n.id)) out.push({ message: `two nodes have the id "${n.id}"`, nodeId: n.id })
    byId.set(n.id, n)
    if (n.level > graph.levels) out.push({ message: `node "${n.id}" is on level ${n.level}, above the top level ${graph.levels}`, nodeId: n.id })
  }
  graph.edges.forEach((e, i) => {
    const a = byId.get(e.from)
    const b = byId.get(e.to)
    if (!a || !b) out.push({ message: `edge ${e.from} → ${e.to} names an unknown node`, edgeIndex: i })
    else if (a.level !== b.level + 1) out.push({ message: `edge ${e.from} → ${e.to} does not go one level down (levels ${a.level} → ${b.level})`, edgeIndex: i })
  })
  const deps = dependentsOf(graph)
  for (const n of graph.nodes) {
    if (n.level === 1) continue
    const d = deps.get(n.id)?.length ?? 0
    if (d === 0) out.push({ message: `node "${n.id}" (level ${n.level}) has no dependents, so it never fires`, nodeId: n.id })
    else if (n.rule?.kind === 'atLeast' && n.rule.k > d) out.push({ message: `node "${n.id}" needs at least ${n.rule.k} of its ${d} dependents: it never fires`, nodeId: n.id })
    else if (n.rule?.kind === 'table') {
      const wrong = n.rule.fires.find((p) => p.length !== d)
      if (wrong !== undefined) out.push({ message: `truth table of "${n.id}": pattern "${wrong}" has ${wrong.length} digits, the node has ${d} dependents`, nodeId: n.id })
    }
  }
  for (let level = 1; level <= graph.levels; level++)
    if (!graph.nodes.some((n) => n.level === level)) out.push({ message: `level ${level} has no nodes` })
  for (const s of graph.samples) {
    const bad = s.fires.filter((id) => byId.get(id)?.level !== 1)
    if (bad.length) out.push({ message: `sample type "${s.name}" lists ${bad.join(', ')}, which ${bad.length === 1 ? 'is not a level-1 node' : 'are not level-1 nodes'}` })
    if (!s.fires.length) out.push({ message: `sample type "${s.name}" has no firing level-1 node: click level-1 nodes to choose them` })
  }
  return out
}
