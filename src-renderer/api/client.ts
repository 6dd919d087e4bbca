/**
 * The renderer's one way to reach the engine. Views and stores use `lab` only; whether it goes through
 * Electron's preload (`window.lab`) or a WebSocket to serve mode is decided here, once.
 */
import type { EventName, EventPayloads, FileDialogKind, MethodName, MethodParams, MethodResult } from '../../src-shared/contract'
import { createIpcClient, createUnreachableClient, type PreloadApi } from './ipcClient'
import { createWsClient } from './wsClient'

export interface LabClient {
  invoke<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void): () => void
  readonly transport: 'ipc' | 'websocket'
  /**
   * How files reach the engine for an import: Electron picks them with a native dialog (the engine reads
   * the paths), serve mode uploads the browser's files to `POST /upload`. Views use `api/files.ts`.
   */
  readonly files: FileAccess
}

export type FileAccess =
  | { mode: 'native'; pick(kind: FileDialogKind): Promise<string[]> }
  | { mode: 'upload'; upload(file: Blob & { name: string }, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<string> }

/** An error from the engine, with its code ('bad-request', 'not-found', 'disconnected', …). */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'EngineError'
  }
}

/** Shown when the desktop window has no `window.lab` (its preload did not load). */
export const BRIDGE_MISSING =
  'The desktop window could not load its bridge to the engine (window.lab): its preload failed to load — the terminal that ran npm start shows why.'

/** The transport for where the page runs: Electron's preload, else the engine serving this page. */
export function selectClient(g: { lab?: PreloadApi; location?: Pick<Location, 'host' | 'search' | 'protocol'> } = globalThis as never): LabClient {
  if (g.lab) return createIpcClient(g.lab)
  // A file:// page is the desktop window: no engine serves it, a WebSocket has nowhere to go.
  if (g.location?.protocol === 'file:') return createUnreachableClient(BRIDGE_MISSING)
  // Not a page at all (a Node test importing a view's module): nothing to connect to.
  if (!g.location) return createUnreachableClient('no engine to reach: this is neither the desktop window nor a page the engine serves')
  return createWsClient(g.location)
}

export const lab: LabClient = selectClient()

/** The scheme of desktop links; Electron main opens them (src-main/electron/links.ts names the same). */
export const APP_LINK_SCHEME = 'phenomenology-lab'

/**
 * A link to a view (`/compare?s=…`) that another user can open: in a browser the served page's URL; in the
 * desktop window an app link — its own location is a file:// path on this machine.
 */
export function shareableLink(route: string, client: Pick<LabClient, 'transport'> = lab, loc: Pick<Location, 'origin' | 'pathname'> = location): string {
  if (client.transport === 'ipc') return `${APP_LINK_SCHEME}://${route.replace(/^\//, '')}`
  return `${loc.origin}${loc.pathname}#${route}`
}
