/**
 * The template graphs of the neurashed experiments (spec neurashed.md, experiments 1–4). Node ids are short,
 * labels say what the node stands for; `x` places nodes in their level row for the editor.
 */
import type { FiringRule, NeurashedGraph, NeurashedNode, UpdateRule } from '../studies/neurashedGraph'
import { LAYOUT_COLUMN } from '../studies/neurashedGraph'

/** A node placed at column `column` of its level row (x in layout pixels). */
const node = (id: string, level: number, column: number, rule?: FiringRule, extra: Partial<NeurashedNode> = {}): NeurashedNode => ({ id, level, x: column * LAYOUT_COLUMN, ...(rule ? { rule } : {}), ...extra })
const OR: FiringRule = { kind: 'or' }
const AND: FiringRule = { kind: 'and' }
const atLeast = (k: number): FiringRule => ({ kind: 'atLeast', k })
const edgesTo = (from: string, deps: string[]) => deps.map((to) => ({ from, to }))

/**
 * Seed 001, Figs 1–2: 4 levels, 3 classes; class 1 has two sample types 1a / 1b with nearly the same pathway,
 * class 2 shares low-level features with class 1, class 3 shares nothing. Pathways: 1a a1 a2 a3 → b1 b2 → c1 c2;
 * 1b a2 a3 a4 → b2 b3 → c1 c2; 2 a3 a4 a5 a6 → b3 b4 → c2 c3; 3 a7 a8 a9 → b5 b6 → c4. Types 2 and 3 have
 * weight 2 so every class is seen equally often (otherwise class 1 wins the shared c2 and sample 2 is misclassified).
 */
export function referenceGraph(): NeurashedGraph {
  const a = Array.from({ length: 9 }, (_, i) => node(`a${i + 1}`, 1, i))
  return {
    levels: 4,
    nodes: [
      ...a,
      node('b1', 2, 0, AND), node('b2', 2, 1.5, AND), node('b3', 2, 3, AND), node('b4', 2, 4.5, AND), node('b5', 2, 6.5, AND), node('b6', 2, 8, AND),
      node('c1', 3, 0.5, OR), node('c2', 3, 2.5, OR), node('c3', 3, 4.5, AND), node('c4', 3, 7.5, OR),
      node('F1', 4, 1.5, AND, { label: 'class 1' }), node('F2', 4, 4, AND, { label: 'class 2' }), node('F3', 4, 7.5, OR, { label: 'class 3' })
    ],
    edges: [
      ...edgesTo('b1', ['a1', 'a2']), ...edgesTo('b2', ['a2', 'a3']), ...edgesTo('b3', ['a3', 'a4']), ...edgesTo('b4', ['a5', 'a6']),
      ...edgesTo('b5', ['a7', 'a8']), ...edgesTo('b6', ['a8', 'a9']),
      ...edgesTo('c1', ['b1', 'b2']), ...edgesTo('c2', ['b2', 'b3']), ...edgesTo('c3', ['b3', 'b4']), ...edgesTo('c4', ['b5', 'b6']),
      ...edgesTo('F1', ['c1', 'c2']), ...edgesTo('F2', ['c2', 'c3']), ...edgesTo('F3', ['c4'])
    ],
    samples: [
      { id: '1a', name: '1a', fires: ['a1', 'a2', 'a3'] },
      { id: '1b', name: '1b', fires: ['a2', 'a3', 'a4'] },
      { id: '2', name: '2', fires: ['a3', 'a4', 'a5', 'a6'], weight: 2 },
      { id: '3', name: '3', fires: ['a7', 'a8', 'a9'], weight: 2 }
    ]
  }
}

/**
 * Seed 001, Figs 3–4: one class, two pathways that share their middle nodes. With batch 1 the shared nodes
 * fire every iteration and the others half the time, so the shared ones dominate (a sparse pathway); with the
 * full batch every node fires every time and all grow alike (a dense pathway).
 */
export function implicitRegularisationGraph(): NeurashedGraph {
  return {
    levels: 3,
    nodes: [
      node('u1', 1, 0, undefined, { label: 'A only' }), node('u2', 1, 1, undefined, { label: 'A only' }),
      node('s1', 1, 2, undefined, { label: 'shared' }), node('s2', 1, 3, undefined, { label: 'shared' }), node('s3', 1, 4, undefined, { label: 'shared' }),
      node('v1', 1, 5, undefined, { label: 'B only' }), node('v2', 1, 6, undefined, { label: 'B only' }),
      node('a', 2, 0.5, OR, { label: 'A only' }), node('s', 2, 2.5, atLeast(2), { label: 'shared' }), node('t', 2, 3.5, OR, { label: 'shared' }), node('b', 2, 5.5, OR, { label: 'B only' }),
      node('F', 3, 3, OR, { label: 'the class' })
    ],
    edges: [
      ...edgesTo('a', ['u1', 'u2']), ...edgesTo('s', ['s1', 's2', 's3']), ...edgesTo('t', ['s2', 's3']), ...edgesTo('b', ['v1', 'v2']),
      ...edgesTo('F', ['a', 's', 't', 'b'])
    ],
    samples: [
      { id: 'A', name: 'pathway A', fires: ['u1', 'u2', 's1', 's2', 's3'] },
      { id: 'B', name: 'pathway B', fires: ['s1', 's2', 's3', 'v1', 'v2'] }
    ]
  }
}

