import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

export type DataDirSource = 'flag' | 'env' | 'setting' | 'default'

/**
 * The app's own folder: the same as Electron's userData for this app, so the desktop app, serve mode
 * and the CLI share one store. It also holds `location.json`, the data directory chosen in Settings.
 */
export function appDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const name = 'phenomenology-lab'
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name)
}

const LOCATION_FILE = 'location.json'

/** Where serve mode's uploads wait for their import (each in its own folder, removed when the import ends). */
export function uploadsDir(dataDir: string): string {
  return join(resolve(dataDir), 'uploads')
}

/** Where serve mode writes a run's export before streaming it to the browser (removed once sent). */
export function exportsDir(dataDir: string): string {
  return join(resolve(dataDir), 'exports')
}

/**
 * Remove upload folders (and export files) older than `maxAgeMs`: what a browser uploaded but never
 * imported, or what a crash left. Only a process that runs work calls this (at start-up), so no import in flight is touched.
 */
export function removeStaleUploads(dataDir: string, maxAgeMs = 24 * 3600_000, now = Date.now()): number {
  let removed = 0
  for (const root of [uploadsDir(dataDir), exportsDir(dataDir)]) removed += removeOld(root, maxAgeMs, now)
  return removed
}

function removeOld(root: string, maxAgeMs: number, now: number): number {
  let removed = 0
  let names: string[]
  try {
    names = readdirSync(root)
  } catch {
    return 0
  }
  for (const name of names) {
    try {
      const at = join(root, name)
      if (now - lstatSync(at).mtimeMs > maxAgeMs) {
        rmSync(at, { recursive: true, force: true })
        removed++
      }
    } catch {
      // another process removed it first
    }
  }
  return removed
}

/** The upload folder (`<uploads>/<id>`) holding `path`, or null when `path` is not an upload of this data directory. */
export function uploadFolderOf(path: string, dataDir: string): string | null {
  const root = uploadsDir(dataDir)
  const rel = relative(root, resolve(path))
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null
  const [id, ...rest] = rel.split(sep)
  return rest.length ? join(root, id) : null
}

/** Where the store lives: `--data-dir`, else LAB_DATA_DIR, else the folder chosen in Settings, else appDir(). */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): { dataDir: string; source: DataDirSource } {
  if (flag) return { dataDir: flag, source: 'flag' }
  if (env.LAB_DATA_DIR) return { dataDir: env.LAB_DATA_DIR, source: 'env' }
  const chosen = preferredDataDir(env)
  if (chosen) return { dataDir: chosen, source: 'setting' }
  return { dataDir: appDir(env), source: 'default' }
}

export function preferredDataDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = join(appDir(env), LOCATION_FILE)
  if (!existsSync(file)) return null
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')).dataDir
    return typeof v === 'string' && isAbsolute(v) ? v : null
  } catch {
    return null
  }
}

/**
 * Make `dir` a folder the lab can write in, or say why not: the missing folders are created one level at
 * a time (Node 20's recursive mkdirSync never returns on procfs — `/proc/x` — where mkdir fails with
 * ENOENT under an existing parent), then a probe file is written and removed. Returns the absolute path.
 */
export function ensureFolder(dir: string, what = 'the data directory'): string {
  const abs = resolve(dir)
  const fail = (why: string): never => {
    throw new Error(`cannot use ${abs} as ${what}: ${why}`)
  }
  const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message
  const missing: string[] = []
  let at = abs
  for (;;) {
    let st: ReturnType<typeof statSync> | null = null
    try {
      st = statSync(at)
    } catch (err) {
      if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') fail(`cannot open ${at} (${code(err)})`)
    }
    if (st) {
      if (!st.isDirectory()) fail(`${at} is not a folder`)
      break
    }
    missing.push(at)
    const up = dirname(at)
    if (up === at) fail('no part of the path exists')
    at = up
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder)
    } catch (err) {
      if (code(err) !== 'EEXIST') fail(`cannot create ${folder} (${code(err)})`)
    }
    if (!lstatSync(folder).isDirectory()) fail(`${folder} is not a folder`)
  }
  const probe = join(abs, `.lab-write-probe-${process.pid}-${Date.now()}`)
  try {
    writeFileSync(probe, '')
  } catch (err) {
    fail(`cannot write in it (${code(err)})`)
  } finally {
    try {
      rmSync(probe, { force: true })
    } catch {
      // the write failed, so there is nothing to remove
    }
  }
  return abs
}

/** Remember a data directory for the next start; refuses one that is not absolute or not writable. */
export function setPreferredDataDir(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!isAbsolute(dir)) throw new Error(`"${dir}" is not an absolute path`)
  ensureFolder(dir)
  const app = ensureFolder(appDir(env), "the lab's settings folder")
  writeFileSync(join(app, LOCATION_FILE), JSON.stringify({ dataDir: dir }, null, 2))
}
