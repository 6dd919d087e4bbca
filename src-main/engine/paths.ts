import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

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

/** Remember a data directory for the next start; refuses one that is not absolute or not writable. */
export function setPreferredDataDir(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!isAbsolute(dir)) throw new Error(`"${dir}" is not an absolute path`)
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
  } catch (err) {
    throw new Error(`cannot use ${dir} as the data directory: ${(err as Error).message}`)
  }
  mkdirSync(appDir(env), { recursive: true })
  writeFileSync(join(appDir(env), LOCATION_FILE), JSON.stringify({ dataDir: dir }, null, 2))
}
