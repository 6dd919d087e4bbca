/**
 * Starts the engine as a plain Node process (LAB_NODE, else `node` on PATH — native modules are built for
 * Node, not for Electron's runtime), relays calls over Node IPC, and restarts it if it dies, reporting the
 * connection state as `engine.connection` events. No Electron import: tested under plain Node.
 *
 * What a researcher sees when it goes wrong is the point of most of this file: a Node that cannot be
 * started is reported in words and not retried; an engine that dies at start-up is retried with a growing
 * delay, then given up on, and the cause (its last error line on stderr) travels with the state.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { LabError, type EventName, type EventPayloads, type WireMessage } from '../../src-shared/contract'
import { formatDuration } from '../../src-shared/format'

export interface EngineProcessOptions {
  enginePath: string
  /** Passed as --data-dir; when absent the engine resolves it (LAB_DATA_DIR, Settings, default). */
  dataDir?: string
  /** The Node.js executable; default LAB_NODE, else `node` on PATH. */
  nodePath?: string
  env?: NodeJS.ProcessEnv
  /** Delay before the first restart; doubles after each engine that dies before it is ready. */
  restartDelayMs?: number
  /** Longest delay between restarts. */
  maxRestartDelayMs?: number
  /** Engines in a row that die before they are ready before giving up (an engine that got ready resets it). */
  maxStartupFailures?: number
  /** How long stop() waits after disconnecting (the engine marks runs interrupted and closes the store). */
  stopTimeoutMs?: number
  /** Where the engine's stderr goes besides the cause tail (default: this process's stderr). */
  stderr?: NodeJS.WritableStream | null
}

export type EngineState = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped'
/** How stop() ended the engine: it left on the disconnect, needed a signal, or was not running. */
export type StopOutcome = 'disconnected' | 'terminated' | 'killed' | 'not-running'

type Listener = (event: EventName, payload: unknown) => void
type Connection = EventPayloads['engine.connection']

/** Bytes of the engine's stderr kept to name the cause of a failure. */
const STDERR_TAIL_BYTES = 8192

