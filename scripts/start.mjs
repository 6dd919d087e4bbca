// `npm start` and `npm run serve`: build if the sources changed, then hand over to the launcher
// (src-main/electron/launcher.ts: the Electron window, or the same lab served to a browser, and --help).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildIfStale, root } from './build-if-stale.mjs'

buildIfStale()
const { launch } = await import(pathToFileURL(join(root, 'out', 'main', 'launcher.js')).href)
process.exit(await launch({ argv: process.argv.slice(2), root }))
