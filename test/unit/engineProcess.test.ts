/** EngineProcess (Electron main's supervisor, no Electron import) with the real built engine. */
import { afterAll, describe, expect, test } from 'vitest'
import { EngineProcess } from '../../src-main/electron/engineProcess'
import { ENGINE_JS, TEST_ENV, TINY, cleanupTempDirs, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

describe('EngineProcess', () => {
  test('answers calls, reports a killed engine as disconnected, restarts it and answers again', async () => {
    const engine = new EngineProcess({ enginePath: ENGINE_JS, dataDir: tempDir(), nodePath: process.execPath, env: TEST_ENV, restartDelayMs: 200 })
    const connection: { connected: boolean; message: string }[] = []
    const events: string[] = []
    engine.on((event, payload: any) => {
      events.push(event)
      if (event === 'engine.connection') connection.push(payload)
    })
    try {
      // Calls before the child exists are refused, not queued forever.
      await expect(engine.call('engine.info', {})).rejects.toMatchObject({ code: 'disconnected' })
      engine.start()
      await waitFor(() => connection.length === 1, 'engine ready')
      expect(connection[0]).toEqual({ connected: true, message: 'engine ready' })
      const info = (await engine.call('engine.info', {})) as any
      expect(info.pid).toBe(engine.pid)
      expect(info.mode).toBe('ipc')

      // Errors keep their code across the relay.
      await expect(engine.call('runs.get', { id: 'nope' })).rejects.toMatchObject({ name: 'LabError', code: 'not-found', message: 'run nope not found' })
      await expect(engine.call('runs.zap', {})).rejects.toMatchObject({ code: 'unknown-method' })
      // Events are relayed.
      const e = (await engine.call('experiments.create', { name: 'x', studyId: 'training', config: TINY })) as any
      await waitFor(() => events.includes('experiments.changed'), 'experiments.changed event')

      // Kill the engine: a call in flight is rejected, the supervisor reports it and restarts it.
      const firstPid = engine.pid!
      const inFlight = engine.call('templates.list', {})
      process.kill(firstPid, 'SIGKILL')
      await inFlight.then(
        () => {}, // it may have been answered before the signal landed
        (err) => expect(err).toMatchObject({ code: 'disconnected' })
      )
      await waitFor(() => connection.length >= 2, 'disconnect report')
      expect(connection[1]).toEqual({ connected: false, message: 'engine exited (SIGKILL); restarting…' })
      await expect(engine.call('engine.info', {})).rejects.toMatchObject({ code: 'disconnected' })
      await waitFor(() => connection.length >= 3, 'engine ready again', 30_000)
      expect(connection[2]).toEqual({ connected: true, message: 'engine ready' })
      expect(engine.restarts).toBe(1)
      const again = (await engine.call('engine.info', {})) as any
      expect(again.pid).toBe(engine.pid)
      expect(again.pid).not.toBe(firstPid)
      // Same data dir: what the first engine stored is there.
      expect(((await engine.call('experiments.get', { id: e.id })) as any).name).toBe('x')
    } finally {
      const pid = engine.pid
      await engine.stop()
      expect(engine.pid).toBeUndefined()
      if (pid) expect(() => process.kill(pid, 0)).toThrow()
    }
    // Stopped for good: no restart after stop().
    await new Promise((r) => setTimeout(r, 400))
    expect(engine.restarts).toBe(1)
    expect(connection.filter((c) => !c.connected)).toHaveLength(1)
  })
})
