/** EngineProcess (Electron main's supervisor, no Electron import) with the real built engine, and with stand-ins that fail. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { EngineProcess, causeFromStderr } from '../../src-main/electron/engineProcess'
import { ENGINE_JS, TEST_ENV, TINY, cleanupTempDirs, sleep, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

type Connection = { connected: boolean; message: string }

function watch(engine: EngineProcess) {
  const connection: Connection[] = []
  const events: string[] = []
  engine.on((event, payload: any) => {
    events.push(event)
    if (event === 'engine.connection') connection.push(payload)
  })
  return { connection, events }
}

/** A script standing in for the engine (a Node module run with --ipc). */
function standIn(source: string): string {
  const file = join(tempDir('lab-standin-'), 'engine.mjs')
  writeFileSync(file, source)
  return file
}

describe('EngineProcess', () => {
  test('answers calls, reports a killed engine as disconnected, restarts it and answers again', async () => {
    const engine = new EngineProcess({ enginePath: ENGINE_JS, dataDir: tempDir(), nodePath: process.execPath, env: TEST_ENV, restartDelayMs: 200, stderr: null })
    const { connection, events } = watch(engine)
    try {
      // Calls before the child exists are refused, not queued forever.
      await expect(engine.call('engine.info', {})).rejects.toMatchObject({ code: 'disconnected', message: 'the engine has not been started' })
      engine.start()
      await waitFor(() => connection.length === 1, 'engine ready')
      expect(connection[0]).toEqual({ connected: true, message: 'engine ready' })
      expect(engine.state).toBe('ready')
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
      await expect(engine.call('engine.info', {})).rejects.toMatchObject({ code: 'disconnected', message: 'the engine is not running (restarting)' })
      await waitFor(() => connection.length >= 3, 'engine ready again', 30_000)
      expect(connection[2]).toEqual({ connected: true, message: 'engine ready' })
      expect(engine.restarts).toBe(1)
      expect(engine.lastConnection).toEqual(connection[2])
      const again = (await engine.call('engine.info', {})) as any
      expect(again.pid).toBe(engine.pid)
      expect(again.pid).not.toBe(firstPid)
      // Same data dir: what the first engine stored is there.
      expect(((await engine.call('experiments.get', { id: e.id })) as any).name).toBe('x')
    } finally {
      const pid = engine.pid
      // Disconnecting is enough: the engine stops itself (no signal, which on Windows would kill it outright).
      await expect(engine.stop()).resolves.toBe('disconnected')
      expect(engine.pid).toBeUndefined()
      if (pid) expect(() => process.kill(pid, 0)).toThrow()
    }
    // Stopped for good: no restart after stop().
    await sleep(400)
    expect(engine.restarts).toBe(1)
    expect(connection.filter((c) => !c.connected)).toHaveLength(1)
    await expect(engine.call('engine.info', {})).rejects.toMatchObject({ message: 'the engine has been stopped' })
  })

  test('a Node.js that cannot be started is reported in words, not retried, and fails calls with the reason', async () => {
    for (const [opts, where] of [
      [{ nodePath: '/nonexistent/node' }, /"\/nonexistent\/node" was not found \(no such file\)/],
      [{ env: { ...TEST_ENV, PATH: '/nonexistent-dir' } }, /"node" was not found \(it is not on PATH\)/]
    ] as const) {
      const engine = new EngineProcess({ enginePath: ENGINE_JS, dataDir: tempDir(), env: TEST_ENV, stderr: null, restartDelayMs: 50, ...opts })
      const { connection } = watch(engine)
      engine.start()
      const inFlight = engine.call('engine.info', {}).catch((err) => err) // sent before the spawn failed
      await waitFor(() => connection.length, 'the failure')
      expect(connection[0].connected).toBe(false)
      expect(connection[0].message).toMatch(where)
      expect(connection[0].message).toMatch(/^cannot start the engine: .*set LAB_NODE=\/path\/to\/node\.$/)
      expect(await inFlight).toMatchObject({ code: 'disconnected', message: connection[0].message })
      await expect(engine.call('engine.info', {})).rejects.toMatchObject({ code: 'disconnected', message: connection[0].message })
      await sleep(300)
      expect(engine.state).toBe('failed')
      expect(engine.restarts).toBe(0)
      expect(connection).toHaveLength(1)
      await expect(engine.stop()).resolves.toBe('not-running')
    }
  })

  test('an engine that dies at start-up is retried with a growing delay, then given up on, with its cause each time', async () => {
    const enginePath = standIn(`console.error('engine: better-sqlite3 was built for Node.js 22 but the engine runs on Node.js v20.20.2'); process.exit(1)\n`)
    const engine = new EngineProcess({ enginePath, nodePath: process.execPath, stderr: null, restartDelayMs: 50, maxStartupFailures: 3 })
    const { connection } = watch(engine)
    engine.start()
    await waitFor(() => engine.state === 'failed', 'giving up')
    const cause = 'better-sqlite3 was built for Node.js 22 but the engine runs on Node.js v20.20.2'
    expect(connection.map((c) => c.message)).toEqual([
      `the engine exited at start-up (code 1): ${cause}; restarting in 100 ms (attempt 2 of 3)…`,
      `the engine exited at start-up (code 1): ${cause}; restarting in 200 ms (attempt 3 of 3)…`,
      `the engine exited at start-up (code 1): ${cause}. It failed 3 times in a row, so it is not restarted again: fix the cause, then quit and start the lab again.`
    ])
    expect(connection.every((c) => !c.connected)).toBe(true)
    await expect(engine.call('engine.info', {})).rejects.toMatchObject({ message: connection[2].message })
    await sleep(300)
    expect(engine.restarts).toBe(2)
  })

  test('stop() during a restart delay: no engine is forked afterwards', async () => {
    const enginePath = standIn(`process.exit(3)\n`)
    const engine = new EngineProcess({ enginePath, nodePath: process.execPath, stderr: null, restartDelayMs: 150 })
    const { connection } = watch(engine)
    engine.start()
    await waitFor(() => connection.length, 'the first exit')
    expect(connection[0].message).toMatch(/^the engine exited at start-up \(code 3\); restarting in 300 ms/)
    await expect(engine.stop()).resolves.toBe('not-running')
    await sleep(500)
    expect(connection).toHaveLength(1)
    expect(engine.pid).toBeUndefined()
  })

  test('an engine that does not leave on the disconnect is terminated after the stop timeout', async () => {
    const enginePath = standIn(`process.on('disconnect', () => {}); process.send({ type: 'event', event: 'engine.ready', payload: null }); setInterval(() => {}, 1000)\n`)
    const engine = new EngineProcess({ enginePath, nodePath: process.execPath, stderr: null, stopTimeoutMs: 300 })
    const { connection } = watch(engine)
    engine.start()
    await waitFor(() => connection.length, 'ready')
    const pid = engine.pid!
    await expect(engine.stop()).resolves.toBe('terminated')
    expect(() => process.kill(pid, 0)).toThrow()
  })
})

describe('causeFromStderr', () => {
  test("takes the engine's own fatal line, else the last error line of a crash, else nothing", () => {
    expect(causeFromStderr('warning: x\nengine: cannot use /proc/x as the data directory\n')).toBe('cannot use /proc/x as the data directory')
    const uncaught = `file:///lab/out/main/engine.js:12\n    throw new Error('boom')\n    ^\n\nError: boom\n    at main (file:///lab/out/main/engine.js:12:11)\n\nNode.js v20.20.2\n`
    expect(causeFromStderr(uncaught)).toBe('Error: boom')
    expect(causeFromStderr('TypeError [ERR_X]: bad\n    at y\n')).toBe('TypeError [ERR_X]: bad')
    expect(causeFromStderr('(node:1) ExperimentalWarning: something\n')).toBeNull()
    expect(causeFromStderr('')).toBeNull()
  })
})
