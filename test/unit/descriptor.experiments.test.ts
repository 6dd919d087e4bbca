/** Duplicate an experiment ('experiments.duplicate'); a run keeps the exact config it ran with after edits. */
import { afterAll, describe, expect, test } from 'vitest'
import { launchCard } from '../../src-shared/gallery'
import { cleanupTempDirs, openLab, tempDir } from './helpers'

afterAll(cleanupTempDirs)

describe('experiments: duplicate, edit and re-run', () => {
  test('a duplicate copies config, notes and tags but not runs; runs keep their config snapshot', async () => {
    const lab = await openLab(tempDir())
    try {
      const launch = launchCard('training/xor', 'cpu')
      if (!launch.ok) throw new Error(launch.reason)
      const config = { ...(launch.config as any), dataset: { ...(launch.config as any).dataset, n: 100 }, epochs: 1 }
      const e = await lab.call('experiments.create', { name: 'xor', studyId: 'training', config, notes: 'n', tags: ['a'] })
      const run = lab.startRun(e.id)
      await lab.queue.idle()

      const copy = await lab.call('experiments.duplicate', { id: e.id })
      expect(copy).toMatchObject({ name: 'xor (copy)', studyId: 'training', config, notes: 'n', tags: ['a'], runCount: 0 })
      expect(copy.id).not.toBe(e.id)
      expect((await lab.call('experiments.duplicate', { id: e.id, name: 'mine' })).name).toBe('mine')
      await expect(lab.call('experiments.duplicate', { id: 'nope' })).rejects.toThrow(/not found/)

      // Edit the original and re-run: the first run still holds the config it ran with.
      await lab.call('experiments.update', { id: e.id, config: { ...config, epochs: 2 } })
      const rerun = lab.startRun(e.id)
      await lab.queue.idle()
      expect((await lab.call('runs.get', { id: run.id })).config).toEqual(config)
      expect((await lab.call('runs.get', { id: rerun.id })).config).toMatchObject({ epochs: 2 })
      expect((await lab.call('runs.get', { id: run.id })).status).toBe('completed')
    } finally {
      await lab.close()
    }
  })
})
