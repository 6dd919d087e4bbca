/** Run export / import: the JSON document and the folder form, round trips, malformed input, the engine calls and the CLI. */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { openStore, type LabStore } from '../../src-main/engine/store'
import { Lab } from '../../src-main/engine/lab'
import { IMPORT_CHUNK, IMPORT_LIMITS, exportRun, importRun, importRunFrom, readRunExport, writeRunFolder, writeRunJson } from '../../src-main/engine/runs/runExport'
import { parseScalarsCsv } from '../../src-main/engine/runs/scalarsCsv'
import { CLI_JS, TEST_ENV, TINY, WORKER_URL, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

const BYTES = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256)

/** A finished run of an experiment and a sweep, with every kind of data a run stores. */
function seedRun(store: LabStore) {
  const e = store.experiments.create({ name: 'Spirals', studyId: 'training', config: TINY })
  const sweep = store.sweeps.create({ name: 'lr sweep', experimentId: e.id, studyId: 'training', spec: { base: { experimentId: e.id }, params: [], seeds: [1] } as any })
  const run = store.runs.create({ experimentId: e.id, name: 'Spirals #1', studyId: 'training', config: TINY, seed: 3, sweepId: sweep.id, sweepIndex: 0 })
  store.runs.markRunning(run.id, 'wasm', 40)
  store.runs.appendBatch(run.id, {
    scalars: [
      { key: 'train/loss', step: 0, wall: 1000.5, value: 0.7 },
      { key: 'train/loss', step: 10, wall: 1001.25, value: 0.1234567890123 },
      { key: 'train/loss', step: 20, wall: 1002, value: NaN },
      { key: 'test/accuracy', step: 10, wall: 1001.25, value: 0.9 },
      { key: 'odd, "key"', step: 5, wall: 1001, value: -1e-12 }
    ],
    series: [
      { key: 'boundary', step: 10, payload: { nx: 2, cls: 'AAE=' } },
      { key: 'boundary', step: 20, payload: { nx: 2, cls: 'AQA=' } },
      { key: 'points', step: 0, payload: { x: [1, 2], y: [3, 4] } }
    ],
    artifacts: [
      { name: 'model.weights', kind: 'weights', bytes: BYTES },
      { name: 'empty.bin', kind: 'other', bytes: new Uint8Array(0) }
    ],
    progress: { fraction: 1, steps: 20 }
  })
  store.runs.finish(run.id, 'completed', { summary: { final: { 'test/accuracy': 0.9 }, steps: 20, epochs: 5, wallSeconds: 2, samplesPerSecond: 100 } })
  store.runs.update(run.id, { tags: ['baseline', 'spirals'], notes: 'looks good', starred: true })
  return { run: store.runs.get(run.id)!, experiment: e, sweep }
}

/** Everything of a run that an import must carry over, without its identity. */
function contentOf(store: LabStore, id: string) {
  const r = store.runs.get(id)!
  return {
    run: { name: r.name, studyId: r.studyId, config: r.config, seed: r.seed, status: r.status, backend: r.backend, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt, error: r.error, summary: r.summary, tags: r.tags, notes: r.notes, starred: r.starred, archived: r.archived },
    scalars: store.runs.scalars(id),
    metrics: store.runs.metrics.of(id),
    series: [...store.runs.seriesRows(id)].map(([key, step, payload]) => ({ key, step, payload: JSON.parse(payload) })),
    artifacts: [...store.runs.artifactRows(id)].map((a) => ({ name: a.name, kind: a.kind, bytes: [...a.bytes] }))
  }
}

