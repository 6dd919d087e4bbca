/**
 * The engine's native modules are built once, for the Node.js that ran `npm install`. Started under another
 * Node (a desktop launcher or IDE with a different `node` on PATH), better-sqlite3 fails with a dlopen error
 * about NODE_MODULE_VERSION; this check runs first and says what happened and what to do, in words.
 */
import { createRequire } from 'node:module'

/** Node.js majors by module ABI (process.versions.modules), for the message only. */
const NODE_BY_ABI: Record<string, string> = { '108': '18', '115': '20', '120': '21', '127': '22', '131': '23', '137': '24', '141': '25' }

const nodeName = (abi: string) => (NODE_BY_ABI[abi] ? `Node.js ${NODE_BY_ABI[abi]}` : `module ABI ${abi}`)

export interface Runtime {
  execPath: string
  version: string
}

/** The readable reason for a native module that cannot load here; null when the error is not about that. */
export function nativeModuleProblem(moduleName: string, err: unknown, rt: Runtime): string | null {
  const message = err instanceof Error ? err.message : String(err)
  const abi = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)\.\s+This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(message)
  if (abi) {
    return (
      `${moduleName} was built for ${nodeName(abi[1])} but the engine runs on Node.js ${rt.version} (${rt.execPath}). ` +
      `Start the lab with the Node.js you installed it with (npm start passes its own as LAB_NODE; set LAB_NODE=/path/to/node otherwise), ` +
      `or rebuild it for this one: npm rebuild ${moduleName}`
    )
  }
  const code = (err as NodeJS.ErrnoException | null)?.code
  if (code === 'ERR_DLOPEN_FAILED' || /Could not locate the bindings file|Cannot find module '.*\.node'|invalid ELF header|wrong ELF class|not a valid Win32 application/.test(message)) {
    return (
      `${moduleName}'s native part cannot load under Node.js ${rt.version} (${rt.execPath}): ${message.split('\n')[0]}. ` +
      `Reinstall it with \`npm rebuild ${moduleName}\` (it compiles where no prebuilt binary can be fetched — see the README's install notes)`
    )
  }
  return null
}

/** Throws a readable error when better-sqlite3 cannot be used by this Node.js. */
export function checkNativeModules(): void {
  const require = createRequire(import.meta.url)
  try {
    const Database = require('better-sqlite3')
    new Database(':memory:').close()
  } catch (err) {
    const rt = { execPath: process.execPath, version: process.version }
    throw new Error(nativeModuleProblem('better-sqlite3', err, rt) ?? (err instanceof Error ? err.message : String(err)))
  }
}
