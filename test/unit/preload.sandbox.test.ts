/**
 * The *built* preload under Electron's sandbox rules (see electronFakes.ts): a preload that requires
 * anything but Electron's modules, `events`, `timers` and `url` throws at load in a sandboxed window, and
 * then `window.lab` never exists — the desktop window would wait for the engine forever. The build bundles
 * the preload's imports; this loads what the build produced.
 */
import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { EVENT_NAMES, METHOD_NAMES } from '../../src-shared/contract'
import { EVENT_CHANNEL, INVOKE_CHANNEL, PICK_FILES_CHANNEL } from '../../src-main/electron/channels'
import { createIpcClient } from '../../src-renderer/api/ipcClient'
import { FakeIpcRenderer, SANDBOX_MODULES, loadSandboxedPreload } from './electronFakes'

function preloadWith(toMain: (channel: string, args: unknown[]) => Promise<unknown>) {
  const ipc = new FakeIpcRenderer(toMain)
  return { ipc, ...loadSandboxedPreload(ipc) }
}

describe('the built preload in a sandboxed window', () => {
  it('loads with only the modules the sandbox allows and exposes window.lab', () => {
    const { mainWorld, required, error } = preloadWith(async () => null)
    expect(error).toBeNull()
    expect(required.every((m) => (SANDBOX_MODULES as readonly string[]).includes(m))).toBe(true)
    expect(Object.keys(mainWorld)).toEqual(['lab'])
    expect(Object.keys(mainWorld.lab).sort()).toEqual(['invoke', 'on', 'pickFiles'])
  })

  it('fails loudly, as Electron would, when it needs a module the sandbox refuses', () => {
    // The shape of the bug this guards against: an externalised dependency in the bundle.
    const ipc = new FakeIpcRenderer(async () => null)
    const broken = loadSandboxedPreload(ipc, `const z = require("zod");\nrequire("electron").contextBridge.exposeInMainWorld("lab", {})`)
    expect(broken.error?.message).toBe('module not found: zod')
    expect(broken.mainWorld.lab).toBeUndefined()
  })

  it('round-trips a call: window.lab.invoke → the invoke channel → a reply, through both copies across worlds', async () => {
    const seen: unknown[][] = []
    const { mainWorld } = preloadWith(async (channel, args) => {
      seen.push([channel, ...args])
      return { ok: true, result: { echoed: args[1] } }
    })
    await expect(mainWorld.lab.invoke('runs.get', { id: 'r1' })).resolves.toEqual({ ok: true, result: { echoed: { id: 'r1' } } })
    expect(seen).toEqual([[INVOKE_CHANNEL, 'runs.get', { id: 'r1' }]])
    // Outside the contract nothing is sent.
    await expect(mainWorld.lab.invoke('fs.readFile', { path: '/etc/passwd' })).rejects.toThrow(/unknown method/)
    expect(seen).toHaveLength(1)
  })

  it("passes the renderer client's params as plain data: a Vue reactive object crosses (it cannot be structured-cloned)", async () => {
    const seen: unknown[] = []
    const { mainWorld } = preloadWith(async (_channel, args) => {
      seen.push(args[1])
      return { ok: true, result: null }
    })
    const client = createIpcClient(mainWorld.lab)
    const state = reactive({ name: 'x', tags: ['a'], nested: { lr: 0.01 } })
    // The bridge itself refuses the proxy — the reason the client copies first.
    expect(() => mainWorld.lab.invoke('experiments.update', { id: 'e', patch: state })).toThrow(/could not be cloned/)
    await client.invoke('experiments.update', { id: 'e', patch: state } as never)
    expect(seen).toEqual([{ id: 'e', patch: { name: 'x', tags: ['a'], nested: { lr: 0.01 } } }])
  })

  it('dispatches every subscription from one IPC listener, and unsubscribes', () => {
    const { ipc, mainWorld } = preloadWith(async () => null)
    const got: string[] = []
    const offs = EVENT_NAMES.flatMap((e) => [mainWorld.lab.on(e, () => got.push(`${e}#1`)), mainWorld.lab.on(e, () => got.push(`${e}#2`))])
    // Two subscriptions per event, one listener: no MaxListenersExceededWarning however many views subscribe.
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1)
    ipc.emit(EVENT_CHANNEL, {}, 'run.progress', { fraction: 0.5 })
    expect(got).toEqual(['run.progress#1', 'run.progress#2'])
    offs.forEach((off: () => void) => off())
    ipc.emit(EVENT_CHANNEL, {}, 'run.progress', { fraction: 0.6 })
    expect(got).toHaveLength(2)
    expect(() => mainWorld.lab.on('ipc:raw', () => {})).toThrow(/unknown event/)
  })

  it('a throwing listener does not keep the event from the others', () => {
    const { ipc, mainWorld } = preloadWith(async () => null)
    const got: unknown[] = []
    const error = console.error
    console.error = () => {}
    try {
      mainWorld.lab.on('runs.changed', () => {
        throw new Error('view bug')
      })
      mainWorld.lab.on('runs.changed', (p: unknown) => got.push(p))
      ipc.emit(EVENT_CHANNEL, {}, 'runs.changed', { runId: 'r' })
    } finally {
      console.error = error
    }
    expect(got).toEqual([{ runId: 'r' }])
  })

  it('asks main for a file dialog of a known kind only', async () => {
    const seen: unknown[][] = []
    const { mainWorld } = preloadWith(async (channel, args) => {
      seen.push([channel, ...args])
      return ['/data/run.json']
    })
    await expect(mainWorld.lab.pickFiles('run')).resolves.toEqual(['/data/run.json'])
    await expect(mainWorld.lab.pickFiles('/etc')).rejects.toThrow(/unknown file dialog/)
    expect(seen).toEqual([[PICK_FILES_CHANNEL, 'run']])
  })

  it('knows every method of the contract', async () => {
    const { mainWorld } = preloadWith(async () => ({ ok: true, result: 1 }))
    for (const m of METHOD_NAMES) await expect(mainWorld.lab.invoke(m, {})).resolves.toEqual({ ok: true, result: 1 })
  })
})
