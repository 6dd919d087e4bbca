/**
 * Compiling a neurashed graph (seed 001 §2) into index arrays: nodes in level order, dependents as CSR, firing
 * rules as codes, the η edges (level L−1 → class node), and every sample type's feature pathway. Pathways do
 * not depend on the parameters, so they are computed once here. Validation collects every problem with a
 * readable message instead of stopping at the first.
 */
import type { NeurashedGraph } from '../studies/neurashedGraph'

export const RULE_OR = 0
export const RULE_AND = 1
export const RULE_AT_LEAST = 2
export const RULE_TABLE = 3

export interface CompiledSample {
  id: string
  name: string
  weight: number
  /** Class index (position of the firing class node among the level-L nodes). */
  label: number
  /** Firing nodes in level order (the feature pathway). */
  pathway: Int32Array
  /** η edges whose two endpoints both fire for this sample (for the co-firing η rule). */
  coEta: Int32Array
}

export interface CompiledGraph {
  graph: NeurashedGraph
  levels: number
  n: number
  ids: string[]
  indexOf: Map<string, number>
  /** 1-based level per node. */
  level: Int32Array
  /** Node indices sorted by level (stable): a topological order from inputs to classes. */
  order: Int32Array
  /** Dependents (one level below) of node i: dep[depStart[i] .. depStart[i+1]), in edge order. */
  depStart: Int32Array
  dep: Int32Array
  ruleKind: Uint8Array
  ruleK: Int32Array
  /** Truth tables as sets of bit patterns (bit d = the d-th dependent fires). */
  tables: (Set<number> | null)[]
  /** Level-L nodes in graph order; the class index is the position here. */
  classNodes: Int32Array
  /** Node → class index, or −1. */
  classOf: Int32Array
  /** η edges: from a level-(L−1) node to a class node. */
  etaFrom: Int32Array
  etaClass: Int32Array
  /** η edges into class k: classEta[classEtaStart[k] .. classEtaStart[k+1]). */
  classEtaStart: Int32Array
  classEta: Int32Array
  samples: CompiledSample[]
}

export interface GraphCheck {
  errors: string[]
  warnings: string[]
}

