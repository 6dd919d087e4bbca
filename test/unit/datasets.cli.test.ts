/** `lab dataset …` round trips through the built CLI (out/main/cli.js) on a temp data dir. */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { CLI_JS, TEST_ENV, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('cli: dataset', () => {
  const dir = tempDir()
  const at = ['--data-dir', dir]

  test('generate → list → show round trip (shape, classes, counts per class, provenance)', async () => {
    const g = await cli(['dataset', 'generate', 'checkerboard', '--set', 'n=800', '--set', 'cells=4', '--seed', '7', '--name', 'board', '--json', ...at])
    expect(g.code, g.stderr).toBe(0)
    const made = JSON.parse(g.stdout)
    expect(made).toMatchObject({ name: 'board', kind: 'generated', shape: { n: 800, sample: [2] }, spec: { generator: 'checkerboard', params: { n: 800, cells: 4, noise: 0 }, seed: 7 } })
    const list = JSON.parse((await cli(['dataset', 'list', '--json', ...at])).stdout)
    expect(list.map((d: any) => d.id).sort()).toEqual([made.id, 'builtin-mnist'].sort())
    const show = await cli(['dataset', 'show', made.id, '--json', ...at])
    const d = JSON.parse(show.stdout)
    expect(d.countsPerClass['0'] + d.countsPerClass['1']).toBe(800)
    expect(d.provenance.seed).toBe(7)
    expect(d.checksum).toBe(made.checksum)
    const mnist = JSON.parse((await cli(['dataset', 'show', 'builtin-mnist', '--json', ...at])).stdout)
    expect(mnist.shape).toMatchObject({ n: 10_000, sample: [28, 28, 1], dtype: 'uint8' })
    expect(Object.keys(mnist.countsPerClass)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
  })

  test('import with a progress bar on stderr, then transform', async () => {
    const csv = join(dir, 'pts.csv')
    writeFileSync(csv, 'x1,x2,label\n' + Array.from({ length: 200 }, (_, i) => `${i / 10},${(i % 7) / 3},${i % 4}`).join('\n') + '\n')
    const imp = await cli(['dataset', 'import', csv, '--name', 'points', ...at])
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stderr).toMatch(/\[#+-*\]\s+\d+%/)
    expect(imp.stdout).toMatch(/dataset \S+ {2}points/)
    expect(imp.stdout).toMatch(/per class: 0: 50, 1: 50, 2: 50, 3: 50/)
    const id = /dataset (\S+) {2}points/.exec(imp.stdout)![1]
    const sub = await cli(['dataset', 'transform', id, 'subset', '--set', 'classes=1,3', '--json', ...at])
    expect(sub.code, sub.stderr).toBe(0)
    expect(JSON.parse(sub.stdout)).toMatchObject({ kind: 'derived', parentId: id, shape: { n: 100, classes: 2 }, classCounts: [50, 50] })
    const split = await cli(['dataset', 'transform', id, 'split', '--set', 'testFraction=0.25', '--json', ...at])
    expect(JSON.parse(split.stdout).map((d: any) => d.shape.n)).toEqual([150, 50])
  })

  test('invalid input: non-zero exit with a clear message, nothing stored', async () => {
    const before = JSON.parse((await cli(['dataset', 'list', '--json', ...at])).stdout).length
    const bad = [
      [['dataset', 'generate', 'moons'], /unknown generator "moons"/, 2],
      [['dataset', 'generate', 'xor', '--set', 'n=abc'], /n must be a number/, 2],
      [['dataset', 'generate', 'xor', '--set', 'n'], /--set n: expected key=value/, 2],
      [['dataset', 'show', 'nope'], /dataset "nope" not found/, 2],
      [['dataset', 'frobnicate'], /unknown dataset command "frobnicate"/, 2],
      [['dataset', 'import', join(dir, 'missing.csv')], /import failed: cannot read .*missing\.csv: no such file/, 1],
      [['dataset', 'transform', 'builtin-mnist', 'pca', '--set', 'components=0'], /components/, 2],
      [['dataset', 'transform', 'builtin-mnist', 'rotate'], /transform/, 2]
    ] as const
    for (const [args, message, code] of bad) {
      const r = await cli([...args, ...at])
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
    expect(JSON.parse((await cli(['dataset', 'list', '--json', ...at])).stdout).length).toBe(before)
  })
})
