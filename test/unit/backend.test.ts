/** The compute-backend resolver: order, forcing, refusal — in-process and through the real engine process. */
import { createRequire } from 'node:module'
import { afterAll, describe, expect, test } from 'vitest'
import { BACKENDS, type BackendName } from '../../src-shared/records'
import { parseBackendOverride, resolveBackend, tf } from '../../src-main/engine/compute/backend'
import { findBlasAddon } from '../../src-main/engine/compute/blasKernels'
import { IpcEngine, TINY, cleanupTempDirs, openLab, runToEnd, tempDir } from './helpers'

afterAll(cleanupTempDirs)

const require = createRequire(import.meta.url)
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg)
    return true
  } catch {
    return false
  }
}
const NATIVE: Record<string, boolean> = {
  'tfjs-node-gpu': installed('@tensorflow/tfjs-node-gpu'),
  'tfjs-node': installed('@tensorflow/tfjs-node')
}
/** What `auto` must pick on this machine: the first backend in resolver order that can load. */
const EXPECTED_AUTO: BackendName = NATIVE['tfjs-node-gpu'] ? 'tfjs-node-gpu' : NATIVE['tfjs-node'] ? 'tfjs-node' : findBlasAddon() ? 'blas' : 'wasm'
/** The tfjs backend it runs on (blas is wasm with native GEMM kernels). */
const EXPECTED_TF = EXPECTED_AUTO === 'wasm' || EXPECTED_AUTO === 'blas' ? 'wasm' : 'tensorflow'
const UNAVAILABLE = (['tfjs-node-gpu', 'tfjs-node'] as const).find((b) => !NATIVE[b])

describe('backend resolver', () => {
  test('the resolver order is tfjs-node-gpu → tfjs-node → blas → wasm → cpu', () => {
    expect(BACKENDS).toEqual(['tfjs-node-gpu', 'tfjs-node', 'blas', 'wasm', 'cpu'])
  })

  test('auto picks the first available backend and says why the ones before it are not', async () => {
    const r = await resolveBackend('auto')
    expect(r.backend).toBe(EXPECTED_AUTO)
    expect(tf.getBackend()).toBe(EXPECTED_TF)
    expect(r.probes.map((p) => p.name)).toEqual(BACKENDS)
    const first = r.probes.findIndex((p) => p.available)
    expect(r.probes[first].name).toBe(EXPECTED_AUTO)
    for (const p of r.probes.slice(0, first)) {
      expect(p.available).toBe(false)
      expect(p.detail.length).toBeGreaterThan(5)
      expect(r.reason).toContain(`${p.name}: `)
    }
    expect(r.reason).toMatch(/^first available/)
    expect(r.probes.find((p) => p.name === 'wasm')).toMatchObject({ available: true, accelerated: false })
    expect(r.probes.find((p) => p.name === 'cpu')).toMatchObject({ available: true, accelerated: false })
  })

  test('forcing cpu activates cpu', async () => {
    const r = await resolveBackend('cpu')
    expect(r.backend).toBe('cpu')
    expect(r.reason).toBe('forced (cpu)')
    expect(tf.getBackend()).toBe('cpu')
  })

  test('LAB_BACKEND values: names and auto are accepted, anything else is an error listing the valid names', () => {
    expect(parseBackendOverride(undefined)).toBeUndefined()
    expect(parseBackendOverride('')).toBeUndefined()
    expect(parseBackendOverride('auto')).toBe('auto')
    for (const b of BACKENDS) expect(parseBackendOverride(b)).toBe(b)
    expect(() => parseBackendOverride('gpu')).toThrow('LAB_BACKEND="gpu" is not a backend; use one of auto, tfjs-node-gpu, tfjs-node, blas, wasm, cpu')
    expect(() => parseBackendOverride('WASM')).toThrow(/not a backend/)
  })

  test.skipIf(!UNAVAILABLE)('a forced backend that is not available is an error, never a silent fallback', async () => {
    await expect(resolveBackend(UNAVAILABLE!)).rejects.toThrow(new RegExp(`^backend ${UNAVAILABLE} was requested but is not available: `))
    await expect(openLab(tempDir(), { LAB_BACKEND: UNAVAILABLE })).rejects.toThrow(/was requested but is not available/)
  })
})

