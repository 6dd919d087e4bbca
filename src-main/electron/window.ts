/** The hardened window settings of the design, kept apart from Electron so tests can check them. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false
  } as const
}

/** Only the app's own files may be shown in the window. */
export function isAppUrl(url: string, appRoot: string): boolean {
  return url.startsWith(appRoot)
}

/**
 * Permissions the window may have: writing text to the clipboard (Compare → Copy link) from the
 * app's own pages, nothing else — no camera, notifications, geolocation, clipboard reads, … Electron asks
 * for `clipboard-sanitized-write` when a page calls navigator.clipboard.writeText.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, appRoot: string): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isAppUrl(requestingUrl, appRoot)
}
