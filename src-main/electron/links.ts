/**
 * Links into the desktop app. A copied link must carry the view's state, not the window's file:// path
 * (which names a folder on one machine): `phenomenology-lab://compare?s=…` opens the same view in any
 * copy of the lab — passed to `npm start -- "<link>"`, forwarded to a lab that is already open, or clicked
 * where the scheme is registered (packaged builds). The renderer builds them in src-renderer/api/client.ts.
 */
export const APP_LINK_SCHEME = 'phenomenology-lab'

// A view name, optional sub-path segments, and a query of URL-safe characters (the compare state is base64url).
const LINK = new RegExp(`^${APP_LINK_SCHEME}:\\/\\/\\/?([a-z][a-z0-9-]*(?:\\/[A-Za-z0-9_-]+)*)\\/?(\\?[A-Za-z0-9_.~%=&,+-]*)?$`)

/** Whether a command-line argument is an app link (the OS passes them as arguments). */
export function isAppLink(arg: string): boolean {
  return arg.startsWith(`${APP_LINK_SCHEME}:`)
}

/** The renderer route of an app link (`/compare?s=…`), or null for anything that is not a well-formed one. */
export function routeFromAppLink(link: string): string | null {
  if (link.length > 200_000) return null
  const m = LINK.exec(link)
  return m ? `/${m[1]}${m[2] ?? ''}` : null
}
