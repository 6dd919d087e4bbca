/** A residual network graph trains end to end: real Lab, real worker thread, real SQLite (like training.test.ts). */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import type { NetworkGraph } from '../../src-shared/network'
import { graphNetwork } from '../../src-shared/studies/training'
import { adam } from '../../src-shared/training/optimizer'
import { cleanupTempDirs, openLab, runToEnd, tempDir, trainingConfig } from './helpers'

let lab: Lab
beforeAll(async () => {
  lab = await openLab(tempDir())
})
afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

/** in → d1 → d2 → add(d1, d2) → output. */
const RESIDUAL: NetworkGraph = {
  nodes: [
    { id: 'in', type: 'input', params: {} },
    { id: 'd1', type: 'dense', params: { units: 24, activation: 'relu' } },
    { id: 'd2', type: 'dense', params: { units: 24, activation: 'relu' } },
    { id: 'sum', type: 'add', params: {} },
    { id: 'out', type: 'output', params: {} }
  ],
  edges: [
    { from: 'in', to: 'd1' },
    { from: 'd1', to: 'd2' },
    { from: 'd1', to: 'sum' },
    { from: 'd2', to: 'sum' },
    { from: 'sum', to: 'out' }
  ]
}

const config = (graph: NetworkGraph) =>
  trainingConfig({
    dataset: { kind: 'circles', n: 300, noise: 0.02, testFraction: 0.2, validationFraction: 0 },
    network: graphNetwork(graph),
    optimizer: adam(0.02),
    batchSize: 16,
    epochs: 8,
    logEvery: 5
  })

test('a residual graph trains through the real Lab: the loss falls and the run keeps its graph', async () => {
  const run = await runToEnd(lab, config(RESIDUAL), 'residual')
  expect(run.error).toBeNull()
  expect(run.status).toBe('completed')
  const loss = lab.store.runs.scalars(run.id)['train/loss'].value
  expect(loss).toHaveLength(9)
  expect(loss.at(-1)!).toBeLessThan(loss[0] * 0.6)
  expect((run.config as any).network).toEqual({ form: 'graph', graph: RESIDUAL }) // the graph only, no layer list
})

test('an invalid graph cannot be launched: the config is refused with the node\'s message', async () => {
  const bad = structuredClone(RESIDUAL)
  bad.edges = bad.edges.filter((e) => !(e.from === 'd1' && e.to === 'sum'))
  await expect(lab.call('experiments.create', { name: 'bad', studyId: 'training', config: config(bad) })).rejects.toThrow(/add "sum" needs at least 2 inputs/)
})
