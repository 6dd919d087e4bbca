/**
 * What goes out to one WebSocket client, with a bound on what waits for it. A client that stops reading
 * (a paused tab, a suspended laptop, a slow link) would otherwise make the engine buffer every event for
 * it without limit. Past `slowBytes` of unsent data:
 *  - events that only say "this changed" or "this far along" are coalesced, latest wins, and go out when
 *    the client has caught up;
 *  - run.metrics (curves, snapshots) cannot be dropped without leaving a hole in a live chart, so the
 *    client is marked behind and, once it has caught up, closed with code 4000: it reconnects and reloads
 *    from the store (every store reloads on `engine.connection`), which holds everything;
 *  - past `closeBytes` the connection is dropped at once.
 * Replies to calls are always sent (a client that calls is reading), and the bytes of a large one still on
 * its way do not count as falling behind: only what is buffered beyond them does.
 */
import type { EventName, EventPayloads, WireMessage } from '../../../src-shared/contract'

export const SLOW_CLIENT_BYTES = 1024 * 1024
export const CLOSE_CLIENT_BYTES = 16 * 1024 * 1024
/** Close code for "you fell behind: reconnect and reload" (4000–4999 are the application's). */
export const BEHIND_CLOSE_CODE = 4000

/** The part of a ws WebSocket this needs (a test can pass a fake). */
export interface Socket {
  readonly readyState: number
  readonly OPEN: number
  readonly bufferedAmount: number
  send(data: string): void
  close(code: number, reason: string): void
  terminate(): void
}

/** Events where only the latest state matters, by what they are about. */
function coalesceKey(event: EventName, payload: any): string | null {
  switch (event) {
    case 'run.progress':
    case 'run.status':
    case 'runs.changed':
      return `${event}:${payload?.runId}`
    case 'datasets.job':
      return `${event}:${payload?.jobId}`
    case 'datasets.changed':
      return `${event}:${payload?.datasetId}`
    case 'experiments.changed':
      return `${event}:${payload?.experimentId}`
    case 'sweeps.changed':
      return `${event}:${payload?.sweepId}`
    case 'layouts.changed':
      return `${event}:${payload?.layoutId}`
    case 'settings.changed':
      return event
    default:
      return null
  }
}

export class ClientChannel {
  private readonly pending = new Map<string, { event: EventName; payload: unknown }>()
  private behind = false
  /** Bytes of replies that may still be in the socket's buffer (they went out before any later event). */
  private replyBytes = 0
  private timer: NodeJS.Timeout | null = null
  /** Events coalesced or dropped so far (diagnostics, tests). */
  held = 0

  constructor(
    private readonly ws: Socket,
    private readonly limits = { slowBytes: SLOW_CLIENT_BYTES, closeBytes: CLOSE_CLIENT_BYTES, checkMs: 100 }
  ) {}

  private get open(): boolean {
    return this.ws.readyState === this.ws.OPEN
  }

  /** What the socket holds beyond the replies still leaving it: how far behind the client is. */
  private backlog(): number {
    const buffered = this.ws.bufferedAmount
    this.replyBytes = Math.min(this.replyBytes, buffered)
    return buffered - this.replyBytes
  }

  reply(m: WireMessage): void {
    if (!this.open) return
    if (this.backlog() > this.limits.closeBytes) return this.ws.terminate()
    const data = JSON.stringify(m)
    this.ws.send(data)
    this.replyBytes += Buffer.byteLength(data)
  }

  event<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    if (!this.open) return
    const buffered = this.backlog()
    if (buffered > this.limits.closeBytes) return this.ws.terminate()
    if (buffered < this.limits.slowBytes && !this.behind) {
      this.flushPending()
      this.send(event, payload)
      return
    }
    this.held++
    const key = coalesceKey(event, payload)
    if (key) {
      this.pending.delete(key) // re-inserted last: pending keeps the order of the latest states
      this.pending.set(key, { event, payload })
    } else this.behind = true
    this.watch()
  }

  private watch(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.open) return
      if (this.backlog() >= this.limits.slowBytes) return this.watch()
      if (this.behind) {
        this.pending.clear()
        this.ws.close(BEHIND_CLOSE_CODE, 'the client fell behind; reconnect to reload')
        return
      }
      this.flushPending()
    }, this.limits.checkMs)
    this.timer.unref?.()
  }

  private send(event: EventName, payload: unknown): void {
    this.ws.send(JSON.stringify({ type: 'event', event, payload } as WireMessage))
  }

  private flushPending(): void {
    if (!this.pending.size) return
    const held = [...this.pending.values()]
    this.pending.clear()
    for (const e of held) this.send(e.event, e.payload)
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending.clear()
  }
}
