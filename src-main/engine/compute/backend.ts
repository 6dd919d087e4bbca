/**
 * Compute backend resolver: tfjs-node-gpu → tfjs-node → blas → wasm → cpu, first that loads wins;
 * `LAB_BACKEND` (or the settings view) forces one, and a forced backend that cannot load is an error,
 * never a silent fallback. Runs in the engine (to probe) and in every run worker (to use).
 */
import * as tf from '@tensorflow/tfjs'
import { BACKENDS, type BackendName, type BackendProbe } from '../../../src-shared/records'
import { registerWasmTrainingKernels } from './wasmKernels'
import { installBlasKernels, loadBlasAddon, NATIVE_KERNELS, removeBlasKernels, setUpOriginalKernels } from './blasKernels'

export { tf }

/** The tfjs backend name each lab backend registers. */
const TF_NAME: Record<BackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  blas: 'wasm',
  wasm: 'wasm',
  cpu: 'cpu'
}

const DESCRIPTION: Record<BackendName, () => string> = {
  'tfjs-node-gpu': () => 'libtensorflow with CUDA (GPU)',
  'tfjs-node': () => 'libtensorflow, native multi-threaded CPU',
  blas: () => `native ${NATIVE_KERNELS.join(', ')} on ${blasLibrary()}; every other kernel on wasm`,
  wasm: () => 'WebAssembly with SIMD, single-threaded per run',
  cpu: () => 'pure JavaScript reference kernels (slowest)'
}

const ACCELERATED: Record<BackendName, boolean> = { 'tfjs-node-gpu': true, 'tfjs-node': true, blas: true, wasm: false, cpu: false }

/** "OpenBLAS 0.3.21, SkylakeX kernels, 2 threads" from the addon's build string ("Accelerate" on macOS). */
function blasLibrary(): string {
  const blas = loadBlasAddon()
  const config = blas.config()
  const version = /^OpenBLAS [\d.]+/.exec(config)?.[0] ?? config
  const core = /(\w+)\s+MAX_THREADS/.exec(config)?.[1]
  const threads = blas.threads()
  return [version, core && `${core} kernels`, threads > 0 && `${threads} thread${threads === 1 ? '' : 's'}`].filter(Boolean).join(', ')
}

// Module names kept in variables so bundlers leave these optional imports alone.
const NODE_GPU_MODULE = '@tensorflow/tfjs-node-gpu'
const NODE_MODULE = '@tensorflow/tfjs-node'

async function load(name: BackendName): Promise<void> {
  if (name === 'tfjs-node-gpu') await import(/* @vite-ignore */ NODE_GPU_MODULE)
  else if (name === 'tfjs-node') await import(/* @vite-ignore */ NODE_MODULE)
  else if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm')
  else if (name === 'blas') {
    await import('@tensorflow/tfjs-backend-wasm')
    loadBlasAddon()
  }
}

function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(msg)) return 'not installed (optional dependency; its native download is not available here)'
  return msg.split('\n')[0].slice(0, 300)
}

/** Load and activate one backend in this thread; throws with the reason if it cannot. */
export async function useBackend(name: BackendName): Promise<void> {
  if (!BACKENDS.includes(name)) throw new Error(`unknown backend "${name}" (expected one of ${BACKENDS.join(', ')})`)
  await load(name)
  if (name === 'wasm' || name === 'blas') {
    // wasm lacks Conv2DBackpropFilter: register ours (once per thread) so CNNs train on it.
    registerWasmTrainingKernels()
    // blas and wasm are one tfjs backend with two kernel sets: each thread gets the set it asked for.
    if (name === 'blas') installBlasKernels()
    else removeBlasKernels()
  }
  // setBackend returns false (and tfjs silently keeps another backend) when initialisation fails.
  const ok = await tf.setBackend(TF_NAME[name])
  await tf.ready()
  if (!ok || tf.getBackend() !== TF_NAME[name]) {
    throw new Error(`backend ${name} failed to initialise (tfjs is on "${tf.getBackend()}")`)
  }
  if (name === 'wasm' || name === 'blas') setUpOriginalKernels(tf.backend())
}

/**
 * Give the active backend `n` compute threads. The native BLAS pool is per process and every run of this engine
 * shares it, so the queue gives the runs that train together their share of the cores (src-shared/threads.ts); when
 * runs with different shares overlap, the last one started sets the pool. Returns the count in use, or null for a
 * backend that is single-threaded here (wasm, cpu) or manages its own threads (libtensorflow).
 */
export function setComputeThreads(name: BackendName, n: number): number | null {
  if (name !== 'blas') return null
  const blas = loadBlasAddon()
  const threads = Math.max(1, Math.floor(n))
  // Only when it changes: resizing the pool while another run's GEMM is in flight is best avoided.
  if (blas.threads() !== threads) blas.setThreads(threads)
  return blas.threads()
}

export function parseBackendOverride(value: string | undefined): BackendName | 'auto' | undefined {
  if (value === undefined || value === '') return undefined
  if (value === 'auto') return 'auto'
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName
  throw new Error(`LAB_BACKEND="${value}" is not a backend; use one of auto, ${BACKENDS.join(', ')}`)
}

export interface Resolution {
  backend: BackendName
  reason: string
  probes: BackendProbe[]
}

/**
 * Pick the backend. `requested` comes from LAB_BACKEND or the settings ('auto' walks the order).
 * Every backend is probed so the settings view can say which are available and why not.
 */
export async function resolveBackend(requested: BackendName | 'auto' = 'auto'): Promise<Resolution> {
  const probes: BackendProbe[] = []
  for (const name of BACKENDS) {
    try {
      await load(name)
      probes.push({ name, available: true, detail: DESCRIPTION[name](), accelerated: ACCELERATED[name] })
    } catch (err) {
      probes.push({ name, available: false, detail: reasonOf(err), accelerated: ACCELERATED[name] })
    }
  }
  if (requested !== 'auto') {
    const probe = probes.find((p) => p.name === requested)!
    if (!probe.available) throw new Error(`backend ${requested} was requested but is not available: ${probe.detail}`)
    await useBackend(requested)
    return { backend: requested, reason: `forced (${requested})`, probes }
  }
  const skipped: string[] = []
  for (const p of probes) {
    if (!p.available) {
      skipped.push(`${p.name}: ${p.detail}`)
      continue
    }
    try {
      await useBackend(p.name)
      return { backend: p.name, reason: skipped.length ? `first available; skipped ${skipped.join('; ')}` : 'first available', probes }
    } catch (err) {
      p.available = false
      p.detail = reasonOf(err)
      skipped.push(`${p.name}: ${p.detail}`)
    }
  }
  throw new Error(`no compute backend could be initialised: ${skipped.join('; ')}`)
}