function counts(store: LabStore) {
  const n = (t: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n
  return Object.fromEntries(['runs', 'scalars', 'series', 'artifacts', 'run_metrics'].map((t) => [t, n(t)]))
}

describe('export', () => {
  test('the document holds metadata, names, every scalar (null for non-finite), series and artifacts as base64', () => {
    const store = openStore(tempDir())
    try {
      const { run } = seedRun(store)
      const doc = exportRun(store, run.id)!
      expect(doc).toMatchObject({ format: 'phenomenology-lab/run', version: 1 })
      expect(doc.run).toMatchObject({ id: run.id, name: 'Spirals #1', seed: 3, status: 'completed', backend: 'wasm', tags: ['baseline', 'spirals'], notes: 'looks good', starred: true, archived: false, experimentName: 'Spirals', sweepName: 'lr sweep' })
      expect(doc.run.config).toEqual(TINY)
      expect(doc.scalars['train/loss']).toEqual({ step: [0, 10, 20], wall: [1000.5, 1001.25, 1002], value: [0.7, 0.1234567890123, null] })
      expect(doc.series.map((s) => [s.key, s.step])).toEqual([['boundary', 10], ['boundary', 20], ['points', 0]])
      expect(Buffer.from(doc.artifacts.find((a) => a.name === 'model.weights')!.base64, 'base64')).toEqual(Buffer.from(BYTES))
      expect(exportRun(store, 'nope')).toBeUndefined()
    } finally {
      store.close()
    }
  })
})

describe('round trips', () => {
  test('JSON: export → file → import gives a new run with equal config, scalars, stats, series and artifacts', () => {
    const dir = tempDir()
    const store = openStore(dir)
    const other = openStore(tempDir())
    try {
      const { run } = seedRun(store)
      const file = join(dir, 'run.json')
      writeRunJson(exportRun(store, run.id)!, file)
      expect(() => writeRunJson(exportRun(store, run.id)!, file)).toThrow(/already exists/)
      const imported = importRun(other, readRunExport(file))
      expect(imported.id).not.toBe(run.id)
      expect([imported.experimentId, imported.sweepId]).toEqual([null, null])
      expect(imported.steps).toBe(20)
      expect(contentOf(other, imported.id)).toEqual(contentOf(store, run.id))
      // importing into the same store makes a second, independent run
      const again = importRun(store, readRunExport(file))
      expect(store.runs.list()).toHaveLength(2)
      expect(contentOf(store, again.id)).toEqual(contentOf(store, run.id))
    } finally {
      store.close()
      other.close()
    }
  })

  test('folder: run.json + scalars.csv + series.jsonl + artifacts/ read back to the same document and run', () => {
    const dir = tempDir()
    const store = openStore(dir)
    try {
      const { run } = seedRun(store)
      const doc = exportRun(store, run.id)!
      const folder = join(dir, 'exported')
      writeRunFolder(doc, folder)
      expect(readdirSync(folder).sort()).toEqual(['artifacts', 'run.json', 'scalars.csv', 'series.jsonl'])
      expect(readdirSync(join(folder, 'artifacts')).sort()).toEqual(['empty.bin', 'model.weights'])
      const manifest = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'))
      expect(Object.keys(manifest).sort()).toEqual(['artifacts', 'exportedAt', 'format', 'run', 'version'])
      expect(manifest.artifacts).toEqual([{ name: 'empty.bin', kind: 'other' }, { name: 'model.weights', kind: 'weights' }])
      const csv = readFileSync(join(folder, 'scalars.csv'), 'utf8').split('\n')
      expect(csv[0]).toBe('key,step,wall,value')
      expect(csv).toContain('"odd, ""key""",5,1001,-1e-12')
      expect(csv).toContain('train/loss,20,1002,')
      expect(readFileSync(join(folder, 'artifacts', 'model.weights'))).toEqual(Buffer.from(BYTES))

      const back = readRunExport(folder)
      expect(back).toEqual(doc)
      const imported = importRun(store, back)
      expect(contentOf(store, imported.id)).toEqual(contentOf(store, run.id))
      expect(() => writeRunFolder(doc, folder)).toThrow(/not an empty folder/)
    } finally {
      store.close()
    }
  })

  test('the path given may be a link, to a .json document or to an exported folder (only what is inside a folder must be regular files)', () => {
    const dir = tempDir()
    const store = openStore(dir)
    try {
      const { run } = seedRun(store)
      const doc = exportRun(store, run.id)!
      writeRunJson(doc, join(dir, 'run.json'))
      writeRunFolder(doc, join(dir, 'run-folder'))
      symlinkSync(join(dir, 'run.json'), join(dir, 'link.json'))
      symlinkSync(join(dir, 'run-folder'), join(dir, 'link-folder'))
      for (const path of [join(dir, 'link.json'), join(dir, 'link-folder')]) {
        expect(readRunExport(path).scalars).toEqual(doc.scalars)
        expect(contentOf(store, importRunFrom(store, path).id)).toEqual(contentOf(store, run.id))
      }
    } finally {
      store.close()
    }
  })

  test('a run exported while queued or running comes back interrupted', () => {
    const store = openStore(tempDir())
    try {
      const { run } = seedRun(store)
      const doc = exportRun(store, run.id)!
      for (const status of ['queued', 'running'] as const) expect(importRun(store, { ...doc, run: { ...doc.run, status } }).status).toBe('interrupted')
      expect(importRun(store, { ...doc, run: { ...doc.run, status: 'failed' } }).status).toBe('failed')
    } finally {
      store.close()
    }
  })
})

describe('malformed input is refused with a clear message and stores nothing', () => {
  const dir = tempDir()
  const store = openStore(dir)
  const { run } = seedRun(store)
  const doc = exportRun(store, run.id)!
  afterAll(() => store.close())

  /** Refused both ways in: read into a document, and the streaming import (a folder's series a chunk at a time). */
  function refused(path: string, message: RegExp) {
    const before = counts(store)
    expect(() => importRun(store, readRunExport(path))).toThrow(message)
    expect(() => importRunFrom(store, path)).toThrow(message)
    expect(counts(store)).toEqual(before)
  }
  const file = (name: string, content: string) => (writeFileSync(join(dir, name), content), join(dir, name))
  const folder = (name: string, edit: (f: string) => void) => {
    const f = join(dir, name)
    writeRunFolder(doc, f)
    edit(f)
    return f
  }

  test('JSON documents', () => {
    refused(join(dir, 'missing.json'), /cannot read .*missing\.json: no such file or folder/)
    refused(file('notjson.json', '{ nope'), /notjson\.json is not valid JSON/)
    refused(file('array.json', '[1, 2]'), /array\.json does not hold a run export/)
    refused(file('other.json', JSON.stringify({ format: 'something-else' })), /other\.json is not a run export: field "format" is "something-else", expected "phenomenology-lab\/run"/)
    refused(file('noformat.json', JSON.stringify({ run: {} })), /field "format" is missing/)
    refused(file('v2.json', JSON.stringify({ ...doc, version: 2 })), /v2\.json: field "version" is 2; this lab reads version 1/)
    refused(file('noname.json', JSON.stringify({ ...doc, run: { ...doc.run, name: '' } })), /noname\.json: invalid run export: run\.name: /)
    refused(file('extra.json', JSON.stringify({ ...doc, extra: 1 })), /invalid run export: .*extra/)
    refused(file('lengths.json', JSON.stringify({ ...doc, scalars: { k: { step: [1, 2], wall: [1], value: [1, 2] } } })), /scalars\.k: step, wall and value must have the same length \(2, 1, 2\)/)
    refused(file('b64.json', JSON.stringify({ ...doc, artifacts: [{ name: 'a', kind: 'k', base64: 'not base64!' }] })), /artifact "a" is not valid base64/)
    refused(file('path.json', JSON.stringify({ ...doc, artifacts: [{ name: '../escape', kind: 'k', base64: '' }] })), /artifact name "\.\.\/escape" cannot be used as a file name/)
  })

  test('JSON documents: nesting, prototype keys, duplicate artifacts, and no echo of a foreign file', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`)
    refused(file('deep.json', JSON.stringify({ ...doc, run: { ...doc.run, config: deep } })), /deep\.json: run\.config\.a\.a\..*: nested more than 64 levels deep/)
    refused(file('proto.json', JSON.stringify({ ...doc, run: { ...doc.run, config: {} } }).replace('"config":{}', '"config":{"__proto__":{"polluted":1}}')), /proto\.json: run\.config\.__proto__: the key "__proto__" is not allowed/)
    expect(({} as any).polluted).toBeUndefined()
    refused(file('dup.json', JSON.stringify({ ...doc, artifacts: [{ name: 'a', kind: 'k', base64: '' }, { name: 'a', kind: 'k', base64: 'AAAA' }] })), /dup\.json: two artifacts are named "a"; artifact names must be unique/)
    const secret = 'SECRET-CONTENT-OF-SOMEONE-ELSES-FILE'
    const foreign = file('foreign.json', `{"format": "phenomenology-lab/run" ${secret}`)
    expect(() => readRunExport(foreign)).toThrow(/^.*foreign\.json is not valid JSON \(at character \d+\)$/)
    expect(() => readRunExport(foreign)).not.toThrow(new RegExp(secret))
    const other = file('long-format.json', JSON.stringify({ format: `${secret}${'x'.repeat(500)}` }))
    expect(() => readRunExport(other)).toThrow(/field "format" is "SECRET-CONTENT-OF-SOMEONE-ELSES-FILEx{24}", expected/)
  })

  test('a folder holds regular files only: links, folders and pipes are refused by name, sizes are capped', () => {
    const link = (name: string, target: string, rel = join('artifacts', 'model.weights')) =>
      folder(name, (f) => {
        rmSync(join(f, rel))
        symlinkSync(target, join(f, rel))
      })
    refused(link('ln-passwd', '/etc/passwd'), /ln-passwd\/artifacts\/model\.weights is a symbolic link; an exported run holds regular files only/)
    refused(link('ln-zero', '/dev/zero'), /ln-zero\/artifacts\/model\.weights is a symbolic link/)
    refused(link('ln-csv', '/etc/passwd', 'scalars.csv'), /ln-csv\/scalars\.csv is a symbolic link/)
    refused(link('ln-series', '/dev/zero', 'series.jsonl'), /ln-series\/series\.jsonl is a symbolic link/)
    refused(link('ln-manifest', '/etc/passwd', 'run.json'), /ln-manifest\/run\.json is a symbolic link/)
    refused(
      folder('fifo', (f) => {
        rmSync(join(f, 'artifacts', 'model.weights'))
        execFileSync('mkfifo', [join(f, 'artifacts', 'model.weights')])
      }),
      /fifo\/artifacts\/model\.weights is not a regular file \(a device, pipe or socket\)/
    )
    refused(
      folder('dir-artifact', (f) => {
        rmSync(join(f, 'artifacts', 'model.weights'))
        mkdirSync(join(f, 'artifacts', 'model.weights'))
      }),
      /dir-artifact\/artifacts\/model\.weights is a folder, not a file/
    )
    const limit = IMPORT_LIMITS.artifactBytes
    IMPORT_LIMITS.artifactBytes = 100
    try {
      refused(folder('big-artifact', () => {}), /big-artifact\/artifacts\/model\.weights is 300 bytes, more than the 100 this lab reads for it/)
    } finally {
      IMPORT_LIMITS.artifactBytes = limit
    }
  })

  test('folders', () => {
    refused(folder('no-manifest', (f) => rmSync(join(f, 'run.json'))), /not a complete exported run folder .*missing file .*run\.json/)
    refused(folder('no-csv', (f) => rmSync(join(f, 'scalars.csv'))), /missing file .*scalars\.csv/)
    refused(folder('no-series', (f) => rmSync(join(f, 'series.jsonl'))), /missing file .*series\.jsonl/)
    refused(folder('no-artifact', (f) => rmSync(join(f, 'artifacts', 'model.weights'))), /missing file .*model\.weights \(listed in run\.json\)/)
    refused(folder('bad-row', (f) => writeFileSync(join(f, 'scalars.csv'), 'key,step,wall,value\nloss,1,2,0.5\nloss,two,3,0.4\n')), /scalars\.csv: line 3: step "two" is not an integer/)
    refused(folder('bad-value', (f) => writeFileSync(join(f, 'scalars.csv'), 'key,step,wall,value\nloss,1,2,abc\n')), /scalars\.csv: line 2: value "abc" is not a number/)
    refused(folder('bad-fields', (f) => writeFileSync(join(f, 'scalars.csv'), 'key,step,wall,value\nloss,1,2\n')), /scalars\.csv: line 2: expected 4 fields/)
    refused(folder('bad-header', (f) => writeFileSync(join(f, 'scalars.csv'), 'k,s,w,v\n')), /scalars\.csv: line 1: the header must be "key,step,wall,value"/)
    refused(folder('bad-jsonl', (f) => writeFileSync(join(f, 'series.jsonl'), '{"key":"b","step":1,"payload":1}\n{oops\n')), /series\.jsonl line 2 is not valid JSON/)
    refused(folder('bad-manifest', (f) => writeFileSync(join(f, 'run.json'), JSON.stringify({ format: 'phenomenology-lab/run', version: 1 }))), /run\.json: invalid run export: .*run/)
  })

  test('an import writes in short transactions of its own, each at most a chunk (none holds the write lock for long)', () => {
    const target = openStore(tempDir())
    try {
      const big = structuredClone(doc)
      big.scalars = { a: { step: [], wall: [], value: [] }, b: { step: [], wall: [], value: [] } }
      for (let i = 0; i < 12_000; i++) for (const k of ['a', 'b']) (big.scalars[k].step.push(i), big.scalars[k].wall.push(i), big.scalars[k].value.push(i / 7))
      big.series = Array.from({ length: 40 }, (_, i) => ({ key: 'boundary', step: i, payload: { blob: 'y'.repeat(200_000) } }))
      const writes: { nested: boolean; scalars: number; seriesBytes: number }[] = []
      const append = target.runs.appendBatch
      target.runs.appendBatch = function (this: typeof target.runs, ...args: Parameters<typeof append>) {
        const [, b] = args
        writes.push({ nested: target.db.inTransaction, scalars: b.scalars?.length ?? 0, seriesBytes: (b.series ?? []).reduce((n, s) => n + (s.json ?? JSON.stringify(s.payload)).length, 0) })
        return append.apply(this, args)
      }
      const run = importRun(target, big)
      expect(writes.length).toBeGreaterThan(10)
      expect(writes.filter((w) => w.nested)).toEqual([]) // never inside one transaction around the whole import
      expect(Math.max(...writes.map((w) => w.scalars))).toBeLessThanOrEqual(IMPORT_CHUNK.scalars)
      expect(Math.max(...writes.map((w) => w.seriesBytes))).toBeLessThanOrEqual(IMPORT_CHUNK.seriesBytes + 200_100)
      expect(target.runs.scalars(run.id, ['a']).a.step).toHaveLength(12_000)
      expect(target.runs.seriesSteps(run.id, 'boundary')).toHaveLength(40)
    } finally {
      target.close()
    }
  })

  test('a failure half-way through the import rolls everything back', () => {
    const before = counts(store)
    const append = store.runs.appendBatch
    store.runs.appendBatch = function (this: typeof store.runs, ...args: Parameters<typeof append>) {
      append.apply(this, args)
      throw new Error('disk full')
    }
    try {
      expect(() => importRun(store, doc)).toThrow('disk full')
    } finally {
      store.runs.appendBatch = append
    }
    expect(counts(store)).toEqual(before)
  })

  test('CSV parsing honours quotes (commas, quotes and newlines in keys) and line numbers count quoted newlines', () => {
    expect(parseScalarsCsv('key,step,wall,value\n"a,""b""\nc",1,2,\nplain,3,4,5\n')).toEqual({
      'a,"b"\nc': { step: [1], wall: [2], value: [null] },
      plain: { step: [3], wall: [4], value: [5] }
    })
    expect(() => parseScalarsCsv('key,step,wall,value\n"a\nb",1,2,3\nx,1.5,2,3\n')).toThrow(/line 4: step "1.5" is not an integer/)
    expect(() => parseScalarsCsv('key,step,wall,value\n"open,1,2,3\n')).toThrow(/line 2: a quoted field is not closed/)
  })
})

describe('engine calls', () => {
  test('runs.export and runs.import (by path) through the Lab; runs.changed is emitted; bad files are bad requests', async () => {
    const dir = tempDir()
    const lab = await Lab.open({ dataDir: dir, mode: 'inprocess', workerUrl: WORKER_URL, env: { ...TEST_ENV, LAB_BACKEND: 'cpu' }, builtins: false })
    try {
      const { run } = seedRun(lab.store)
      const doc = await lab.call('runs.export', { id: run.id })
      expect(doc.run.id).toBe(run.id)
      await expect(lab.call('runs.export', { id: 'nope' })).rejects.toMatchObject({ code: 'not-found' })
      const file = join(dir, 'x.json')
      writeFileSync(file, JSON.stringify(doc))
      const events: unknown[] = []
      lab.on((e, p) => e === 'runs.changed' && events.push(p))
      const imported = await lab.call('runs.import', { path: file })
      expect(imported).toMatchObject({ name: run.name, status: 'completed', experimentId: null, starred: true })
      expect(events).toEqual([{ runId: imported.id }])
      writeFileSync(file, JSON.stringify({ ...doc, version: 3 }))
      await expect(lab.call('runs.import', { path: file })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/"version" is 3/) })
      expect((await lab.call('runs.table', {})).runs).toHaveLength(2)

      // exportTo: any size, a file or a folder, in the transfer worker; the same content as the document
      const out = join(dir, 'to.json')
      expect(await lab.call('runs.exportTo', { id: run.id, path: out })).toEqual({ runId: run.id, path: out, format: 'json', bytes: readFileSync(out).length })
      const { exportedAt: _a, ...fromFile } = JSON.parse(readFileSync(out, 'utf8'))
      const { exportedAt: _b, ...fromDoc } = doc
      expect(fromFile).toEqual(fromDoc)
      expect((await lab.call('runs.exportTo', { id: run.id, path: join(dir, 'to-folder') })).format).toBe('folder')
      expect(readRunExport(join(dir, 'to-folder')).scalars).toEqual(doc.scalars)
      await expect(lab.call('runs.exportTo', { id: run.id, path: out })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/already exists/) })
      await expect(lab.call('runs.exportTo', { id: 'nope', path: join(dir, 'n.json') })).rejects.toMatchObject({ code: 'not-found' })
      expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
      // the one-message document is refused above its limit, with the way out
      await expect(lab.transfers.document(run.id, 100)).rejects.toThrow(/too much for one message .*npm run lab -- export <runId> --out run\.json/)
      // emptying the trash runs in the worker too
      await lab.call('runs.delete', { id: imported.id })
      expect(await lab.call('trash.empty')).toMatchObject({ runs: 1 })
      expect(counts(lab.store).runs).toBe(1)
    } finally {
      await lab.close()
    }
  })

  test('an import cut off by the engine stopping leaves nothing visible, and the next start removes it', async () => {
    const dir = tempDir()
    const store = openStore(dir)
    const { run } = seedRun(store)
    // what a cut-off import leaves: a hidden run (IMPORTING) owned by a process that is gone
    const id = store.runs.insertImported({ ...store.runs.get(run.id)!, status: 'completed', summary: null, progress: 1, steps: 1, totalSteps: 1 } as any)
    store.runs.appendBatch(id, { scalars: [{ key: 'k', step: 1, wall: 1, value: 1 }] })
    store.db.prepare('UPDATE runs SET owner_pid = 999999999 WHERE id = ?').run(id)
    expect(store.runs.list().map((r) => r.id)).toEqual([run.id])
    expect(store.experiments.emptyTrash().runs).toBe(0) // it is not in the trash either
    store.close()
    const lab = await Lab.open({ dataDir: dir, mode: 'inprocess', workerUrl: WORKER_URL, env: { ...TEST_ENV, LAB_BACKEND: 'cpu' }, builtins: false })
    try {
      expect(lab.store.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE id = ?').get(id)).toEqual({ n: 0 })
      expect(lab.store.db.prepare('SELECT COUNT(*) AS n FROM scalars WHERE run_id = ?').get(id)).toEqual({ n: 0 })
    } finally {
      await lab.close()
    }
  })
})

function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })
    })
  })
}

// Spawns the built CLI (out/main/cli.js): run without LAB_TEST_SKIP_BUILD so it is fresh.
describe('cli: export and import', () => {
  test('export to <run name>.json in the cwd, to --out file.json and to a folder; import each into another data dir', async () => {
    const from = tempDir()
    const to = tempDir()
    const cwd = tempDir()
    const store = openStore(from)
    const { run } = seedRun(store)
    store.runs.rename(run.id, 'Spirals/#1')
    const original = contentOf(store, run.id)
    store.close()

    const byDefault = await cli(['export', run.id, '--data-dir', from], cwd)
    expect(byDefault.code, byDefault.stderr).toBe(0)
    expect(byDefault.stdout.trim()).toBe(join(cwd, 'Spirals_#1.json'))
    const again = await cli(['export', run.id, '--data-dir', from], cwd)
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/^lab: .*Spirals_#1\.json already exists/m)

    const named = await cli(['export', run.id, '--out', join(cwd, 'named.JSON'), '--json', '--data-dir', from])
    expect(named.code, named.stderr).toBe(0)
    expect(JSON.parse(named.stdout)).toEqual({ runId: run.id, path: join(cwd, 'named.JSON'), format: 'json' })
    expect(JSON.parse(readFileSync(join(cwd, 'named.JSON'), 'utf8')).run.id).toBe(run.id)

    const toFolder = await cli(['export', run.id, '--out', join(cwd, 'folder'), '--json', '--data-dir', from])
    expect(toFolder.code, toFolder.stderr).toBe(0)
    expect(JSON.parse(toFolder.stdout)).toEqual({ runId: run.id, path: join(cwd, 'folder'), format: 'folder' })
    expect(existsSync(join(cwd, 'folder', 'scalars.csv'))).toBe(true)

    for (const source of [join(cwd, 'Spirals_#1.json'), join(cwd, 'folder')]) {
      const r = await cli(['import', source, '--data-dir', to])
      expect(r.code, r.stderr).toBe(0)
      const id = r.stdout.trim()
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      const target = openStore(to)
      try {
        expect(contentOf(target, id)).toEqual(original)
      } finally {
        target.close()
      }
    }
  })

  test('bad input: unknown run, missing or malformed files exit 2 with a message; the usage lists both commands', async () => {
    const dir = tempDir()
    const missing = await cli(['export', 'no-such-run', '--data-dir', dir])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^lab: run no-such-run not found/m)
    const noFile = await cli(['import', join(dir, 'nope.json'), '--data-dir', dir])
    expect(noFile.code).toBe(2)
    expect(noFile.stderr).toMatch(/^lab: cannot read .*nope\.json: no such file or folder/m)
    mkdirSync(join(dir, 'empty'))
    const emptyFolder = await cli(['import', join(dir, 'empty'), '--data-dir', dir])
    expect(emptyFolder.code).toBe(2)
    expect(emptyFolder.stderr).toMatch(/not a complete exported run folder .*missing file .*run\.json/)
    const list = await cli(['list', '--json', '--data-dir', dir])
    expect(JSON.parse(list.stdout)).toEqual([])
    const help = await cli(['--help'])
    expect(help.stdout).toMatch(/^ {2}export <runId> \[--out <file\.json \| folder>\]/m)
    expect(help.stdout).toMatch(/^ {2}import <file\.json \| folder>/m)
  })
})
