/**
 * Starts the engine as a plain Node process (`node` on PATH or LAB_NODE — native modules are built for
 * Node, not for Electron's runtime), relays calls over Node IPC, and restarts it if it dies, reporting
 * the connection state as `engine.connection` events. No Electron import: tested under plain Node.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { LabError, type EventName, type WireMessage } from '../../src-shared/contract'

export interface EngineProcessOptions {
  enginePath: string
  /** Passed as --data-dir; when absent the engine resolves it (LAB_DATA_DIR, Settings, default). */
  dataDir?: string
  nodePath?: string
  env?: NodeJS.ProcessEnv
  /** Delay before a restart after the engine died. */
  restartDelayMs?: number
}

type Listener = (event: EventName, payload: unknown) => void

export class EngineProcess {
  private child: ChildProcess | null = null
  private nextId = 1
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private listeners = new Set<Listener>()
  private stopped = false
  restarts = 0

  constructor(private readonly opts: EngineProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  start(): void {
    const child = fork(this.opts.enginePath, ['--ipc', ...(this.opts.dataDir ? ['--data-dir', this.opts.dataDir] : [])], {
      execPath: this.opts.nodePath ?? process.env.LAB_NODE ?? 'node',
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced'
    })
    this.child = child
    child.on('message', (m: WireMessage | { type: 'event'; event: 'engine.ready'; payload: unknown }) => {
      if (m.type === 'result' || m.type === 'error') {
        const p = this.pending.get(m.id)
        if (!p) return
        this.pending.delete(m.id)
        if (m.type === 'result') p.resolve(m.result)
        else p.reject(new LabError(m.error.code as any, m.error.message))
      } else if (m.type === 'event') {
        if ((m.event as string) === 'engine.ready') this.emit('engine.connection', { connected: true, message: 'engine ready' })
        else this.emit(m.event as EventName, m.payload)
      }
    })
    child.on('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = null
      for (const p of this.pending.values()) p.reject(new LabError('disconnected', 'the engine stopped before answering'))
      this.pending.clear()
      if (this.stopped) return
      this.emit('engine.connection', { connected: false, message: `engine exited (${signal ?? `code ${code}`}); restarting…` })
      this.restarts++
      setTimeout(() => !this.stopped && this.start(), this.opts.restartDelayMs ?? 500)
    })
  }

  call(method: string, params: unknown): Promise<unknown> {
    const child = this.child
    if (!child || !child.connected) return Promise.reject(new LabError('disconnected', 'the engine is not running (restarting)'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      child.send({ type: 'call', id, method, params } satisfies WireMessage)
    })
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: EventName, payload: unknown): void {
    for (const l of this.listeners) l(event, payload)
  }

  /** Stop for good (app quit): SIGTERM lets the engine mark running runs interrupted and close the store. */
  stop(): Promise<void> {
    this.stopped = true
    const child = this.child
    if (!child) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(t)
        resolve()
      })
      child.kill('SIGTERM')
    })
  }
}
