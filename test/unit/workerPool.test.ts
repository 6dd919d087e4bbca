/** Run workers are reused: tfjs and wasm compile once per worker, and reuse changes no number. */
import { afterAll, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import { TINY, cleanupTempDirs, openLab, runToEnd, tempDir } from './helpers'

let lab: Lab | undefined

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

test('runs one after another share one warm worker and give the same numbers as a fresh one', async () => {
  lab = await openLab(tempDir())
  const first = await runToEnd(lab, TINY, 'a')
  const second = await runToEnd(lab, TINY, 'b')
  const third = await runToEnd(lab, { ...TINY, seed: TINY.seed + 1 }, 'c')
  expect([first.status, second.status, third.status]).toEqual(['completed', 'completed', 'completed'])
  expect(lab.queue.workersSpawned).toBe(1)
  const values = (id: string) => Object.fromEntries(Object.entries(lab!.store.runs.scalars(id)).map(([k, s]) => [k, s.value]))
  // The second run used a worker that had already trained a model: identical to the first.
  expect(values(second.id)).toEqual(values(first.id))
  expect(values(third.id)).not.toEqual(values(first.id))
})
