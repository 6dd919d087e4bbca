// `npm start` and `npm run serve`: build if the sources changed, then hand over to the launcher
// (src-main/electron/launcher.ts: the Electron window, or the same lab served to a browser, and --help).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildIfStale, root } from './build-if-stale.mjs'

const launcher = join(root, 'out', 'main', 'launcher.js')
// An out/ from before the launcher existed is stale whatever the timestamps say.
buildIfStale({ force: !existsSync(launcher) })
const { launch } = await import(pathToFileURL(launcher).href)
process.exit(await launch({ argv: process.argv.slice(2), root }))
