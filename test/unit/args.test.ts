/**
 * One argument parser for every entry point (src-main/args.ts), and `--help` on each of them: `npm start`,
 * `npm run serve`, the engine, `npm run lab` and every one of its commands, `npm run bench`.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DATA_DIR_OPTION, UsageError, formatHelp, formatOptions, parseCommandArgs, usageLinesFor } from '../../src-main/args'
import { CLI_JS, ENGINE_JS, OUT_MAIN, ROOT, TEST_ENV, cleanupTempDirs, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

const START = join(ROOT, 'scripts', 'start.mjs')
const run = (args: string[], env: NodeJS.ProcessEnv = TEST_ENV) => spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })

describe('parseCommandArgs', () => {
  const options = { 'data-dir': DATA_DIR_OPTION, json: { type: 'boolean', default: false, help: 'JSON out' } } as const

  it('reads --data-dir X and --data-dir=X alike, and -h/--help on every command', () => {
    expect(parseCommandArgs({ args: ['--data-dir', '/a'], options }).values['data-dir']).toBe('/a')
    expect(parseCommandArgs({ args: ['--data-dir=/a=b'], options }).values['data-dir']).toBe('/a=b')
    expect(parseCommandArgs({ args: ['-h'], options }).values.help).toBe(true)
    expect(parseCommandArgs({ args: [], options }).values).toEqual({ json: false, help: false })
  })

  it('says what is wrong in words', () => {
    const bad = (args: string[], extra = {}) => {
      try {
        parseCommandArgs({ args, options, ...extra })
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError)
        return (e as Error).message
      }
      throw new Error('no error')
    }
    expect(bad(['--frob'])).toBe('unknown option --frob')
    expect(bad(['--data-dir'])).toBe('--data-dir needs a value (--data-dir DIR or --data-dir=DIR)')
    expect(bad(['--data-dir', '--json'])).toBe('--data-dir needs a value (--data-dir DIR or --data-dir=DIR)')
    expect(bad(['--json=yes'])).toBe('--json takes no value')
    expect(bad(['extra'])).toBe('unexpected argument extra')
  })

  it('with strict: false (Electron main) keeps the known options and lets Chromium switches and links through', () => {
    const { values, positionals } = parseCommandArgs({ args: ['--data-dir=/d', '--no-sandbox', '--ozone-platform=wayland', 'phenomenology-lab://runs'], options, strict: false, allowPositionals: true })
    expect(values['data-dir']).toBe('/d')
    expect(positionals).toEqual(['phenomenology-lab://runs'])
  })

  it('builds the help from the options: documented ones only, aligned, with -h', () => {
    const text = formatOptions({ ...options, ipc: { type: 'boolean' } })
    expect(text.split('\n')).toEqual([
      `      --data-dir DIR  ${DATA_DIR_OPTION.help}`,
      '      --json          JSON out',
      '  -h, --help          show this help and exit'
    ])
    expect(formatHelp({ usage: 'x [options]', options, environment: { A: 'b' } })).toMatch(/^usage: x \[options\]\n\noptions:\n.*\n\nenvironment:\n {2}A {2}b$/s)
  })

  it("finds one (sub)command's lines in a usage text, continuation lines included", () => {
    const usage = `usage: tool <command>
  run <file>           run it
  run --template <id>  run a template
  dataset generate <g> make one
  dataset transform <id> <op>
                       op: pca, …
  list                 list
options: --data-dir D`
    expect(usageLinesFor(usage, ['run'])).toEqual(['  run <file>           run it', '  run --template <id>  run a template'])
    expect(usageLinesFor(usage, ['dataset', 'transform'])).toEqual(['  dataset transform <id> <op>', '                       op: pca, …'])
    expect(usageLinesFor(usage, ['dataset'])).toHaveLength(3)
    expect(usageLinesFor(usage, ['run', 'my.json'])).toHaveLength(2) // a file name, not a subcommand
    expect(usageLinesFor(usage, ['zap'])).toEqual([])
  })
})

describe('--help on every entry point', () => {
  it('npm start and npm run serve print their usage; a bad option says so (exit 2)', () => {
    const start = run([START, '--help'])
    expect(start.status).toBe(0)
    expect(start.stdout).toMatch(/^usage: npm start -- \[options\]/)
    expect(start.stdout).toMatch(/--data-dir DIR/)
    expect(start.stdout).toMatch(/LAB_NODE/)
    const serve = run([START, '--serve', '-h'])
    expect(serve.status).toBe(0)
    expect(serve.stdout).toMatch(/^usage: npm run serve -- \[options\]/)
    expect(serve.stdout).toMatch(/--port N/)
    const bad = run([START, '--serve', '--frob'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe('npm run serve: unknown option --frob (see: npm run serve -- --help)\n')
    const startBad = run([START, 'notalink'])
    expect(startBad.status).toBe(2)
    expect(startBad.stderr).toMatch(/^npm start: unexpected argument notalink/)
  })

  it('the engine and the bench print their usage', () => {
    const engine = run([ENGINE_JS, '--help'])
    expect(engine.status).toBe(0)
    expect(engine.stdout).toMatch(/^usage: .*--serve/)
    // A bad value is a bad command line too: refused before the store is opened (or created).
    const dir = join(tempDir(), 'store')
    const badPort = run([ENGINE_JS, '--serve', '--port', 'abc', '--data-dir', dir])
    expect(badPort.status).toBe(2)
    expect(badPort.stderr).toBe('engine: --port abc is not a port number\n')
    expect(existsSync(dir)).toBe(false)
    const bench = run([join(OUT_MAIN, 'bench.js'), '--help'])
    expect(bench.status).toBe(0)
    expect(bench.stdout).toMatch(/^usage: npm run bench -- \[options\]/)
    expect(bench.stdout).toMatch(/--compare-only/)
    const benchBad = run([join(OUT_MAIN, 'bench.js'), '--frob'])
    expect(benchBad.status).toBe(2)
    expect(benchBad.stderr).toMatch(/^bench: unknown option --frob/)
  })

  it('npm run lab and each of its commands print their usage without opening a store', () => {
    const never = join(tempDir(), 'never-created')
    const all = run([CLI_JS, '--help', `--data-dir=${never}`])
    expect(all.status).toBe(0)
    expect(all.stdout).toMatch(/^usage: npm run lab -- <command>/)
    const commands = [['run'], ['templates'], ['list'], ['show'], ['export'], ['import'], ['sweep'], ['dataset'], ['dataset', 'generate'], ['dataset', 'import'], ['dataset', 'transform']]
    for (const words of commands) {
      const r = run([CLI_JS, ...words, '--help', `--data-dir=${never}`])
      expect(r.status, words.join(' ')).toBe(0)
      const lines = r.stdout.trim().split('\n')
      expect(lines[0]).toBe(`usage: npm run lab -- ${words[0]} …`)
      // Only this command's lines (and the shared options line).
      const commandLines = lines.slice(1, -1).filter((l) => /^ {2}\S/.test(l))
      expect(commandLines.length, words.join(' ')).toBeGreaterThan(0)
      for (const l of commandLines) expect(l.startsWith(`  ${words.join(' ')}`), l).toBe(true)
      expect(lines.at(-1)).toMatch(/^options: --data-dir/)
    }
    expect(existsSync(never)).toBe(false)
  })
})

describe('--data-dir=X everywhere', () => {
  it('the CLI', () => {
    const dir = tempDir()
    const r = run([CLI_JS, 'list', '--json', `--data-dir=${dir}`])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual([])
    expect(existsSync(join(dir, 'lab.sqlite'))).toBe(true)
  })

  it('npm run serve, and npm start falling back to serve (no display here)', async () => {
    for (const args of [['--serve'], []]) {
      const dir = tempDir()
      const env = { ...TEST_ENV, DISPLAY: '', WAYLAND_DISPLAY: '' }
      const child = spawn(process.execPath, [START, ...args, `--data-dir=${dir}`, '--port=0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
      try {
        await waitFor(() => /Lab serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out), 'the serving line', 30_000)
        expect(out).toContain(`data in ${dir}`)
        if (!args.length) expect(out).toMatch(/^Electron is not available here: there is no display \(DISPLAY is not set\)\. Serving the lab in your browser instead\./)
      } finally {
        child.kill('SIGINT')
      }
      expect(await exited).toBe(0)
      expect(out).toContain('Lab stopped.')
    }
  })
})
