/**
 * The renderer's one way to reach the engine. Views and stores use `lab` only; whether it goes through
 * Electron's preload (`window.lab`) or a WebSocket to serve mode is decided here, once.
 */
import type { EventName, EventPayloads, MethodName, MethodParams, MethodResult } from '../../src-shared/contract'
import { createIpcClient, type PreloadApi } from './ipcClient'
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
  | { mode: 'native'; pick(): Promise<string[]> }
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

function create(): LabClient {
  const preload = (globalThis as { lab?: PreloadApi }).lab
  return preload ? createIpcClient(preload) : createWsClient(location)
}

export const lab: LabClient = create()
