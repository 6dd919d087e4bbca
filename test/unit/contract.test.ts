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
      ['settings.set', { backend: 'tpu' }, /backend: .*"auto"\|"tfjs-node-gpu"\|"tfjs-node"\|"wasm"\|"cpu"/],
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
