/** The command line (out/main/cli.js) as researchers and scripts use it, each call on a temp data dir. */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BACKENDS } from '../../src-shared/records'
import { CLI_JS, TEST_ENV, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: { ...TEST_ENV, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })
    })
  })
}

function configFile(dir: string, name: string, content: unknown): string {
  const p = join(dir, name)
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
  return p
}

describe('cli: bad input', () => {
  test('a config with a bad field exits 2 and names the field; nothing is stored', async () => {
    const dir = tempDir()
    const r = await cli(['run', configFile(dir, 'bad.json', { optimizer: { learningRate: -1 } }), '--data-dir', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^lab: invalid config: optimizer\.learningRate: /m)
    expect(r.stdout).toBe('')
    const list = await cli(['list', '--json', '--data-dir', dir])
    expect(JSON.parse(list.stdout)).toEqual([])
  })

  test('unknown and mistyped fields are named too', async () => {
    const dir = tempDir()
    const unknown = await cli(['run', configFile(dir, 'a.json', { epochz: 3 }), '--data-dir', dir])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/invalid config: .*"epochz"/)
    const typed = await cli(['run', configFile(dir, 'b.json', { study: 'training', config: { dataset: { kind: 'moons' } } }), '--data-dir', dir])
    expect(typed.code).toBe(2)
    expect(typed.stderr).toMatch(/invalid config: dataset\.kind: /)
    const notJson = await cli(['run', configFile(dir, 'c.json', '{ nope'), '--data-dir', dir])
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toMatch(/c\.json is not valid JSON/)
    const missing = await cli(['run', join(dir, 'missing.json'), '--data-dir', dir])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read .*missing\.json/)
    const template = await cli(['run', '--template', 'training/nope', '--data-dir', dir])
    expect(template.code).toBe(2)
    expect(template.stderr).toMatch(/unknown template "training\/nope"; available: .*training\/circles/)
  })
})

describe('cli: run, list, show', () => {
  const dir = tempDir()
  let out: any

  beforeAll(async () => {
    const r = await cli(['run', '--template', 'training/circles', '--json', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1) // one JSON object, nothing else on stdout
    out = JSON.parse(lines[0])
  })

  test('run --template --json prints one JSON object with the run', () => {
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['runId', 'status', 'backend', 'wallSeconds', 'steps', 'samplesPerSecond', 'summary']))
    expect(out.runId).toMatch(/^[0-9a-f-]{36}$/)
    expect(out.status).toBe('completed')
    expect(BACKENDS).toContain(out.backend)
    expect(out.wallSeconds).toBeGreaterThan(0)
    expect(out.wallSeconds).toBeLessThan(60)
    expect(out.steps).toBe(880) // 1000 points − 20 % test − 10 % validation = 700 train points: 22 batches of 32 × 40 epochs
    expect(out.samplesPerSecond).toBeGreaterThan(0)
    expect(out.summary).toMatchObject({ steps: 880, epochs: 40 })
    expect(out.summary.final['test/accuracy']).toBeGreaterThan(0.9) // the circle is easy
    expect(out.error).toBeNull()
  })

  test('list --json finds it', async () => {
    const r = await cli(['list', '--json', '--data-dir', dir])
    expect(r.code).toBe(0)
    const runs = JSON.parse(r.stdout)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ runId: out.runId, status: 'completed', backend: out.backend, name: 'Circles #1' })
  })

  test('show <id> --json shows it with its config', async () => {
    const r = await cli(['show', out.runId, '--json', '--data-dir', dir])
    expect(r.code).toBe(0)
    const run = JSON.parse(r.stdout)
    expect(run).toMatchObject({ runId: out.runId, status: 'completed', steps: 880, summary: out.summary })
    expect(run.config).toMatchObject({ dataset: { kind: 'circles', n: 1000 }, epochs: 40 })
    const missing = await cli(['show', 'no-such-run', '--json', '--data-dir', dir])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/run "no-such-run" not found/)
  })

  test('a partial config file is completed from the study defaults and runs', async () => {
    const r = await cli(['run', configFile(dir, 'small.json', { dataset: { kind: 'xor', n: 200 }, epochs: 2 }), '--json', '--name', 'partial', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ status: 'completed', name: 'partial #1', steps: 10 }) // 160 train points / 32 × 2
    const list = JSON.parse((await cli(['list', '--json', '--data-dir', dir])).stdout)
    expect(list.map((x: any) => x.runId).sort()).toEqual([out.runId, j.runId].sort())
  })

  test('a run that fails exits 1 and reports the error', async () => {
    // A partial config file in the first config format (layers without `form`): upgraded, completed, run.
    const diverge = {
      dataset: { kind: 'circles', n: 300, noise: 0 },
      network: { layers: [{ type: 'dense', units: 16, activation: 'linear' }, { type: 'dense', units: 16, activation: 'linear' }] },
      loss: 'mse',
      optimizer: { kind: 'sgd', learningRate: 10, momentum: 0 },
      batchSize: 16,
      epochs: 5,
      logEvery: 1
    }
    const r = await cli(['run', configFile(dir, 'diverge.json', diverge), '--json', '--data-dir', dir])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', error: expect.stringMatching(/loss became/) })
  })
})