export class NeurashedGraphError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid neurashed graph: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`)
  }
}

const MAX_LISTED = 8
const list = (names: string[]) => names.slice(0, MAX_LISTED).join(', ') + (names.length > MAX_LISTED ? ` … (${names.length} in all)` : '')

/** Structural checks that do not need firing (ids, levels, edges, rules). */
function checkStructure(g: NeurashedGraph, errors: string[], warnings: string[]): Map<string, number> {
  const indexOf = new Map<string, number>()
  g.nodes.forEach((node, i) => {
    if (indexOf.has(node.id)) errors.push(`node id "${node.id}" is used twice`)
    else indexOf.set(node.id, i)
    if (node.level > g.levels) errors.push(`node "${node.id}" is on level ${node.level}, but the graph has ${g.levels} levels`)
  })
  const perLevel = new Array<number>(g.levels + 1).fill(0)
  for (const node of g.nodes) if (node.level <= g.levels) perLevel[node.level]++
  for (let l = 1; l <= g.levels; l++) if (perLevel[l] === 0) errors.push(l === g.levels ? `level ${l} (the class level) has no nodes` : `level ${l} has no nodes`)
  const seen = new Set<string>()
  g.edges.forEach((e, i) => {
    const a = indexOf.get(e.from)
    const b = indexOf.get(e.to)
    if (a === undefined) errors.push(`edge ${i + 1} (${e.from} → ${e.to}): unknown node "${e.from}"`)
    if (b === undefined) errors.push(`edge ${i + 1} (${e.from} → ${e.to}): unknown node "${e.to}"`)
    if (a === undefined || b === undefined) return
    const la = g.nodes[a].level
    const lb = g.nodes[b].level
    if (la !== lb + 1) errors.push(`edge ${e.from} → ${e.to} joins level ${la} to level ${lb}; an edge must go from a node to a dependent exactly one level below`)
    const key = `${e.from}\u0000${e.to}`
    if (seen.has(key)) errors.push(`edge ${e.from} → ${e.to} appears twice`)
    seen.add(key)
  })
  return indexOf
}

/** Compile without throwing: the compiled graph (when there are no errors) and every problem found. */
export function checkGraph(g: NeurashedGraph): GraphCheck & { compiled: CompiledGraph | null } {
  const errors: string[] = []
  const warnings: string[] = []
  const indexOf = checkStructure(g, errors, warnings)
  if (errors.length) return { errors, warnings, compiled: null }

  const n = g.nodes.length
  const L = g.levels
  const level = Int32Array.from(g.nodes, (x) => x.level)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => level[a] - level[b] || a - b)
  const depCount = new Int32Array(n + 1)
  for (const e of g.edges) depCount[indexOf.get(e.from)! + 1]++
  const depStart = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) depStart[i + 1] = depStart[i] + depCount[i + 1]
  const dep = new Int32Array(g.edges.length)
  const fill = depStart.slice(0, n)
  for (const e of g.edges) dep[fill[indexOf.get(e.from)!]++] = indexOf.get(e.to)!

  const ruleKind = new Uint8Array(n)
  const ruleK = new Int32Array(n)
  const tables: (Set<number> | null)[] = new Array(n).fill(null)
  const noDeps: string[] = []
  g.nodes.forEach((node, i) => {
    const deps = depStart[i + 1] - depStart[i]
    if (node.level === 1) {
      if (node.rule) warnings.push(`node "${node.id}" is on level 1: its firing rule is ignored (level 1 fires from the input)`)
      return
    }
    if (deps === 0) noDeps.push(node.id)
    const rule = node.rule ?? { kind: 'or' as const }
    if (rule.kind === 'and') ruleKind[i] = RULE_AND
    else if (rule.kind === 'atLeast') {
      ruleKind[i] = RULE_AT_LEAST
      ruleK[i] = rule.k
      if (rule.k > deps) warnings.push(`node "${node.id}" fires when at least ${rule.k} dependents fire, but it has ${deps}: it never fires`)
    } else if (rule.kind === 'table') {
      ruleKind[i] = RULE_TABLE
      const set = new Set<number>()
      for (const pattern of rule.fires) {
        if (pattern.length !== deps) {
          errors.push(`node "${node.id}": truth-table row "${pattern}" has ${pattern.length} entries, but the node has ${deps} dependents (one 0/1 per dependent, in edge order)`)
          continue
        }
        let bits = 0
        for (let d = 0; d < deps; d++) if (pattern[d] === '1') bits |= 1 << d
        set.add(bits)
      }
      tables[i] = set
    }
  })
  if (noDeps.length) warnings.push(`${noDeps.length === 1 ? 'node' : `${noDeps.length} nodes`} above level 1 without dependents never fire: ${list(noDeps)}`)

  const classNodes = Int32Array.from(order.filter((i) => level[i] === L))
  const classOf = new Int32Array(n).fill(-1)
  classNodes.forEach((node, k) => (classOf[node] = k))
  const etaFromList: number[] = []
  const etaClassList: number[] = []
  for (let k = 0; k < classNodes.length; k++) {
    const F = classNodes[k]
    for (let p = depStart[F]; p < depStart[F + 1]; p++) {
      etaFromList.push(dep[p])
      etaClassList.push(k)
    }
  }
  const classEtaStart = new Int32Array(classNodes.length + 1)
  for (const k of etaClassList) classEtaStart[k + 1]++
  for (let k = 0; k < classNodes.length; k++) classEtaStart[k + 1] += classEtaStart[k]
  const classEta = Int32Array.from(etaClassList.keys())

  const partial = {
    graph: g, levels: L, n, ids: g.nodes.map((x) => x.id), indexOf, level, order, depStart, dep, ruleKind, ruleK, tables,
    classNodes, classOf, etaFrom: Int32Array.from(etaFromList), etaClass: Int32Array.from(etaClassList), classEtaStart, classEta, samples: []
  } satisfies CompiledGraph
  if (errors.length) return { errors, warnings, compiled: null }

  const fires = new Uint8Array(n)
  const everFires = new Uint8Array(n)
  const samples: CompiledSample[] = []
  g.samples.forEach((s, si) => {
    const label = `sample "${s.name}" (${s.id})`
    if (g.samples.findIndex((o) => o.id === s.id) !== si) errors.push(`sample id "${s.id}" is used twice`)
    fires.fill(0)
    const bad: string[] = []
    for (const id of s.fires) {
      const i = indexOf.get(id)
      if (i === undefined) bad.push(`unknown node "${id}"`)
      else if (level[i] !== 1) bad.push(`"${id}" is on level ${level[i]}, not level 1`)
      else fires[i] = 1
    }
    if (bad.length) {
      errors.push(`${label}: its level-1 firing set lists ${bad.join(', ')}`)
      return
    }
    propagate(partial, fires)
    const firingClasses = Array.from(classNodes).filter((c) => fires[c])
    if (firingClasses.length !== 1) {
      errors.push(
        firingClasses.length === 0
          ? `${label}: its pathway fires no class node (check the firing rules on its way up)`
          : `${label}: its pathway fires ${firingClasses.length} class nodes (${firingClasses.map((c) => g.nodes[c].id).join(', ')}); exactly one must fire — it is the label`
      )
      return
    }
    const pathway = Int32Array.from(order.filter((i) => fires[i]))
    for (const i of pathway) everFires[i] = 1
    const coEta: number[] = []
    for (let e = 0; e < etaFromList.length; e++) if (fires[etaFromList[e]] && fires[classNodes[etaClassList[e]]]) coEta.push(e)
    samples.push({ id: s.id, name: s.name, weight: s.weight ?? 1, label: classOf[firingClasses[0]], pathway, coEta: Int32Array.from(coEta) })
  })
  if (errors.length) return { errors, warnings, compiled: null }
  const silent = g.nodes.filter((_, i) => !everFires[i] && level[i] < L).map((x) => x.id)
  if (silent.length) warnings.push(`${silent.length === 1 ? 'node' : `${silent.length} nodes`} on no sample's pathway (they only ever shrink by g⁻): ${list(silent)}`)
  const unused = Array.from(classNodes).filter((c) => !everFires[c]).map((c) => g.nodes[c].id)
  if (unused.length) warnings.push(`class ${unused.length === 1 ? 'node' : 'nodes'} with no sample type: ${list(unused)}`)
  return { errors, warnings, compiled: { ...partial, samples } }
}

