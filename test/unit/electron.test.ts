/**
 * The pure parts of Electron main: window hardening, the permissions the window gets, app links and the
 * file dialogs. (The preload is tested as built, in a sandbox: preload.sandbox.test.ts; the app with a
 * fake `electron` module and a real engine: electron.desktop.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { FILE_DIALOG_KINDS } from '../../src-shared/contract'
import { fileDialog, pickedPaths } from '../../src-main/electron/dialogs'
import { APP_LINK_SCHEME, isAppLink, routeFromAppLink } from '../../src-main/electron/links'
import { CONTENT_SECURITY_POLICY, isAppUrl, permissionAllowed, secureWebPreferences } from '../../src-main/electron/window'
import { APP_LINK_SCHEME as RENDERER_LINK_SCHEME, shareableLink } from '../../src-renderer/api/client'

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

  it('grants clipboard writes to the app page (Copy link) and nothing else', () => {
    const root = 'file:///opt/lab/out/renderer/'
    expect(permissionAllowed('clipboard-sanitized-write', 'file:///opt/lab/out/renderer/index.html#/compare', root)).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/', root)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', undefined, root)).toBe(false)
    for (const p of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal']) expect(permissionAllowed(p, `${root}index.html`, root)).toBe(false)
  })
})

describe('app links', () => {
  it('turn into the route they carry, and nothing else does', () => {
    expect(routeFromAppLink('phenomenology-lab://compare?s=eyJydW5JZHMiOlsiYSJdfQ')).toBe('/compare?s=eyJydW5JZHMiOlsiYSJdfQ')
    expect(routeFromAppLink('phenomenology-lab:///runs')).toBe('/runs')
    expect(routeFromAppLink('phenomenology-lab://runs/r-12')).toBe('/runs/r-12')
    for (const bad of ['phenomenology-lab://compare?s=<script>', 'phenomenology-lab://../../etc/passwd', 'phenomenology-lab://compare#x', 'https://example.org/', 'file:///etc/passwd', 'phenomenology-lab://']) {
      expect(routeFromAppLink(bad), bad).toBeNull()
    }
    expect(isAppLink('phenomenology-lab://compare')).toBe(true)
    expect(isAppLink('--data-dir=x')).toBe(false)
  })

  it('are what the renderer copies in the desktop window (the state, not a file:// path); a browser copies its URL', () => {
    expect(RENDERER_LINK_SCHEME).toBe(APP_LINK_SCHEME)
    const desktop = shareableLink('/compare?s=abc', { transport: 'ipc' }, { origin: 'file://', pathname: '/home/me/lab/out/renderer/index.html' })
    expect(desktop).toBe('phenomenology-lab://compare?s=abc')
    expect(routeFromAppLink(desktop)).toBe('/compare?s=abc')
    expect(shareableLink('/compare?s=abc', { transport: 'websocket' }, { origin: 'http://127.0.0.1:5917', pathname: '/' })).toBe('http://127.0.0.1:5917/#/compare?s=abc')
  })
})

describe('file dialogs', () => {
  it('a dataset import multi-selects dataset files and still offers all files (IDX names have no extension dot)', () => {
    const { options, max } = fileDialog('dataset')
    expect(options.properties).toEqual(['openFile', 'multiSelections'])
    const exts = options.filters.flatMap((f) => f.extensions)
    for (const e of ['gz', 'csv', 'npy', 'idx3-ubyte', 'idx1-ubyte', '*']) expect(exts).toContain(e)
    expect(exts).not.toContain('json')
    expect(max).toBe(4)
  })

  it('"Import run…" picks one exported run: its filter shows .json files', () => {
    const { options, max } = fileDialog('run')
    expect(options.properties).toEqual(['openFile'])
    expect(options.filters[0].extensions).toEqual(['json'])
    expect(max).toBe(1)
  })

  it('every kind of the contract has a dialog; anything else is refused', () => {
    for (const k of FILE_DIALOG_KINDS) expect(fileDialog(k).options.title).toBeTruthy()
    for (const bad of ['', 'toString', '__proto__', 42, null]) expect(() => fileDialog(bad)).toThrow(/unknown file dialog/)
  })

  it('returns [] when cancelled and refuses more files than the kind takes', () => {
    expect(pickedPaths({ canceled: true, filePaths: ['/a'] })).toEqual([])
    expect(pickedPaths({ canceled: false, filePaths: ['/a', '/b'] })).toEqual(['/a', '/b'])
    expect(() => pickedPaths({ canceled: false, filePaths: ['1', '2', '3', '4', '5'] })).toThrow(/at most 4/)
    expect(() => pickedPaths({ canceled: false, filePaths: ['1', '2'] }, 1)).toThrow(/choose one file/)
  })
})
