/**
 * Compute threads per run: the cores are divided among the runs that train at once (src-shared/threads.ts), the
 * queue hands each run worker its share, the blas backend uses it, and the run records it in its environment.
 */
import { availableParallelism } from 'node:os'
import { afterAll, describe, expect, test } from 'vitest'
import { runExportSchema } from '../../src-shared/runExport'
import { threadsPerRun } from '../../src-shared/threads'
import { exportRun, importRun } from '../../src-main/engine/runs/runExport'
import { TINY, cleanupTempDirs, openLab, runToEnd, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

describe('threads per run', () => {
  test('one run gets every core; N in parallel get ⌊cores / N⌋ each, never less than one', () => {
    expect(threadsPerRun(2, 1)).toBe(2)
    expect(threadsPerRun(2, 2)).toBe(1)
    expect(threadsPerRun(2, 3)).toBe(1)
    expect(threadsPerRun(8, 3)).toBe(2)
    expect(threadsPerRun(16, 4)).toBe(4)
    expect(threadsPerRun(0, 1)).toBe(1)
    expect(threadsPerRun(4, 0)).toBe(4)
  })

  test('a plain run trains with all the cores and a sweep of two in parallel with half each, as their environments record', async () => {
    const cpus = availableParallelism()
    const lab = await openLab(tempDir())
    try {
      expect(lab.backend).toBe('blas')
      expect((await lab.call('engine.info')).cpus).toBe(cpus)
      const plain = await runToEnd(lab, { ...TINY, epochs: 1 })
      expect(plain.status).toBe('completed')
      expect(plain.environment?.threads).toBe(threadsPerRun(cpus, 1))
      // The export keeps it, and an import accepts it back.
      const doc = runExportSchema.parse(JSON.parse(JSON.stringify(exportRun(lab.store, plain.id))))
      expect(doc.run.environment?.threads).toBe(threadsPerRun(cpus, 1))
      expect(lab.store.runs.get(importRun(lab.store, doc).id)!.environment?.threads).toBe(threadsPerRun(cpus, 1))
      const s = await lab.call('sweeps.create', { base: { study: 'training', config: { ...TINY, epochs: 1 } }, seeds: 2, concurrency: 2 })
      const ids = s.runs.map((r) => r.run.id)
      await waitFor(() => ids.every((id) => lab.store.runs.get(id)!.status === 'completed'), 'the sweep to complete', 60_000)
      for (const id of ids) expect(lab.store.runs.get(id)!.environment?.threads).toBe(threadsPerRun(cpus, 2))
    } finally {
      await lab.close()
    }
  })
})
