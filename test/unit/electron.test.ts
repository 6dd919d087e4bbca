/**
 * The Electron binary cannot run here, so `electron` is replaced by a recording fake and the code
 * around it — the preload bridge and the window hardening — is tested for real.
 */
import { describe, expect, it, vi } from 'vitest'
import { EVENT_NAMES, METHOD_NAMES } from '../../src-shared/contract'
import { CONTENT_SECURITY_POLICY, isAppUrl, secureWebPreferences } from '../../src-main/electron/window'

const exposed: Record<string, any> = {}
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, result: 'pong' }))
const listeners: ((e: unknown, name: string, payload: unknown) => void)[] = []
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (_channel: string, l: any) => listeners.push(l),
    removeListener: (_channel: string, l: any) => listeners.splice(listeners.indexOf(l), 1)
  }
}))

describe('preload bridge', () => {
  it('exposes only invoke and on (for the contract methods and events) and the import dialog', async () => {
    await import('../../src-main/preload/index')
    const lab = exposed.lab
    expect(Object.keys(lab).sort()).toEqual(['invoke', 'on', 'pickFiles'])

    await expect(lab.invoke('fs.readFile', { path: '/etc/passwd' })).rejects.toThrow(/unknown method/)
    expect(invoke).not.toHaveBeenCalled()
    await expect(lab.invoke(METHOD_NAMES[0], {})).resolves.toEqual({ ok: true, result: 'pong' })
    expect(invoke).toHaveBeenCalledWith('lab:invoke', METHOD_NAMES[0], {})

    expect(() => lab.on('ipc:raw', () => {})).toThrow(/unknown event/)
    const got: unknown[] = []
    const off = lab.on(EVENT_NAMES[0], (p: unknown) => got.push(p))
    listeners.forEach((l) => l({}, EVENT_NAMES[0], { a: 1 }))
    listeners.forEach((l) => l({}, EVENT_NAMES[1], { b: 2 }))
    expect(got).toEqual([{ a: 1 }])
    off()
    expect(listeners).toHaveLength(0)
  })
})

describe('window hardening', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = secureWebPreferences('/app/preload.cjs')
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(prefs.preload).toBe('/app/preload.cjs')
  })

  it('has a strict CSP: own scripts only, no eval, no plugins, no framing', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).not.toContain("'unsafe-eval'")
    expect(directives['script-src']).not.toContain("'unsafe-inline'")
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['frame-ancestors']).toEqual(["'none'"])
  })

  it('allows navigation only inside the app', () => {
    const root = 'file:///opt/lab/out/renderer/'
    expect(isAppUrl('file:///opt/lab/out/renderer/index.html#/runs', root)).toBe(true)
    expect(isAppUrl('https://example.org/', root)).toBe(false)
    expect(isAppUrl('file:///etc/passwd', root)).toBe(false)
  })
})
