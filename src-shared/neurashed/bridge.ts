/**
 * Bridge from a trained MLP to a neurashed-style view (issue 7, item 6): hidden units whose mean activation on a
 * class is high "fire" for that class; units of a layer that fire for exactly the same classes are co-active and
 * merged into one feature; hidden layer k becomes level k and the classes the top level. An edge joins two
 * features on adjacent levels that fire together for some class, and each class's pathway is the set of features
 * firing for it. How a network's units map to neurashed features is an open question of the source papers
 * (seeds 000–002): this is one plausible reading, offered as an exploration.
 *
 * The input (mean activation per class and unit) comes from the engine; `classActivationsSchema` is the shape
 * the engine method returns.
 */
import { z } from 'zod'
import type { NeurashedEdge, NeurashedGraph, NeurashedNode } from '../studies/neurashedGraph'

export const classActivationsSchema = z.strictObject({
  /** Class names in label order. */
  classes: z.array(z.string()).min(2),
  /** Samples of each class the means were taken over. */
  counts: z.array(z.number().int().min(0)).optional(),
  /** Hidden layers from the input up (the output layer excluded). `mean[c][u]`: mean activation of unit u on class c. */
  layers: z.array(z.strictObject({ name: z.string(), mean: z.array(z.array(z.number())) })).min(1)
})
export type ClassActivations = z.infer<typeof classActivationsSchema>

export interface BridgeOptions {
  /**
   * When a unit fires for a class. `quantile`: its class mean is at or above the q-quantile of all class means of
   * its layer (scale-free, so ReLU and tanh layers compare); `absolute`: at or above `value`. Never for a mean ≤ 0.
   */
  threshold: { kind: 'quantile'; q: number } | { kind: 'absolute'; value: number }
  /** Merge the units of a layer that fire for exactly the same classes into one feature (default true). */
  mergeCoactive?: boolean
}

export interface BridgeFeature {
  id: string
  /** 1 = the first hidden layer. */
  level: number
  /** Units of the layer that make up this feature. */
  units: number[]
  /** Classes (indices) it fires for. */
  classes: number[]
  /** Mean activation of its units over the classes it fires for: its size in the drawing, standing in for λ. */
  strength: number
}

export interface BridgeResult {
  graph: NeurashedGraph
  features: BridgeFeature[]
  /** Per class (by index): the ids of the features firing for it, class node included. */
  pathways: string[][]
  /** Per class: whether the graph's OR rules, started from the class's level-1 features, give back exactly its pathway. */
  consistent: boolean[]
  /** Jaccard similarity of the classes' firing units over all hidden layers (classes × classes). */
  similarity: number[][]
  /** Units firing for no class, per layer (left out of the graph). */
  silentUnits: number[]
  notes: string[]
}

