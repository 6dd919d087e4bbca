import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the store lives unless `--data-dir` / `LAB_DATA_DIR` says otherwise. The same folder as
 * Electron's userData for this app, so the desktop app, serve mode and the CLI share one store.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LAB_DATA_DIR) return env.LAB_DATA_DIR
  const name = 'phenomenology-lab'
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name)
}
