/** Contract validation: validateCall itself, and malformed calls against the real engine process over Node IPC. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LabError, METHOD_NAMES, METHOD_SCHEMAS, validateCall } from '../../src-shared/contract'
import { IpcEngine, TINY, cleanupTempDirs, sleep, tempDir } from './helpers'

function rejection(method: string, params?: unknown): LabError {
  try {
    validateCall(method, params)
  } catch (err) {
    expect(err).toBeInstanceOf(LabError)
    return err as LabError
  }
  throw new Error(`validateCall(${method}) accepted ${JSON.stringify(params)}`)
}

describe('validateCall', () => {
  test('unknown methods are refused by name, including prototype keys', () => {
    for (const m of ['runs.nuke', 'toString', '__proto__', 'constructor', '']) {
      const e = rejection(m, {})
      expect(e.code).toBe('unknown-method')
      expect(e.message).toBe(`unknown method "${m}"`)
    }
    expect(rejection('x'.repeat(5000)).message.length).toBeLessThan(200)
  })

  test('bad params are refused with a message naming the field', () => {
    const cases: [string, unknown, RegExp][] = [
      ['runs.get', { id: 42 }, /^invalid params for runs\.get: id: /],
      ['runs.get', {}, /^invalid params for runs\.get: id: /],
      ['runs.get', { id: '' }, /id: .*>=1 characters/],
      ['runs.get', undefined, /^invalid params for runs\.get: params: /],
      ['runs.get', 'abc', /^invalid params for runs\.get: params: /],
      ['settings.set', { concurrency: 0 }, /concurrency: .*>=1/],
      ['settings.set', { concurrency: 1.5 }, /concurrency: /],
      ['settings.set', { backend: 'tpu' }, /backend: .*"auto"\|"tfjs-node-gpu"\|"tfjs-node"\|"blas"\|"wasm"\|"cpu"/],
      ['settings.set', { backend: 'cpu', colour: 'red' }, /Unrecognized key.*"colour"/],
      ['experiments.create', { name: '   ', studyId: 'training', config: {} }, /name: /],
      ['experiments.create', { name: 'x', studyId: 'training', config: {}, tags: ['ok', 3] }, /tags\.1: /],
      ['runs.series', { id: 'r', key: 'boundary', step: -1 }, /step: /],
      ['runs.scalars', { id: 'r', keys: 'train/loss' }, /keys: /],
      ['engine.info', { verbose: true }, /Unrecognized key.*"verbose"/]
    ]
    for (const [method, params, message] of cases) {
      const e = rejection(method, params)
      expect(e.code, `${method} ${JSON.stringify(params)}`).toBe('bad-request')
      expect(e.message, `${method} ${JSON.stringify(params)}`).toMatch(message)
    }
  })

  test('a method that is not a string is refused without converting it (no toString call)', () => {
    for (const m of [{ toString: 'x' }, { toString: () => 'runs.get' }, ['runs.get'], null, undefined]) {
      const e = rejection(m as any, {})
      expect(e.code).toBe('unknown-method')
      expect(e.message).toMatch(/^unknown method \(an? (object|null|undefined), not a name\)$/)
    }
    expect(rejection(42 as any).message).toBe('unknown method "42"')
  })

  test('keys that reach a prototype are refused anywhere in the params, and so is nesting deeper than 64', () => {
    const cases: [string, string, RegExp][] = [
      ['runs.get', '{"id":"a","__proto__":{"polluted":1}}', /^invalid params for runs\.get: params\.__proto__: the key "__proto__" is not allowed$/],
      ['experiments.create', '{"name":"x","studyId":"training","config":{"a":[{"constructor":{"prototype":{"p":1}}}]}}', /params\.config\.a\.0\.constructor: the key "constructor" is not allowed/],
      ['layouts.save', '{"name":"x","state":{"prototype":1}}', /params\.state\.prototype: /],
      ['experiments.create', `{"name":"x","studyId":"training","config":${'['.repeat(1500)}${']'.repeat(1500)}}`, /params\.config\.0\.0\..*: nested more than 64 levels deep/]
    ]
    for (const [method, json, message] of cases) {
      const e = rejection(method, JSON.parse(json))
      expect(e.code, json.slice(0, 80)).toBe('bad-request')
      expect(e.message, json.slice(0, 80)).toMatch(message)
    }
    expect(({} as any).polluted).toBeUndefined()
    // 63 levels (the config object itself is one) pass the guard; the study schema judges them.
    expect(validateCall('experiments.create', { name: 'x', studyId: 'training', config: JSON.parse(`${'['.repeat(62)}${']'.repeat(62)}`) }).method).toBe('experiments.create')
  })

  test('sweep paths that reach a prototype are refused by the sweep schema', () => {
    for (const path of ['__proto__.zzPolluted', 'optimizer.constructor', 'prototype', 'a.__proto__.b']) {
      const e = rejection('sweeps.create', { base: 'e1', params: [{ path, values: [1] }] })
      expect(e.message, path).toMatch(/params\.0\.path: "(__proto__|constructor|prototype)" is not allowed in a path/)
    }
  })

  test('valid calls pass, parsed; null and missing params mean "none" where none are needed', () => {
    expect(validateCall('runs.get', { id: 'abc' })).toEqual({ method: 'runs.get', params: { id: 'abc' } })
    expect(validateCall('engine.info', undefined)).toEqual({ method: 'engine.info', params: {} })
    expect(validateCall('engine.info', null)).toEqual({ method: 'engine.info', params: {} })
    expect(validateCall('runs.list', undefined).params).toEqual({})
    expect(validateCall('experiments.create', { name: '  trimmed ', studyId: 'training', config: 1 }).params.name).toBe('trimmed')
    // every method of the contract has a schema
    expect(METHOD_NAMES.sort()).toEqual(Object.keys(METHOD_SCHEMAS).sort())
  })
})

describe('the engine process answers malformed calls and keeps going', () => {
  let engine: IpcEngine

  beforeAll(async () => {
    engine = IpcEngine.start(tempDir())
    await engine.ready
  })

  afterAll(async () => {
    await engine?.kill('SIGTERM')
    cleanupTempDirs()
  })

  test('bad params, unknown methods and bad configs get error replies naming the problem', async () => {
    const reply = (m: any) => engine.raw({ ...m, id: (m.id ??= engine.newId()) }, m.id)
    expect(await reply({ type: 'call', method: 'runs.get', params: { id: 42 } })).toMatchObject({
      type: 'error',
      error: { code: 'bad-request', message: expect.stringMatching(/^invalid params for runs\.get: id: /) }
    })
    expect(await reply({ type: 'call', method: 'runs.explode', params: {} })).toMatchObject({
      type: 'error',
      error: { code: 'unknown-method', message: 'unknown method "runs.explode"' }
    })
    expect(await reply({ type: 'call', method: 42 })).toMatchObject({ type: 'error', error: { code: 'unknown-method', message: 'unknown method "42"' } })
    expect(await reply({ type: 'nonsense', params: {} })).toMatchObject({ type: 'error', error: { code: 'bad-request', message: expect.stringMatching(/expected \{type: "call"/) } })
    expect(await reply({ type: 'call', method: 'runs.get', params: { id: 'no-such-run' } })).toMatchObject({
      type: 'error',
      error: { code: 'not-found', message: 'run no-such-run not found' }
    })
    expect(
      await reply({ type: 'call', method: 'experiments.create', params: { name: 'bad', studyId: 'training', config: { ...TINY, optimizer: { ...TINY.optimizer, learningRate: -1 } } } })
    ).toMatchObject({ type: 'error', error: { code: 'bad-request', message: expect.stringMatching(/^invalid config: optimizer\.learningRate: /) } })
    expect(await reply({ type: 'call', method: 'experiments.create', params: { name: 'bad', studyId: 'nope', config: {} } })).toMatchObject({
      type: 'error',
      error: { code: 'bad-request', message: expect.stringMatching(/study: unknown study "nope"/) }
    })
  })

  test('fuzz: prototype keys, prototype-named ids and paths, deep nesting — every method answers with a clear error, nothing is polluted', async () => {
    const hostileIds = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']
    const hostile: unknown[] = [
      JSON.parse('{"__proto__":{"zzPolluted":1}}'),
      JSON.parse('{"constructor":{"prototype":{"zzPolluted":1}}}'),
      JSON.parse(`{"config":${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}}`),
      ...hostileIds.flatMap((id) => [{ id }, { id, name: 'x' }, { id, key: id }, { experimentId: id }, { jobId: id }, { ids: [id], keys: [id] }])
    ]
    const answers: { method: string; params: unknown; code: string }[] = []
    for (const method of METHOD_NAMES) {
      if (method === 'trash.empty' || method === 'settings.set') continue // valid with any of these as {} — and they change the store
      for (const params of hostile) {
        const id = engine.newId()
        const reply = await engine.raw({ type: 'call', id, method, params }, id)
        answers.push({ method, params, code: reply.type === 'error' ? reply.error.code : 'ok' })
      }
    }
    const extra: [string, unknown][] = [
      ...hostileIds.map((studyId): [string, unknown] => ['experiments.create', { name: 'x', studyId, config: {} }]),
      ...hostileIds.map((study): [string, unknown] => ['sweeps.create', { base: { study, config: {} }, params: [] }]),
      ['sweeps.create', { base: { study: 'training', config: TINY }, params: [{ path: '__proto__.zzPolluted', values: [1] }] }],
      ['sweeps.create', { base: { study: 'training', config: TINY }, params: [{ path: 'constructor.prototype.zzPolluted', values: [1] }] }],
      ['sweeps.create', { base: { study: 'training', config: TINY }, params: [{ path: 'optimizer.toString', values: [1] }] }],
      ['datasets.generate', { generator: 'constructor', seed: 1 }],
      ['datasets.generate', { generator: 'circles', seed: 1, params: JSON.parse('{"__proto__":1,"constructor":2}') }]
    ]
    for (const [method, params] of extra) {
      const id = engine.newId()
      const reply = await engine.raw({ type: 'call', id, method, params }, id)
      answers.push({ method, params, code: reply.type === 'error' ? reply.error.code : 'ok' })
      if (reply.type === 'error' && /sweeps|experiments/.test(method)) expect(reply.error.message).not.toMatch(/Cannot read|undefined|is not a function/)
    }
    // No raw internal error for any of them (internal is what a TypeError from a prototype member becomes).
    expect(answers.filter((a) => a.code === 'internal').map((a) => `${a.method} ${JSON.stringify(a.params).slice(0, 80)}`)).toEqual([])
    expect(answers.filter((a) => a.method === 'sweeps.create').every((a) => a.code === 'bad-request')).toBe(true)
    // A method given as an object is refused, not stringified.
    const id = engine.newId()
    expect(await engine.raw({ type: 'call', id, method: { toString: 'x' } }, id)).toMatchObject({ type: 'error', error: { code: 'unknown-method' } })
    // The engine is not poisoned: calls with object params still validate (a polluted Object.prototype
    // would make every strict object schema see an "Unrecognized key").
    const e = await engine.call('experiments.create', { name: 'after the fuzz', studyId: 'training', config: TINY })
    expect(await engine.call('experiments.get', { id: e.id })).toMatchObject({ name: 'after the fuzz' })
    expect((await engine.call('settings.get', {})).concurrency).toBe(1)
    expect(engine.stderr).toBe('')
  })

  test('messages without an id or not objects at all are ignored, and the next valid call is answered', async () => {
    for (const junk of ['hello', 42, null, [], { type: 'call' }, { type: 'call', id: 'x', method: 'engine.info' }, { id: {} }]) engine.child.send(junk as any)
    await sleep(100)
    expect(engine.child.exitCode).toBeNull()
    const info = await engine.call('engine.info')
    expect(info.pid).toBe(engine.child.pid)
    const e = await engine.call('experiments.create', { name: 'fine', studyId: 'training', config: TINY })
    expect(await engine.call('experiments.get', { id: e.id })).toMatchObject({ id: e.id, name: 'fine', studyId: 'training' })
    expect(engine.stderr).toBe('')
  })
})
