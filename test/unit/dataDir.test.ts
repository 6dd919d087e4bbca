/**
 * Data directories are checked before anything is created in them: a folder that cannot exist (procfs),
 * a file in the way, a folder that cannot be written — each refused with the folder and the reason. The
 * hanging cases run in child processes (the real engine and CLI), so a regression times out instead of
 * freezing the test runner.
 */
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ensureFolder } from '../../src-main/engine/paths'
import { CLI_JS, IpcEngine, TEST_ENV, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, timeout: 15_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr, timedOut: !!err?.killed })
    })
  })
}

describe('ensureFolder', () => {
  test('creates the missing folders level by level and leaves no probe file behind', () => {
    const root = tempDir()
    const dir = join(root, 'a', 'b', 'c')
    expect(ensureFolder(dir)).toBe(dir)
    expect(statSync(dir).isDirectory()).toBe(true)
    expect(readdirSync(dir)).toEqual([])
    expect(ensureFolder(dir)).toBe(dir) // an existing folder is fine
  })

  test('refuses procfs, a file in the way and a read-only folder, naming the folder and why', () => {
    expect(() => ensureFolder('/proc/lab-forbidden/x')).toThrow(/^cannot use \/proc\/lab-forbidden\/x as the data directory: cannot create \/proc\/lab-forbidden \(ENOENT\)$/)
    const root = tempDir()
    writeFileSync(join(root, 'file'), 'x')
    expect(() => ensureFolder(join(root, 'file', 'sub'))).toThrow(/: .*\/file is not a folder$/)
    expect(() => ensureFolder(join(root, 'file'))).toThrow(/\/file is not a folder$/)
    if (process.getuid?.() !== 0) {
      // root writes anywhere, so the permission case only means something for other users
      const ro = join(root, 'ro')
      mkdirSync(ro)
      chmodSync(ro, 0o500)
      expect(() => ensureFolder(ro)).toThrow(/cannot write in it \(EACCES\)/)
      chmodSync(ro, 0o700)
    }
  })
})

describe('a data directory on procfs', () => {
  test('settings.set {dataDir: /proc/…} is refused at once and the engine keeps answering', async () => {
    const engine = IpcEngine.start(tempDir())
    try {
      await engine.ready
      await expect(engine.call('settings.set', { dataDir: '/proc/forbidden' })).rejects.toMatchObject({
        code: 'bad-request',
        message: 'cannot use /proc/forbidden as the data directory: cannot create /proc/forbidden (ENOENT)'
      })
      expect((await engine.call('engine.info')).pid).toBe(engine.child.pid)
      expect((await engine.call('settings.get')).dataDir).toBeNull()
    } finally {
      await engine.kill('SIGTERM')
    }
  })

  test('the CLI with --data-dir /proc/… exits 2 with the reason instead of hanging', async () => {
    const r = await cli(['list', '--data-dir', '/proc/lab-xx'])
    expect(r.timedOut).toBe(false)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('lab: cannot use /proc/lab-xx as the data directory: cannot create /proc/lab-xx (ENOENT)\n')
    expect(existsSync('/proc/lab-xx')).toBe(false)
  })
})
