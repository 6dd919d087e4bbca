/**
 * The native import dialog path without Electron: the preload's `pickFiles` goes to the one dialog
 * channel, Electron main's dialog options and result handling, and the renderer's IPC client using it.
 */
import { describe, expect, it, vi } from 'vitest'
import { importDialogOptions, pickedPaths, PICK_FILES_CHANNEL } from '../../src-main/electron/dialogs'
import { createIpcClient } from '../../src-renderer/api/ipcClient'

const exposed: Record<string, any> = {}
const invoke = vi.fn(async (channel: string, ..._args: unknown[]) => (channel === 'lab:pickFiles' ? ['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz'] : { ok: true, result: null }))
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke: (channel: string, ...args: unknown[]) => invoke(channel, ...args), on: () => {}, removeListener: () => {} }
}))

describe('preload pickFiles', () => {
  it('exposes pickFiles, which asks Electron main over the dialog channel only', async () => {
    await import('../../src-main/preload/index')
    expect(typeof exposed.lab.pickFiles).toBe('function')
    const paths = await exposed.lab.pickFiles()
    expect(invoke).toHaveBeenCalledWith(PICK_FILES_CHANNEL)
    expect(invoke.mock.calls.every((c) => c.length === 1)).toBe(true) // no arguments the renderer could abuse
    expect(paths).toEqual(['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz'])
  })

  it('is what the renderer client uses for imports in the desktop app', async () => {
    await import('../../src-main/preload/index')
    const client = createIpcClient(exposed.lab)
    expect(client.files.mode).toBe('native')
    if (client.files.mode !== 'native') throw new Error('unreachable')
    expect(await client.files.pick()).toHaveLength(2)
  })
})

describe('import dialog (Electron main)', () => {
  it('multi-selects dataset files and still offers all files (IDX names have no extension dot)', () => {
    const o = importDialogOptions()
    expect(o.properties).toEqual(['openFile', 'multiSelections'])
    const exts = o.filters.flatMap((f) => f.extensions)
    for (const e of ['gz', 'csv', 'npy', 'idx3-ubyte', 'idx1-ubyte', '*']) expect(exts).toContain(e)
  })

  it('returns [] when cancelled and refuses more files than an import takes', () => {
    expect(pickedPaths({ canceled: true, filePaths: ['/a'] })).toEqual([])
    expect(pickedPaths({ canceled: false, filePaths: ['/a', '/b'] })).toEqual(['/a', '/b'])
    expect(() => pickedPaths({ canceled: false, filePaths: ['1', '2', '3', '4', '5'] })).toThrow(/at most 4/)
  })
})
