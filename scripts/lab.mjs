// `npm run lab -- <command>` and `npm run bench`: build if needed, then run the CLI (or the bench).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { buildIfStale, root } from './build-if-stale.mjs'

const args = process.argv.slice(2)
const bench = args[0] === '--bench'
buildIfStale()
const entry = join(root, 'out', 'main', bench ? 'bench.js' : 'cli.js')
const child = spawn(process.execPath, [entry, ...(bench ? args.slice(1) : args)], { stdio: 'inherit' })
// The child handles Ctrl-C itself (a CLI run cancels and keeps what it logged); wait for it.
process.on('SIGINT', () => {})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