/** The line of an engine's stderr that says why it failed: its own fatal line, else the last error line. */
export function causeFromStderr(tail: string): string | null {
  const lines = tail.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].startsWith('engine: ')) return lines[i].slice('engine: '.length)
  for (let i = lines.length - 1; i >= 0; i--) if (/^(Uncaught )?[A-Za-z]*Error\b|^Error \[|^\[Error/.test(lines[i])) return lines[i]
  return null
}

/** A spawn failure in words: which executable, why, and what to do. */
function spawnProblem(nodePath: string, err: NodeJS.ErrnoException): string {
  const what = `cannot start the engine: the Node.js executable "${nodePath}"`
  const fix = 'Install Node.js 20.19+ or 22.12+ and start the lab with `npm start` (it passes its own Node as LAB_NODE), or set LAB_NODE=/path/to/node.'
  if (err.code === 'ENOENT') return `${what} was not found (${nodePath === 'node' ? 'it is not on PATH' : 'no such file'}). ${fix}`
  if (err.code === 'EACCES') return `${what} is not executable (permission denied). ${fix}`
  return `${what} failed to start: ${err.message}. ${fix}`
}

export class EngineProcess {
  private child: ChildProcess | null = null
  private nextId = 1
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private listeners = new Set<Listener>()
  private restartTimer: ReturnType<typeof setTimeout> | null = null
  private startupFailures = 0
  private current: EngineState = 'idle'
  private connection: Connection | null = null
  restarts = 0

  constructor(private readonly opts: EngineProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  get state(): EngineState {
    return this.current
  }

  /** The last `engine.connection` reported, for a window that opens (or reloads) after it was sent. */
  get lastConnection(): Connection | null {
    return this.connection
  }

  private get nodePath(): string {
    return this.opts.nodePath || this.opts.env?.LAB_NODE || process.env.LAB_NODE || 'node'
  }

  start(): void {
    if (this.current === 'stopped') return
    this.restartTimer = null
    this.current = 'starting'
    let ready = false
    let stderrTail = ''
    const nodePath = this.nodePath
    const child = fork(this.opts.enginePath, ['--ipc', ...(this.opts.dataDir ? ['--data-dir', this.opts.dataDir] : [])], {
      execPath: nodePath,
      // Not Electron's own flags (an --inspect port, say): the engine is a separate Node.
      execArgv: [],
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    this.child = child
    const out = this.opts.stderr === undefined ? process.stderr : this.opts.stderr
    child.stderr?.on('data', (chunk: Buffer) => {
      out?.write(chunk)
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES)
    })
    child.on('message', (m: WireMessage | { type: 'event'; event: 'engine.ready'; payload: unknown }) => {
      if (m.type === 'result' || m.type === 'error') {
        const p = this.pending.get(m.id)
        if (!p) return
        this.pending.delete(m.id)
        if (m.type === 'result') p.resolve(m.result)
        else p.reject(new LabError(m.error.code as any, m.error.message))
      } else if (m.type === 'event') {
        if ((m.event as string) === 'engine.ready') {
          ready = true
          this.startupFailures = 0
          this.current = 'ready'
          this.emitConnection({ connected: true, message: 'engine ready' })
        } else this.emit(m.event as EventName, m.payload)
      }
    })
    // Without this listener a missing executable is an uncaught ENOENT in Electron main (a dialog), and
    // nothing else happens: no 'exit', no restart, no state in the window.
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child !== child || child.pid !== undefined) return // a failed send or kill: the call or stop handles it
      this.child = null
      this.fail(spawnProblem(nodePath, err))
    })
    child.on('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = null
      this.rejectPending('the engine stopped before answering')
      if (this.current === 'stopped') return
      const how = signal ?? `code ${code}`
      const cause = causeFromStderr(stderrTail)
      if (ready) {
        this.scheduleRestart(this.opts.restartDelayMs ?? 500, `engine exited (${how})${cause ? `: ${cause}` : ''}; restarting…`)
        return
      }
      this.startupFailures++
      const max = this.opts.maxStartupFailures ?? 6
      const reason = `the engine exited at start-up (${how})${cause ? `: ${cause}` : ''}`
      if (this.startupFailures >= max) {
        this.fail(`${reason}. It failed ${this.startupFailures} times in a row, so it is not restarted again: fix the cause, then quit and start the lab again.`)
        return
      }
      const delay = Math.min((this.opts.restartDelayMs ?? 500) * 2 ** this.startupFailures, this.opts.maxRestartDelayMs ?? 30_000)
      this.scheduleRestart(delay, `${reason}; restarting in ${formatDuration(delay / 1000)} (attempt ${this.startupFailures + 1} of ${max})…`)
    })
  }

  private scheduleRestart(delayMs: number, message: string): void {
    this.current = 'restarting'
    this.emitConnection({ connected: false, message })
    this.restarts++
    this.restartTimer = setTimeout(() => this.start(), delayMs)
  }

  private fail(reason: string): void {
    this.current = 'failed'
    this.rejectPending(reason)
    this.emitConnection({ connected: false, message: reason })
  }

  private rejectPending(message: string): void {
    for (const p of this.pending.values()) p.reject(new LabError('disconnected', message))
    this.pending.clear()
  }

  call(method: string, params: unknown): Promise<unknown> {
    const child = this.child
    if (!child || !child.connected) {
      const why =
        this.current === 'failed' ? this.connection!.message : this.current === 'stopped' ? 'the engine has been stopped' : this.current === 'idle' ? 'the engine has not been started' : 'the engine is not running (restarting)'
      return Promise.reject(new LabError('disconnected', why))
    }
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      child.send({ type: 'call', id, method, params } satisfies WireMessage, (err) => {
        if (!err || !this.pending.delete(id)) return
        reject(new LabError('disconnected', `the engine could not be reached: ${err.message}`))
      })
    })
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emitConnection(c: Connection): void {
    this.connection = c
    this.emit('engine.connection', c)
  }

  private emit(event: EventName, payload: unknown): void {
    for (const l of this.listeners) l(event, payload)
  }

  /**
   * Stop for good (app quit), also during a restart delay. Disconnecting first lets the engine mark running
   * runs interrupted and close the store on every OS (on Windows a signal terminates it outright); a signal
   * is only the fallback for an engine that does not leave in time.
   */
  stop(): Promise<StopOutcome> {
    this.current = 'stopped'
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const child = this.child
    if (!child) return Promise.resolve('not-running')
    return new Promise((resolve) => {
      let outcome: StopOutcome = 'disconnected'
      const timeoutMs = this.opts.stopTimeoutMs ?? 5000
      const term = setTimeout(() => {
        outcome = 'terminated'
        child.kill('SIGTERM')
      }, timeoutMs)
      const kill = setTimeout(() => {
        outcome = 'killed'
        child.kill('SIGKILL')
      }, timeoutMs + 2000)
      child.once('exit', () => {
        clearTimeout(term)
        clearTimeout(kill)
        resolve(outcome)
      })
      if (child.connected) child.disconnect()
      else {
        outcome = 'terminated'
        child.kill('SIGTERM')
      }
    })
  }
}