describe('backend in the lab', () => {
  test('LAB_BACKEND=cpu forces cpu for the engine and its runs, and the run stores it', async () => {
    const lab = await openLab(tempDir(), { LAB_BACKEND: 'cpu' })
    try {
      expect(lab.backend).toBe('cpu')
      const info = await lab.call('engine.info')
      expect(info.backend).toBe('cpu')
      expect(info.backendReason).toMatch(/^LAB_BACKEND=cpu: forced/)
      const run = await runToEnd(lab, { ...TINY, epochs: 1 })
      expect(run.status).toBe('completed')
      expect(run.backend).toBe('cpu')
      // the setting cannot override the environment's choice for this engine
      expect((await lab.call('runs.list'))[0].backend).toBe('cpu')
    } finally {
      await lab.close()
    }
  })

  test.skipIf(!UNAVAILABLE)('settings.set to an unavailable backend is refused and the engine keeps its backend', async () => {
    const lab = await openLab(tempDir())
    try {
      expect(lab.backend).toBe(EXPECTED_AUTO)
      await expect(lab.call('settings.set', { backend: UNAVAILABLE })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/not available/) })
      expect(lab.backend).toBe(EXPECTED_AUTO)
      expect((await lab.call('settings.get')).backend).toBe('auto')
      expect(await lab.call('settings.set', { backend: 'cpu' })).toMatchObject({ backend: 'cpu', concurrency: 1 })
      expect(lab.backend).toBe('cpu')
      const run = await runToEnd(lab, { ...TINY, epochs: 1 })
      expect(run.backend).toBe('cpu')
    } finally {
      await lab.close()
    }
  })
})

describe('backend in the real engine process (plain Node)', () => {
  test('auto: engine.info reports the chosen backend and why the others are unavailable', async () => {
    const engine = IpcEngine.start(tempDir(), { LAB_BACKEND: '' })
    try {
      const ready = await engine.ready
      expect(ready.backend).toBe(EXPECTED_AUTO)
      const info = await engine.call('engine.info')
      expect(info.backend).toBe(EXPECTED_AUTO)
      expect(info.mode).toBe('ipc')
      for (const name of ['tfjs-node-gpu', 'tfjs-node']) {
        const probe = info.backends.find((p: any) => p.name === name)
        if (!NATIVE[name]) expect(probe).toMatchObject({ available: false, detail: 'not installed (optional dependency; its native download is not available here)' })
      }
    } finally {
      await engine.kill('SIGTERM')
    }
  })

  test('blas without its OpenBLAS is unavailable with the reason: auto goes on to wasm, forcing it stops the engine', async () => {
    const missing = { LAB_BACKEND: '', LAB_BLAS_LIBRARY: 'libopenblas-not-here.so.0' }
    const engine = IpcEngine.start(tempDir(), missing)
    try {
      const fallback = EXPECTED_AUTO === 'blas' ? 'wasm' : EXPECTED_AUTO
      expect((await engine.ready).backend).toBe(fallback)
      const info = await engine.call('engine.info')
      expect(info.backends.find((p: any) => p.name === 'blas')).toMatchObject({ available: false, detail: expect.stringMatching(/^OpenBLAS cannot be opened \(libopenblas-not-here\.so\.0: cannot open shared object file/) })
      expect(info.backendReason).toContain('blas: OpenBLAS cannot be opened')
    } finally {
      await engine.kill('SIGTERM')
    }
    const forced = IpcEngine.start(tempDir(), { ...missing, LAB_BACKEND: 'blas' })
    await expect(forced.ready).rejects.toThrow(/exited before ready/)
    expect(forced.stderr).toContain('engine: backend blas was requested but is not available: OpenBLAS cannot be opened')
  })

  test('an invalid LAB_BACKEND stops the engine with a message listing the valid names', async () => {
    const engine = IpcEngine.start(tempDir(), { LAB_BACKEND: 'tpu' })
    await expect(engine.ready).rejects.toThrow(/exited before ready/)
    expect(await engine.exited).toEqual({ code: 1, signal: null })
    expect(engine.stderr).toContain('engine: LAB_BACKEND="tpu" is not a backend; use one of auto, tfjs-node-gpu, tfjs-node, blas, wasm, cpu')
  })

  test.skipIf(!UNAVAILABLE)('a forced unavailable backend stops the engine instead of falling back', async () => {
    const engine = IpcEngine.start(tempDir(), { LAB_BACKEND: UNAVAILABLE })
    await expect(engine.ready).rejects.toThrow(/exited before ready/)
    expect(await engine.exited).toEqual({ code: 1, signal: null })
    expect(engine.stderr).toContain(`engine: backend ${UNAVAILABLE} was requested but is not available: not installed`)
  })
})
