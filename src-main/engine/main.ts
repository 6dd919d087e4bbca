/**
 * The engine process. `--ipc` when Electron main forks it (Node IPC channel); `--serve` to serve the lab
 * to a browser on 127.0.0.1 with a token. Stops cleanly on SIGINT/SIGTERM or when its parent goes away.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { DATA_DIR_OPTION, PORT_OPTION, UsageError, formatHelp, parseCommandArgs } from '../args'
import { checkNativeModules } from './nativeModules'
import { Lab } from './lab'
import { resolveDataDir } from './paths'
import { attachIpc } from './transport/ipc'
import { serve, type Served } from './transport/http'

export const DEFAULT_PORT = 5917

const ENGINE_OPTIONS = {
  'data-dir': DATA_DIR_OPTION,
  serve: { type: 'boolean', default: false, help: 'serve the lab and its API to a browser on 127.0.0.1 (token in the printed URL)' },
  ipc: { type: 'boolean', default: false }, // Electron main's channel; not for people
  port: PORT_OPTION
} as const

async function main(): Promise<void> {
  const { values } = parseCommandArgs({ options: ENGINE_OPTIONS, strict: true })
  if (values.help) {
    console.log(formatHelp({ usage: 'node out/main/engine.js --serve [options]   (npm run serve -- [options])', options: ENGINE_OPTIONS, environment: { LAB_TOKEN: 'fixes the serve token (default: random per start)' } }))
    return
  }
  // A bad command line is refused before anything opens (or migrates) the store.
  const requestedPort = values.port !== undefined ? Number(values.port) : DEFAULT_PORT
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw new UsageError(`--port ${values.port} is not a port number`)
  // Before anything opens the store: a native module built for another Node says so in words.
  checkNativeModules()
  const { dataDir, source } = resolveDataDir(values['data-dir'])
  const mode = values.ipc ? 'ipc' : 'serve'
  const lab = await Lab.open({ dataDir, dataDirSource: source, mode, workerUrl: new URL('./worker.js', import.meta.url) })
  let served: Served | null = null

  let stopping = false
  const stop = async (code = 0) => {
    if (stopping) return
    stopping = true
    await served?.close()
    await lab.close()
    if (served) console.log('Lab stopped.')
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))

  if (values.ipc) {
    attachIpc(lab)
    process.on('disconnect', () => void stop(0))
    process.send!({ type: 'event', event: 'engine.ready', payload: lab.info() })
  }
  if (values.serve) {
    const token = process.env.LAB_TOKEN || randomBytes(24).toString('hex')
    const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
    try {
      served = await serve(lab, { port: requestedPort, token, rendererDir })
    } catch (err) {
      // The default port is only a convenience: if it is taken, take any free one. An explicit port is honoured or refused.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) throw err
      served = await serve(lab, { port: 0, token, rendererDir })
    }
    const info = lab.info()
    console.log(`Phenomenology Lab ${info.version} — backend ${info.backend}, data in ${info.dataDir}`)
    console.log(`Lab serving at ${served.url}`)
    console.log('Press Ctrl-C to stop.')
  }
}

main().catch((err) => {
  console.error(`engine: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(err instanceof UsageError ? 2 : 1)
})