/** Appendix constants of the information-bottleneck experiment. */
type MulRule = Extract<UpdateRule, { kind: 'mul' }>
export const IB_MINUS: MulRule = { kind: 'mul', factor: 1.022 ** (-1 / 4) }
export const IB_PLUS: MulRule = { kind: 'mul', factor: 1.022 ** (11 / 4) }
export const IB_PLUS_NODE7: MulRule = { kind: 'mul', factor: 1.022 ** (3 / 4) }

/**
 * Seed 001, Fig. 5 (+ appendix): 2 classes × 4 input types. Level 1 has 13 nodes; node 7 is shared by every
 * input (so it is the one with the slower g⁺). Class 1 fires (1,2,7), (2,3,7), (4,5,7), (5,6,7); class 2 the
 * mirror images (13,12,7), (12,11,7), (10,9,7), (9,8,7). Level 2 per class: the first and third nodes fire when
 * ≥ 1 of their dependents fires (1–3, resp. 4–6), the second (dominant) when ≥ 2 of nodes 1–7 fire.
 */
export function informationBottleneckGraph(): NeurashedGraph {
  const x = (i: number) => `x${i}`
  const level1 = Array.from({ length: 13 }, (_, i) => node(x(i + 1), 1, i, undefined, i === 6 ? { label: 'node 7 (shared)', plus: IB_PLUS_NODE7 } : {}))
  const mirror = (i: number) => 14 - i
  const types1 = [[1, 2, 7], [2, 3, 7], [4, 5, 7], [5, 6, 7]]
  return {
    levels: 3,
    nodes: [
      ...level1,
      node('h1', 2, 1, OR), node('h2', 2, 3, atLeast(2), { label: 'dominant' }), node('h3', 2, 5, OR),
      node('h4', 2, 7, OR), node('h5', 2, 9, atLeast(2), { label: 'dominant' }), node('h6', 2, 11, OR),
      node('y1', 3, 3, OR, { label: 'class 1' }), node('y2', 3, 9, OR, { label: 'class 2' })
    ],
    edges: [
      ...edgesTo('h1', [1, 2, 3].map(x)), ...edgesTo('h2', [1, 2, 3, 4, 5, 6, 7].map(x)), ...edgesTo('h3', [4, 5, 6].map(x)),
      ...edgesTo('h4', [1, 2, 3].map(mirror).map(x)), ...edgesTo('h5', [1, 2, 3, 4, 5, 6, 7].map(mirror).map(x)), ...edgesTo('h6', [4, 5, 6].map(mirror).map(x)),
      ...edgesTo('y1', ['h1', 'h2', 'h3']), ...edgesTo('y2', ['h4', 'h5', 'h6'])
    ],
    samples: [
      ...types1.map((t, k) => ({ id: `1${'abcd'[k]}`, name: `class 1, type ${'abcd'[k]}`, fires: t.map(x) })),
      ...types1.map((t, k) => ({ id: `2${'abcd'[k]}`, name: `class 2, type ${'abcd'[k]}`, fires: t.map(mirror).map(x) }))
    ]
  }
}

/**
 * Slides, "Neurashed implies local elasticity": tiger (C1), cat (C2), plane (C3). Tiger and cat share 5
 * features (2 of them shared with the plane too); each class has 3 features of its own. With additive updates
 * from λ = η = 0 and equal counts, one update on a tiger changes the cat's logit by 5/2 times the plane's.
 */
export function fiveTwoGraph(): NeurashedGraph {
  const f = (id: string, x: number, label: string) => node(id, 1, x, undefined, { label })
  const all = ['s1', 's2']
  const felines = ['t1', 't2', 't3']
  const own = (p: string) => [1, 2, 3].map((i) => `${p}${i}`)
  const tiger = [...all, ...felines, ...own('a')]
  const cat = [...all, ...felines, ...own('c')]
  const plane = [...all, ...own('p')]
  return {
    levels: 2,
    nodes: [
      ...own('a').map((id, i) => f(id, i, 'tiger only')),
      ...felines.map((id, i) => f(id, 3 + i, 'tiger and cat')),
      ...own('c').map((id, i) => f(id, 6 + i, 'cat only')),
      ...all.map((id, i) => f(id, 9 + i, 'every class')),
      ...own('p').map((id, i) => f(id, 11 + i, 'plane only')),
      node('tiger', 2, 2, AND, { label: 'C1 tiger' }), node('cat', 2, 6, AND, { label: 'C2 cat' }), node('plane', 2, 11, AND, { label: 'C3 plane' })
    ],
    edges: [...edgesTo('tiger', tiger), ...edgesTo('cat', cat), ...edgesTo('plane', plane)],
    samples: [
      { id: 'tiger', name: 'tiger', fires: tiger },
      { id: 'cat', name: 'cat', fires: cat },
      { id: 'plane', name: 'plane', fires: plane }
    ]
  }
}