function check(acts: ClassActivations, opts: BridgeOptions): void {
  // Shapes and values first, in words a researcher reads; then the schema for anything else.
  const k = Array.isArray(acts?.classes) ? acts.classes.length : 0
  const layers = Array.isArray(acts?.layers) && k ? acts.layers : []
  layers.forEach((l, li) => {
    if (!Array.isArray(l?.mean) || !l.mean.every(Array.isArray)) return
    if (l.mean.length !== k) throw new Error(`layer ${li + 1} (${l.name}) has means for ${l.mean.length} classes, expected ${k}`)
    const units = l.mean[0].length
    if (units === 0) throw new Error(`layer ${li + 1} (${l.name}) has no units`)
    l.mean.forEach((row, c) => {
      if (row.length !== units) throw new Error(`layer ${li + 1} (${l.name}): class ${acts.classes[c]} has ${row.length} unit means, class ${acts.classes[0]} has ${units}`)
      if (row.some((v) => !Number.isFinite(v))) throw new Error(`layer ${li + 1} (${l.name}): class ${acts.classes[c]} has a non-finite mean activation`)
    })
  })
  const parsed = classActivationsSchema.safeParse(acts)
  if (!parsed.success) throw new Error(`class activations: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const t = opts.threshold
  if (t.kind === 'quantile' && !(t.q >= 0 && t.q < 1)) throw new Error(`the threshold quantile must be in [0, 1), got ${t.q}`)
  if (t.kind === 'absolute' && !Number.isFinite(t.value)) throw new Error('the absolute threshold must be a number')
}

/** The activation a unit's class mean must reach to fire, for one layer. */
function layerThreshold(mean: number[][], t: BridgeOptions['threshold']): number {
  if (t.kind === 'absolute') return t.value
  const all = mean.flat().sort((a, b) => a - b)
  return all[Math.floor(t.q * (all.length - 1))]
}

/** Which classes each unit of a layer fires for (unit × class). */
export function firingMatrix(mean: number[][], t: BridgeOptions['threshold']): boolean[][] {
  const thr = layerThreshold(mean, t)
  return mean[0].map((_, u) => mean.map((row) => row[u] > 0 && row[u] >= thr))
}

export function buildBridgeGraph(acts: ClassActivations, opts: BridgeOptions): BridgeResult {
  check(acts, opts)
  const K = acts.classes.length
  const H = acts.layers.length
  const merge = opts.mergeCoactive ?? true
  const features: BridgeFeature[] = []
  const silentUnits: number[] = []
  const unitSets: Set<string>[] = acts.classes.map(() => new Set())

  acts.layers.forEach((layer, li) => {
    const fires = firingMatrix(layer.mean, opts.threshold)
    const groups = new Map<string, number[]>()
    let silent = 0
    fires.forEach((row, u) => {
      if (!row.some(Boolean)) return void silent++
      row.forEach((f, c) => f && unitSets[c].add(`${li}:${u}`))
      const key = merge ? row.map((f) => (f ? '1' : '0')).join('') : `u${u}`
      groups.set(key, [...(groups.get(key) ?? []), u])
    })
    silentUnits.push(silent)
    let n = 0
    for (const units of groups.values()) {
      const classes = [...Array(K).keys()].filter((c) => fires[units[0]][c])
      let sum = 0
      for (const u of units) for (const c of classes) sum += layer.mean[c][u]
      features.push({ id: `h${li + 1}_${++n}`, level: li + 1, units, classes, strength: sum / (units.length * classes.length) })
    }
  })

  const classIds = acts.classes.map((_, c) => `class${c + 1}`)
  const nodes: NeurashedNode[] = [
    ...features.map((f) => ({ id: f.id, level: f.level, label: unitLabel(f.units) })),
    ...acts.classes.map((name, c) => ({ id: classIds[c], level: H + 1, label: name.slice(0, 80) }))
  ]
  const edges: NeurashedEdge[] = []
  const byLevel = (l: number) => features.filter((f) => f.level === l)
  for (let l = 2; l <= H; l++)
    for (const up of byLevel(l)) for (const down of byLevel(l - 1)) if (up.classes.some((c) => down.classes.includes(c))) edges.push({ from: up.id, to: down.id })
  for (let c = 0; c < K; c++) for (const f of byLevel(H)) if (f.classes.includes(c)) edges.push({ from: classIds[c], to: f.id })

  const pathways = acts.classes.map((_, c) => [...features.filter((f) => f.classes.includes(c)).map((f) => f.id), classIds[c]])
  const notes: string[] = []
  const samples = acts.classes.flatMap((name, c) => {
    const fires = byLevel(1).filter((f) => f.classes.includes(c)).map((f) => f.id)
    if (!fires.length) notes.push(`class ${name}: no unit of the first hidden layer fires, so it has no sample type`)
    return fires.length ? [{ id: `s${c + 1}`, name: name.slice(0, 80) || `class ${c + 1}`, fires }] : []
  })
  for (let l = 1; l <= H; l++) if (!byLevel(l).length) notes.push(`hidden layer ${l} (${acts.layers[l - 1].name}): no unit fires for any class at this threshold`)
  const graph: NeurashedGraph = { levels: H + 1, nodes, edges, samples }

  const consistent = pathways.map((p, c) => {
    const got = orPathway(graph, new Set(byLevel(1).filter((f) => f.classes.includes(c)).map((f) => f.id)))
    return got.size === p.length && p.every((id) => got.has(id))
  })
  const similarity = unitSets.map((a) => unitSets.map((b) => jaccard(a, b)))
  return { graph, features, pathways, consistent, similarity, silentUnits, notes }
}

/** The firing nodes when every node above level 1 fires if any dependent fires (the bridge graph's rule). */
function orPathway(graph: NeurashedGraph, level1: Set<string>): Set<string> {
  const level = new Map(graph.nodes.map((n) => [n.id, n.level]))
  const on = new Set(level1)
  for (let l = 2; l <= graph.levels; l++) for (const e of graph.edges) if (on.has(e.to) && level.get(e.from) === l) on.add(e.from)
  return on
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1
  let both = 0
  for (const x of a) if (b.has(x)) both++
  return both / (a.size + b.size - both)
}

function unitLabel(units: number[]): string {
  const shown = units.slice(0, 3).map((u) => `u${u}`).join(',')
  return units.length > 3 ? `${shown}+${units.length - 3}` : shown
}