/** Compile a graph; throws NeurashedGraphError listing every problem. */
export function compileGraph(g: NeurashedGraph): CompiledGraph {
  const r = checkGraph(g)
  if (!r.compiled) throw new NeurashedGraphError(r.errors)
  return r.compiled
}

/** Fire every node above level 1 from the level-1 states already set in `fires` (in place, level order). */
export function propagate(c: Pick<CompiledGraph, 'order' | 'level' | 'depStart' | 'dep' | 'ruleKind' | 'ruleK' | 'tables'>, fires: Uint8Array): Uint8Array {
  for (const i of c.order) {
    if (c.level[i] === 1) continue
    const start = c.depStart[i]
    const end = c.depStart[i + 1]
    const kind = c.ruleKind[i]
    let count = 0
    let bits = 0
    for (let p = start; p < end; p++) {
      if (fires[c.dep[p]]) {
        count++
        if (kind === RULE_TABLE) bits |= 1 << (p - start)
      }
    }
    let on: boolean
    if (kind === RULE_OR) on = count > 0
    else if (kind === RULE_AND) on = end > start && count === end - start
    else if (kind === RULE_AT_LEAST) on = count >= c.ruleK[i]
    else on = c.tables[i]!.has(bits)
    fires[i] = on ? 1 : 0
  }
  return fires
}

/** The pathway (firing node indices, level order) of a set of firing level-1 node ids. */
export function pathwayOf(c: CompiledGraph, level1: readonly string[]): Int32Array {
  const fires = new Uint8Array(c.n)
  for (const id of level1) {
    const i = c.indexOf.get(id)
    if (i === undefined) throw new Error(`unknown node "${id}"`)
    if (c.level[i] !== 1) throw new Error(`node "${id}" is not on level 1`)
    fires[i] = 1
  }
  propagate(c, fires)
  return Int32Array.from(c.order.filter((i) => fires[i]))
}

/**
 * The pathway of a pixel input: the k-th level-1 node (graph order) reads pixel k and fires when it exceeds
 * the threshold.
 */
export function pathwayFromPixels(c: CompiledGraph, pixels: ArrayLike<number>, threshold: number): Int32Array {
  const inputs = c.graph.nodes.map((x, i) => (x.level === 1 ? i : -1)).filter((i) => i >= 0)
  if (pixels.length !== inputs.length) throw new Error(`the input has ${pixels.length} pixels, but the graph has ${inputs.length} level-1 nodes`)
  const fires = new Uint8Array(c.n)
  inputs.forEach((node, k) => (fires[node] = pixels[k] > threshold ? 1 : 0))
  propagate(c, fires)
  return Int32Array.from(c.order.filter((i) => fires[i]))
}
