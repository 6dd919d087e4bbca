/**
 * The local elasticity probe (He & Su, ICLR 2020; spec `local-elasticity.md`): on a fixed seeded subset of the
 * training points, the exact LE (S_rel for one output) from the first `basePoints` of them to all of them, and
 * optionally the first-order S_ker; the locality index summarises each probe.
 */
import { z } from 'zod'
import { defineProbe } from './descriptor'

export const localElasticityParams = z
  .strictObject({
    /** Base points: the first of the test points (each takes one SGD step). */
    basePoints: z.number().int().min(1).max(1000),
    /** Test points: a fixed seeded subset of the training points, re-predicted after each step. */
    testPoints: z.number().int().min(2).max(10_000),
    gamma: z.number().gt(0).max(10),
    /** Also the first-order kernel S_ker from per-example gradients (one backward pass per test point and output). */
    kernel: z.boolean(),
    /** Neighbours in the locality index (mean LE to the k nearest same-class points ÷ mean LE to the rest). */
    k: z.number().int().min(1).max(1000)
  })
  .refine((p) => p.basePoints <= p.testPoints, { path: ['basePoints'], message: 'the base points are taken from the test points: at most testPoints' })

export const localElasticityProbe = defineProbe({
  id: 'local-elasticity',
  title: 'Local elasticity',
  summary: 'How much one SGD step on a training point moves the predictions on others: exact LE from base points to test points, and the locality index.',
  source: 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020',
  paramsSchema: localElasticityParams,
  defaults: { basePoints: 20, testPoints: 500, gamma: 0.01, kernel: false, k: 10 },
  defaultEvery: 5,
  fields: {
    basePoints: { label: 'Base points', help: 'Points that each take one SGD step (the first of the test points).', unit: 'points', group: 'Probes' },
    testPoints: { label: 'Test points', help: 'A fixed seeded subset of the training points, all re-predicted in one batched pass per base point.', unit: 'points', group: 'Probes' },
    gamma: { label: 'Probe step γ', help: 'Step size of the probe\'s SGD step; tripled while the step changes the output by less than float precision (the reference code\'s rule).', group: 'Probes' },
    kernel: { label: 'First-order kernel S_ker', help: 'Also ⟨∂f(x′)/∂w, ∂f(x)/∂w⟩ along the loss gradient (the NTK at the current weights) from per-example gradients: slower.', group: 'Probes' },
    k: { label: 'Locality neighbours (k)', help: 'Locality index: mean LE to the k nearest same-class test points ÷ mean LE to the rest (> 1 = locally elastic).', group: 'Probes' }
  },
  outputs: [
    { id: 'locality', kind: 'scalars', keys: ['local-elasticity/locality'], title: 'Elasticity locality index', help: 'Mean LE to the k nearest same-class points ÷ mean LE to the rest; > 1 = locally elastic.' },
    { id: 'matrix', kind: 'custom', panel: 'elasticity-rows', seriesKey: 'local-elasticity/matrix', title: 'LE from the base points' }
  ]
})
