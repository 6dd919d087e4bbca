/** Shared helpers of the unit tests: temp data dirs, the built bundles, real engine processes. */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EventPayloads, WireMessage } from '../../src-shared/contract'
import type { Run } from '../../src-shared/records'
import { Lab } from '../../src-main/engine/lab'
import { dense } from '../../src-shared/network/layers'
import { layers, type TrainingConfig } from '../../src-shared/studies/training'
import { adam } from '../../src-shared/training/optimizer'
import { completeConfig } from '../../src-shared/studies'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const OUT_MAIN = join(ROOT, 'out', 'main')
export const ENGINE_JS = join(OUT_MAIN, 'engine.js')
export const CLI_JS = join(OUT_MAIN, 'cli.js')
/** Run workers are always the built bundle: a worker_thread cannot load the TypeScript sources. */
export const WORKER_URL = pathToFileURL(join(OUT_MAIN, 'worker.js'))

const dirs: string[] = []

/**
 * The environment every lab the tests start gets: the app's own folder (XDG_CONFIG_HOME, where Settings
 * keeps location.json) in a temp dir, so no test reads or writes the user's real configuration, and no
 * LAB_BACKEND / LAB_DATA_DIR from the shell.
 */
export const TEST_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'lab-test-config-')),
  LAB_BACKEND: '',
  LAB_DATA_DIR: ''
}
dirs.push(TEST_ENV.XDG_CONFIG_HOME!)

/** A fresh data directory in the OS temp dir; removed by `cleanupTempDirs`. */
export function tempDir(prefix = 'lab-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Poll `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** A complete training config: the study defaults with a small, fast patch (older config forms are upgraded). */
export function trainingConfig(patch: unknown): TrainingConfig {
  return completeConfig('training', patch) as TrainingConfig
}

/** Tiny and fast: 300 points (240 to train, no validation split), 2×16 tanh, a few epochs (≈ 0.3 s on wasm). */
export const TINY = trainingConfig({
  dataset: { kind: 'two-spirals', n: 300, noise: 0, testFraction: 0.2, validationFraction: 0 },
  network: layers(dense(16, 'tanh'), dense(16, 'tanh')),
  optimizer: adam(0.02),
  batchSize: 16,
  epochs: 5,
  logEvery: 5,
  boundary: { every: 0, resolution: 100 }
})

/** Effectively endless (checkerboard, 100 000 epochs): for cancel, crash and event-rate tests. */
export const ENDLESS = trainingConfig({
  dataset: { kind: 'checkerboard', n: 400, noise: 0, testFraction: 0.2, validationFraction: 0, cells: 4 },
  network: layers(dense(32), dense(32)),
  optimizer: adam(0.003),
  batchSize: 8,
  epochs: 100_000,
  logEvery: 1,
  boundary: { every: 1, resolution: 100 }
})

/** A real engine process (`out/main/engine.js --ipc`) with a raw IPC client. */
export class IpcEngine {
  private nextId = 1
  private pending = new Map<number, (m: WireMessage) => void>()
  readonly events: { event: string; payload: any; at: number }[] = []
  readonly ready: Promise<any>
  stderr = ''
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(
    readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (d) => (this.stderr += String(d)))
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })))
    this.ready = new Promise((resolveReady, reject) => {
      child.on('message', (m: any) => {
        if (m?.type === 'event') {
          if (m.event === 'engine.ready') resolveReady(m.payload)
          else this.events.push({ event: m.event, payload: m.payload, at: Date.now() })
        } else if ((m?.type === 'result' || m?.type === 'error') && this.pending.has(m.id)) {
          const cb = this.pending.get(m.id)!
          this.pending.delete(m.id)
          cb(m)
        }
      })
      void this.exited.then(({ code, signal }) => reject(new Error(`engine exited before ready (${signal ?? code}): ${this.stderr}`)))
    })
    this.ready.catch(() => {})
  }

  static start(dataDir: string, env: NodeJS.ProcessEnv = {}): IpcEngine {
    const child = fork(ENGINE_JS, ['--ipc', '--data-dir', dataDir], {
      execPath: process.execPath,
      env: { ...TEST_ENV, ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    return new IpcEngine(child)
  }

  /** Send any message; resolves with the reply carrying `id`. */
  raw(message: unknown, id: number, timeoutMs = 10_000): Promise<WireMessage> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no reply to message id ${id} within ${timeoutMs / 1000} s`)), timeoutMs)
      this.pending.set(id, (m) => (clearTimeout(t), res(m)))
      this.child.send(message as any)
    })
  }

  async call(method: string, params?: unknown, timeoutMs?: number): Promise<any> {
    const id = this.nextId++
    const reply = await this.raw({ type: 'call', id, method, params }, id, timeoutMs)
    if (reply.type === 'error') throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
    return (reply as any).result
  }

  newId(): number {
    return this.nextId++
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.kill(signal)
    await this.exited
  }
}

/** `node out/main/engine.js --serve --port 0` with a fixed token; resolves once it prints its URL. */
export async function startServeEngine(dataDir: string, token: string): Promise<{ child: ChildProcess; url: URL; port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [ENGINE_JS, '--serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...TEST_ENV, LAB_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => (err += String(d)))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = await new Promise<URL>((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += String(d)
      const m = /Lab serving at (\S+)/.exec(out)
      if (m) res(new URL(m[1]))
    })
    void exited.then(() => rej(new Error(`serve engine exited: ${out}\n${err}`)))
  })
  return {
    child,
    url,
    port: Number(url.port),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
    }
  }
}

/** An in-process Lab on `dataDir` whose run workers are the built out/main/worker.js. */
export async function openLab(dataDir: string, env: NodeJS.ProcessEnv = {}, concurrency?: number): Promise<Lab> {
  return Lab.open({ dataDir, mode: 'inprocess', workerUrl: WORKER_URL, env: { ...TEST_ENV, ...env }, concurrency })
}

const FINISHED = new Set(['completed', 'failed', 'cancelled', 'interrupted'])

/** Resolves with the run's final `run.status` payload. Subscribe before starting the run. */
export function finished(lab: Lab, runId: () => string | undefined, timeoutMs = 60_000): Promise<EventPayloads['run.status']> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => (off(), rej(new Error(`run did not finish within ${timeoutMs} ms`))), timeoutMs)
    const off = lab.on((event, payload: any) => {
      if (event === 'run.status' && payload.runId === runId() && FINISHED.has(payload.status)) {
        clearTimeout(t)
        off()
        res(payload)
      }
    })
  })
}

/** Create an experiment with `config`, run it to the end, return the stored run. */
export async function runToEnd(lab: Lab, config: unknown, name = 'test'): Promise<Run> {
  const e = await lab.call('experiments.create', { name, studyId: 'training', config })
  let id: string | undefined
  const done = finished(lab, () => id)
  id = (await lab.call('runs.start', { experimentId: e.id })).id
  await done
  return lab.store.runs.get(id)!
}
