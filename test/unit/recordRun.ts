/** Run a study's runner in-process as the worker would (no worker, no store), recording what it logs. */
import { expect } from 'vitest'
import { tf } from '../../src-main/engine/compute/backend'
import { loadMnistPackage } from '../../src-main/engine/datasets/builtin'
import type { RunContext, StudyRunner } from '../../src-main/engine/studies/context'
import { createRng } from '../../src-shared/rng'

export interface Recorded {
  scalars: Record<string, { step: number; value: number }[]>
  series: Record<string, { step: number; payload: any }[]>
  artifacts: Record<string, Uint8Array>
  summary: Awaited<ReturnType<StudyRunner>>
}

/** Runs `runner` on `config`; checks that it leaves no tensor behind. */
export async function record(runner: StudyRunner, config: any, extra: Partial<RunContext> = {}): Promise<Recorded> {
  const scalars: Recorded['scalars'] = {}
  const series: Recorded['series'] = {}
  const artifacts: Recorded['artifacts'] = {}
  const ctx: RunContext = {
    tf,
    runId: 'test',
    config,
    seed: config.seed,
    rng: createRng(config.seed),
    backend: 'wasm',
    log: (key, step, value) => void (scalars[key] ??= []).push({ step, value }),
    logSeries: (key, step, payload) => void (series[key] ??= []).push({ step, payload: JSON.parse(JSON.stringify(payload)) }),
    artifact: (name, _kind, bytes) => void (artifacts[name] = bytes),
    progress: () => {},
    aborted: false
  }
  // Descriptors, not values: a getter (an `aborted` that turns true part-way) stays a getter.
  Object.defineProperties(ctx, Object.getOwnPropertyDescriptors(extra))
  const before = tf.memory().numTensors
  const summary = await runner(ctx)
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before)
  return { scalars, series, artifacts, summary }
}

/** The built-in MNIST sample as the run context's read-only dataset library (id `builtin-mnist` only). */
export function mnistLibrary(): NonNullable<RunContext['datasets']> {
  const mnist = loadMnistPackage()
  return {
    load: (id: string) => {
      if (id !== 'builtin-mnist') throw new Error(`dataset ${id} is not in the library`)
      return { ...mnist.arrays, info: { id, name: mnist.name, shape: mnist.shape, classNames: mnist.classNames } as any }
    }
  }
}

/** The float32 weights of a serialised tfjs layers model (the runners' `model.json` artifact), by weight name. */
export function modelWeights(bytes: Uint8Array): Record<string, { shape: number[]; values: Float32Array }> {
  const json = JSON.parse(new TextDecoder().decode(bytes))
  const buf = Buffer.from(json.weightData, 'base64')
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  const out: Record<string, { shape: number[]; values: Float32Array }> = {}
  let at = 0
  for (const spec of json.weightSpecs as { name: string; shape: number[] }[]) {
    const n = spec.shape.reduce((a, b) => a * b, 1)
    out[spec.name] = { shape: spec.shape, values: all.subarray(at, at + n) }
    at += n
  }
  return out
}
