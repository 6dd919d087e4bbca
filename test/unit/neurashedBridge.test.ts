/** The bridge from per-class hidden activations of an MLP to a neurashed-style graph (src-shared/neurashed/bridge.ts). */
import { describe, expect, it } from 'vitest'
import { buildBridgeGraph, firingMatrix, type ClassActivations } from '../../src-shared/neurashed/bridge'
import { neurashedGraphSchema } from '../../src-shared/studies/neurashedGraph'
import { pathwayOf } from '../../src-renderer/studies/neurashed/modelAdapter'

/**
 * Three classes, two hidden layers. With the absolute threshold 2:
 * layer 1: u0 fires for A,B; u1 for A; u2 for B,C; u3 for none; u4 like u0 (A,B).
 * layer 2: u0 fires for A,B; u1 for B,C; u2 for A.
 */
function acts(): ClassActivations {
  return {
    classes: ['A', 'B', 'C'],
    layers: [
      { name: 'dense1', mean: [[5, 5, 0, 1, 3], [5, 0, 4, 1, 3], [0, 0, 4, 0.5, 0]] },
      { name: 'dense2', mean: [[3, 0, 3], [3, 3, 0], [0, 3, 0]] }
    ]
  }
}
const abs2 = { threshold: { kind: 'absolute' as const, value: 2 } }
const classesOf = (r: ReturnType<typeof buildBridgeGraph>, level: number) =>
  r.features.filter((f) => f.level === level).map((f) => ({ units: f.units, classes: f.classes.map((c) => 'ABC'[c]).join('') }))

describe('neurashed bridge', () => {
  it('thresholds units into firing sets, merges co-active units, and leaves silent units out', () => {
    const r = buildBridgeGraph(acts(), abs2)
    expect(classesOf(r, 1)).toEqual([
      { units: [0, 4], classes: 'AB' },
      { units: [1], classes: 'A' },
      { units: [2], classes: 'BC' }
    ])
    expect(classesOf(r, 2)).toEqual([
      { units: [0], classes: 'AB' },
      { units: [1], classes: 'BC' },
      { units: [2], classes: 'A' }
    ])
    expect(r.silentUnits).toEqual([1, 0])
    // Strength: mean over the feature's units and classes (u0 and u4 on A and B: (5+5+3+3)/4).
    expect(r.features[0].strength).toBe(4)
    // Without merging every firing unit is its own feature.
    expect(buildBridgeGraph(acts(), { ...abs2, mergeCoactive: false }).features.filter((f) => f.level === 1)).toHaveLength(4)
  })

  it('joins features that fire together for some class, builds one pathway and sample type per class, and is a valid graph', () => {
    const r = buildBridgeGraph(acts(), abs2)
    expect(neurashedGraphSchema.safeParse(r.graph).success).toBe(true)
    expect(r.graph.levels).toBe(3)
    const id = (level: number, classes: string) => r.features.find((f) => f.level === level && f.classes.map((c) => 'ABC'[c]).join('') === classes)!.id
    const has = (from: string, to: string) => r.graph.edges.some((e) => e.from === from && e.to === to)
    expect(has(id(2, 'A'), id(1, 'AB'))).toBe(true) // share A
    expect(has(id(2, 'A'), id(1, 'BC'))).toBe(false) // share nothing
    expect(has(id(2, 'BC'), id(1, 'AB'))).toBe(true) // share B
    expect(has('class3', id(2, 'BC'))).toBe(true)
    expect(has('class3', id(2, 'AB'))).toBe(false)
    expect(r.pathways[0].sort()).toEqual([id(1, 'AB'), id(1, 'A'), id(2, 'AB'), id(2, 'A'), 'class1'].sort())
    expect(r.graph.samples.map((s) => s.fires)).toEqual([[id(1, 'AB'), id(1, 'A')], [id(1, 'AB'), id(1, 'BC')], [id(1, 'BC')]])
    // With OR rules the shared feature AB lets class A's input reach BC on level 2 too: not its observed pathway.
    expect(r.consistent).toEqual([false, false, false])
    expect(pathwayOf(r.graph, r.graph.samples[0].fires).has(id(2, 'BC'))).toBe(true)
    // A and B share u0 on both layers (and u4 on layer 1) out of A's 5 and B's 5 firing units: Jaccard 3/7.
    expect(r.similarity[0][1]).toBeCloseTo(3 / 7, 12)
    expect(r.similarity[0][0]).toBe(1)
  })

  it('disjoint class pathways are consistent with the OR rules', () => {
    const a: ClassActivations = { classes: ['x', 'y'], layers: [{ name: 'h', mean: [[1, 0], [0, 1]] }, { name: 'h2', mean: [[2, 0, 0], [0, 2, 0]] }] }
    const r = buildBridgeGraph(a, { threshold: { kind: 'quantile', q: 0.5 } })
    expect(r.consistent).toEqual([true, true])
    for (const [c, s] of r.graph.samples.entries()) expect([...pathwayOf(r.graph, s.fires)].sort()).toEqual([...r.pathways[c]].sort())
    expect(r.similarity[0][1]).toBe(0)
  })

  it('the quantile threshold is scale-free per layer, the absolute one is not', () => {
    const mean = [[1, 2, 3, 4], [4, 3, 2, 1]]
    const scaled = mean.map((row) => row.map((v) => v * 100))
    const q = { kind: 'quantile' as const, q: 0.5 }
    expect(firingMatrix(scaled, q)).toEqual(firingMatrix(mean, q))
    expect(firingMatrix(mean, { kind: 'absolute', value: 5 }).flat().some(Boolean)).toBe(false)
    expect(firingMatrix(scaled, { kind: 'absolute', value: 5 }).flat().every(Boolean)).toBe(true)
    // Means ≤ 0 never fire, even when the threshold is below them (rows: units, columns: classes).
    expect(firingMatrix([[0, -1], [0, 2]], { kind: 'absolute', value: -5 })).toEqual([[false, false], [false, true]])
  })

  it('explains bad input and empty layers', () => {
    const bad = acts()
    bad.layers[1].mean[2] = [1, 2]
    expect(() => buildBridgeGraph(bad, abs2)).toThrow(/layer 2 \(dense2\): class C has 2 unit means, class A has 3/)
    const nan = acts()
    nan.layers[0].mean[1][0] = NaN
    expect(() => buildBridgeGraph(nan, abs2)).toThrow(/class B has a non-finite mean/)
    expect(() => buildBridgeGraph(acts(), { threshold: { kind: 'quantile', q: 1 } })).toThrow(/quantile must be in \[0, 1\)/)
    expect(() => buildBridgeGraph({ classes: ['only'], layers: [] } as ClassActivations, abs2)).toThrow(/class activations: classes/)
    const r = buildBridgeGraph(acts(), { threshold: { kind: 'absolute', value: 4.5 } })
    expect(r.notes.join('\n')).toMatch(/hidden layer 2 \(dense2\): no unit fires/)
    expect(r.notes.join('\n')).toMatch(/class C: no unit of the first hidden layer fires/)
  })
})
