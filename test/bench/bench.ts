/**
 * `npm run bench` (→ node out/main/bench.js [--json] [--quick]): figures, not pass/fail.
 *
 *  1. raw tfjs: samples/s of the MLP 784-392-50-10 (MSE, SGD lr 0.01, batch 64) on 10 000 seeded synthetic
 *     samples, built with the lab's own code (buildMlp, lossOf, createOptimizer), trained by a minimal loop of
 *     optimizer.minimize over pre-sliced batches — once per available backend (cpu is time-capped).
 *  2. runner vs raw: the same model and data through the lab's real path (Lab → JobQueue → worker_thread →
 *     the `training` study runner on its `random-labels` dataset, 784 dims, 10 classes → batched store
 *     writes and events) beside the raw loop for the same epochs. The ratio is runner/raw.
 *  3. engine → client events: the real engine in serve mode, a WebSocket client, real runs; events/s,
 *     MB/s and the delay from a scalar's log() in the worker to its arrival at the client.
 *  4. CNN: samples/s of conv 16 (3×3) → max-pool → conv 32 (3×3) → max-pool → dense 10 on 28×28×1 seeded
 *     synthetic images, softmax cross-entropy, SGD, batch 64 — raw tfjs (the lab's buildNetwork, minimal
 *     minimize loop) on every backend (cpu time-capped: it has the conv gradients, but in pure JS), and on
 *     wasm also through the runner (a stored uint8 image dataset → worker → training study).
 *  5–6. Fashion-MNIST import/PCA, sweep throughput (see their sections).
 *  7. Compare (test/bench/compareBench.ts): a 5 000-run table and a 50 runs × 10 000 points compare in
 *     Chromium against serve mode. `--compare-only` runs just this section.
 *  8. Neurashed (test/bench/neurashedBench.ts): iterations/s of Algorithm 1 on a 10 000-node random graph.
 *     `--neurashed-only` runs just this section.
 *  9. Trainer (test/bench/trainerBench.ts): the one trainer against the minimal loop it replaces, with no
 *     probes, with a per-epoch evaluation, and with the five first probes every epoch. `--trainer-only`.
 * 10. Gallery cards (test/bench/cardsBench.ts, `--cards` only): every launchable card's CPU preset timed end to
 *     end — the source of src-shared/gallery/measured.ts, the times the gallery shows.
 * 12. Representation probes (test/bench/representationsBench.ts, `--representations-only`): each thesis ch. 5 probe on a
 *     10 000-sample layer set, and the k-filter's neighbour search on 60 000 × 784.
 * 11. Weight compression (test/bench/compressionBench.ts, `--compression-only`): encode/decode ms and bits/param
 *     of Algorithms 1–2 (thesis ch. 3) on 330 k Gaussian weights at N = 6…10 and the c/M presets.
 * 13. Effective (Ising) model (test/bench/isingBench.ts, samplingBench.ts; `--ising-only`): one dense BP sweep at
 *     N = 675 and 200 beside the same update in numpy (when /usr/bin/python3 has it), a whole entropy landscape,
 *     bit-packed moments, and the study's sampling throughput (networks/hour on all cores).
 * Peer (test/bench/peer.ts, `--peer` / `--peer-only`): the MLP of section 1 and the CNN of section 4 in PyTorch,
 *     alternating rounds with the lab's raw loops, as lab ÷ PyTorch time ratios per thread count.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Tensor, Tensor2D } from '@tensorflow/tfjs'
import WebSocket from 'ws'
import type { BackendName, BackendProbe } from '../../src-shared/records'
import { trainingDefaults, trainingTemplates, type Layer, type TrainingConfig } from '../../src-shared/studies/training'
import type { DatasetJob } from '../../src-shared/datasets'
import { parseBackendOverride, resolveBackend, setComputeThreads, tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildMlp, lossOf } from '../../src-main/engine/compute/mlp'
import { createOptimizer } from '../../src-main/engine/training/optimizers'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { createRng } from '../../src-shared/rng'
import { randomLabels } from '../../src-main/engine/datasets/toy'
import { Lab } from '../../src-main/engine/lab'
import { formatHelp, parseCommandArgs } from '../../src-main/args'
import { compareFigures, type CompareFigures } from './compareBench'
import { neurashedFigures, neurashedReport } from './neurashedBench'
import { trainerFigures, trainerReport } from './trainerBench'
import { cardTimes } from './cardsBench'
import { compressionFigures, compressionReport } from './compressionBench'
import { representationFigures, representationReport } from './representationsBench'
import { isingFigures, isingReport } from './isingBench'
import { samplingFigures, samplingReport } from './samplingBench'
import { peerComparison, peerReport, peerRoundSeconds, type LabRound, type PeerFigures } from './peer'

const BENCH_OPTIONS = {
  json: { type: 'boolean', default: false, help: 'print one JSON object instead of the report' },
  quick: { type: 'boolean', default: false, help: 'smaller workloads (a smoke run of the bench itself)' },
  'fashion-cnn': { type: 'boolean', default: false, help: 'also train the Fashion-MNIST CNN template to the end (≈ 3–4 min on 2 cores)' },
  'compare-only': { type: 'boolean', default: false, help: 'only the compare section (7): the runs table and the compare view in Chromium' },
  'neurashed-only': { type: 'boolean', default: false, help: 'only the neurashed section (8)' },
  'trainer-only': { type: 'boolean', default: false, help: 'only the trainer section (9): its overhead against the raw loop, and with the probes' },
  cards: { type: 'boolean', default: false, help: 'only section 10: time every launchable gallery card\'s CPU preset (prints the data of src-shared/gallery/measured.ts)' },
  'cards-prefix': { type: 'string', help: 'with --cards: only the cards whose id starts with this (e.g. weight-compression/)' },
  peer: { type: 'boolean', default: false, help: 'also run the peer section: the MLP and CNN in PyTorch (python3-torch) beside the lab, as lab ÷ PyTorch time ratios' },
  'sweep-only': { type: 'boolean', default: false, help: 'only the sweep section (6): runs in parallel against threads per run' },
  'representations-only': { type: 'boolean', default: false, help: 'only the representation-probe section (12): each ch. 5 probe on a 10 000-sample layer set, the k-filter search on 60 000 × 784' },
  'ising-only': { type: 'boolean', default: false, help: 'only the effective-model section (13): BP sweeps beside numpy, a whole landscape, moments, sampling throughput' },
  'compression-only': { type: 'boolean', default: false, help: 'only the weight-compression section (11): Huffman encode/decode of 330 k weights' },
  'peer-only': { type: 'boolean', default: false, help: 'only the peer section (≈ 2 min; ≈ 30 s with --quick)' }
} as const

function benchArgs() {
  try {
    return parseCommandArgs({ options: BENCH_OPTIONS, strict: true }).values
  } catch (err) {
    console.error(`bench: ${(err as Error).message} (see: npm run bench -- --help)`)
    process.exit(2)
  }
}
const args = benchArgs()

if (args.help) {
  console.log(formatHelp({ usage: 'npm run bench -- [options]', description: 'Measures the figures of the README (throughput, latency, sizes): figures, not pass/fail.', options: BENCH_OPTIONS }))
  process.exit(0)
}

const QUICK = args.quick
const SAMPLES = 10_000
const BATCH = 64
const LR = 0.01
const SEED = 1
/** Cap per raw measurement, so the slow pure-JS backend cannot take minutes. */
const RAW_MAX_SECONDS: Record<BackendName, number> = { 'tfjs-node-gpu': 20, 'tfjs-node': 20, blas: QUICK ? 2 : 20, wasm: QUICK ? 2 : 20, cpu: QUICK ? 1.5 : 5 }
/** Epochs for the raw 784 model (full passes over the 10 000 samples, unless capped). */
const RAW_EPOCHS: Record<BackendName, number> = { 'tfjs-node-gpu': 3, 'tfjs-node': 3, blas: QUICK ? 1 : 3, wasm: QUICK ? 1 : 2, cpu: 1 }
/** Epochs for the runner comparison (the runner cannot be time-capped, so cpu gets fewer). */
const RUNNER_EPOCHS: Record<BackendName, number> = { 'tfjs-node-gpu': 4, 'tfjs-node': 4, blas: QUICK ? 1 : 4, wasm: QUICK ? 1 : 3, cpu: 1 }

/** CNN section: synthetic images, time caps (cpu trains this CNN at ≈ 10 samples/s). */
const CNN_SAMPLES = QUICK ? 640 : 2000
const CNN_MAX_SECONDS: Record<BackendName, number> = { 'tfjs-node-gpu': 20, 'tfjs-node': 20, blas: QUICK ? 3 : 15, wasm: QUICK ? 3 : 15, cpu: QUICK ? 4 : 15 }
const CNN_LAYERS: Layer[] = [
  { type: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
  { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
  { type: 'conv2d', filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
  { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' }
]
const CNN_NAME = 'conv16-pool-conv32-pool-dense10'

const here = (rel: string) => new URL(rel, import.meta.url)
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`)
const round = (v: number, digits = 0) => Math.round(v * 10 ** digits) / 10 ** digits

// ---------------------------------------------------------------------------------------------- data

/** Seeded synthetic classification data: the training study's own `random-labels` generator. */
const syntheticData = randomLabels

// -------------------------------------------------------------------------------------- 1. raw tfjs

interface RawResult {
  backend: BackendName
  model: string
  samples: number
  seconds: number
  samplesPerSecond: number
  capped: boolean
  finalLoss: number
}

/** Minimal loop: optimizer.minimize over pre-sliced batches, no loss read-back until the end. */
async function rawTrain(backend: BackendName, hidden: number[], dims: number, classes: number, epochs: number, maxSeconds: number): Promise<RawResult> {
  await useBackend(backend)
  const data = syntheticData(SAMPLES, dims, classes, SEED)
  const x = tf.tensor2d(data.x, [SAMPLES, dims])
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y, 'int32'), classes).toFloat()) as Tensor2D
  const batches: [Tensor2D, Tensor2D][] = []
  for (let s = 0; s < SAMPLES; s += BATCH) {
    const size = Math.min(BATCH, SAMPLES - s)
    batches.push([x.slice([s, 0], [size, dims]), y.slice([s, 0], [size, classes])])
  }
  const model = buildMlp(tf, hidden.map((units) => ({ units, activation: 'relu' as const })), dims, classes, SEED)
  const optimizer = createOptimizer(tf, { kind: 'sgd', learningRate: LR, momentum: 0 })
  const step = ([xb, yb]: (typeof batches)[number]) =>
    optimizer.minimize(() => lossOf(tf, 'mse', model.apply(xb, { training: true }) as Tensor, yb), false)
  try {
    // warm-up: kernel setup, weight allocation
    step(batches[0])
    step(batches[1])
    let samples = 0
    let capped = false
    const t0 = performance.now()
    outer: for (let e = 0; e < epochs; e++) {
      for (const b of batches) {
        step(b)
        samples += b[0].shape[0]
        if ((performance.now() - t0) / 1000 > maxSeconds) {
          capped = true
          break outer
        }
      }
    }
    // make sure all queued work is done before the clock stops
    const finalLoss = tf.tidy(() => lossOf(tf, 'mse', model.predict(batches[0][0]) as Tensor, batches[0][1])).dataSync()[0]
    const seconds = (performance.now() - t0) / 1000
    return { backend, model: [dims, ...hidden, classes].join('-'), samples, seconds: round(seconds, 2), samplesPerSecond: round(samples / seconds), capped, finalLoss }
  } finally {
    for (const [a, b] of batches) tf.dispose([a, b])
    tf.dispose([x, y])
    model.dispose()
    optimizer.dispose()
  }
}

// -------------------------------------------------------------------------------- 2. runner vs raw

interface RunnerResult {
  backend: BackendName
  model: string
  trainSamples: number
  epochs: number
  rawSamplesPerSecond: number
  /** Samples/s of the runner's training loop as it reports it (excludes per-epoch evaluation). */
  runnerLoopSamplesPerSecond: number
  /** Samples trained / (finishedAt − startedAt): worker start, backend init, data, evaluation, boundary, store included. */
  runnerWallSamplesPerSecond: number
  ratioLoop: number
  ratioWall: number
  runWallSeconds: number
  events: number
}

function runnerConfig(epochs: number): TrainingConfig {
  return {
    ...structuredClone(trainingDefaults),
    // 12 500 points with 20 % held out = 10 000 training samples, as in the raw benchmark
    dataset: { kind: 'random-labels', n: 12_500, testFraction: 0.2, validationFraction: 0, dims: 784, classes: 10 },
    network: { form: 'layers', layers: [{ type: 'dense', units: 392, activation: 'relu' }, { type: 'dense', units: 50, activation: 'relu' }] },
    loss: 'mse',
    optimizer: { kind: 'sgd', learningRate: LR, momentum: 0 },
    batchSize: BATCH,
    epochs,
    seed: SEED,
    logEvery: 1_000_000 // no minibatch-loss read-back, like the raw loop
  }
}

async function runnerVsRaw(backend: BackendName, dataDir: string): Promise<RunnerResult> {
  const epochs = RUNNER_EPOCHS[backend]
  const raw = await rawTrain(backend, [392, 50], 784, 10, epochs, Infinity)
  const lab = await Lab.open({ dataDir, mode: 'inprocess', workerUrl: here('./worker.js'), env: { ...process.env, LAB_BACKEND: backend } })
  try {
    let events = 0
    lab.on(() => void events++)
    const e = await lab.call('experiments.create', { name: `bench ${backend}`, studyId: 'training', config: runnerConfig(epochs) })
    const run = lab.startRun(e.id)
    await lab.queue.idle()
    const done = lab.store.runs.get(run.id)!
    if (done.status !== 'completed') throw new Error(`bench run on ${backend} ended ${done.status}: ${done.error}`)
    if (done.backend !== backend) throw new Error(`bench run asked for ${backend} but ran on ${done.backend}`)
    const samples = 10_000 * epochs
    const wall = (done.finishedAt! - done.startedAt!) / 1000
    const loop = done.summary!.samplesPerSecond
    return {
      backend,
      model: '784-392-50-10',
      trainSamples: 10_000,
      epochs,
      rawSamplesPerSecond: raw.samplesPerSecond,
      runnerLoopSamplesPerSecond: round(loop),
      runnerWallSamplesPerSecond: round(samples / wall),
      ratioLoop: round(loop / raw.samplesPerSecond, 2),
      ratioWall: round(samples / wall / raw.samplesPerSecond, 2),
      runWallSeconds: round(wall, 2),
      events
    }
  } finally {
    await lab.close()
  }
}

// ------------------------------------------------------------------------- 3. engine → client events

interface EventResult {
  scenario: string
  description: string
  runs: number
  seconds: number
  messages: number
  messagesPerSecond: number
  megabytes: number
  megabytesPerSecond: number
  byEvent: Record<string, { count: number; kB: number }>
  /** From a scalar's log() in the run worker to its arrival at the WebSocket client. */
  scalarDelayMs: { p50: number; p95: number; max: number } | null
  stepsPerSecond: number
}

async function startServe(dataDir: string, token: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(here('./engine.js')), '--serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LAB_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => (err += String(d)))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d)
      const m = /Lab serving at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`engine exited (${code}) before serving: ${out}${err}`)))
  })
  return { child, port }
}

class WsClient {
  private nextId = 1
  private pending = new Map<number, (m: any) => void>()
  onEvent: (m: any, bytes: number, at: number) => void = () => {}

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const at = Date.now()
      const m = JSON.parse(String(data))
      if (m.type === 'event') this.onEvent(m, data.length, at)
      else this.pending.get(m.id)?.(m)
    })
  }

  static open(port: number, token: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` })
      ws.once('open', () => resolve(new WsClient(ws)))
      ws.once('error', reject)
    })
  }

  call(method: string, params?: unknown): Promise<any> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => {
        this.pending.delete(id)
        if (m.type === 'error') reject(new Error(`${method}: ${m.error.message}`))
        else resolve(m.result)
      })
      this.ws.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

async function eventScenario(
  client: WsClient,
  scenario: string,
  description: string,
  config: TrainingConfig,
  runs: number,
  stopAfterSeconds: number | null
): Promise<EventResult> {
  await client.call('settings.set', { concurrency: runs })
  const e = await client.call('experiments.create', { name: `bench events ${scenario}`, studyId: 'training', config })
  const byEvent: Record<string, { count: number; bytes: number }> = {}
  const delays: number[] = []
  const ids = new Set<string>()
  const finished = new Set<string>()
  let messages = 0
  let bytes = 0
  let first = 0
  let last = 0
  let allDone: () => void = () => {}
  const done = new Promise<void>((r) => (allDone = r))
  client.onEvent = (m, size, at) => {
    const runId = m.payload?.runId
    if (runId && !ids.has(runId)) return
    if (!first) first = at
    last = at
    messages++
    bytes += size
    const s = (byEvent[m.event] ??= { count: 0, bytes: 0 })
    s.count++
    s.bytes += size
    if (m.event === 'run.metrics') for (const p of m.payload.points) delays.push(at - p.wall)
    if (m.event === 'run.status' && ['completed', 'failed', 'cancelled', 'interrupted'].includes(m.payload.status)) {
      finished.add(runId)
      if (finished.size === runs) allDone()
    }
  }
  const started: string[] = []
  for (let i = 0; i < runs; i++) {
    const run = await client.call('runs.start', { experimentId: e.id })
    ids.add(run.id)
    started.push(run.id)
  }
  const t0 = Date.now()
  if (stopAfterSeconds !== null) {
    await Promise.race([done, new Promise((r) => setTimeout(r, stopAfterSeconds * 1000))])
    for (const id of started) if (!finished.has(id)) await client.call('runs.cancel', { id }).catch(() => {})
  }
  await done
  const seconds = Math.max(0.001, (last - (first || t0)) / 1000)
  let steps = 0
  for (const id of started) steps += (await client.call('runs.get', { id })).steps
  delays.sort((a, b) => a - b)
  return {
    scenario,
    description,
    runs,
    seconds: round(seconds, 2),
    messages,
    messagesPerSecond: round(messages / seconds, 1),
    megabytes: round(bytes / 1e6, 2),
    megabytesPerSecond: round(bytes / 1e6 / seconds, 2),
    byEvent: Object.fromEntries(Object.entries(byEvent).map(([k, v]) => [k, { count: v.count, kB: round(v.bytes / 1e3, 1) }])),
    scalarDelayMs: delays.length ? { p50: percentile(delays, 0.5), p95: percentile(delays, 0.95), max: delays.at(-1)! } : null,
    stepsPerSecond: round(steps / seconds)
  }
}

async function eventThroughput(dataDir: string): Promise<EventResult[]> {
  const token = randomBytes(16).toString('hex')
  const { child, port } = await startServe(dataDir, token)
  try {
    const client = await WsClient.open(port, token)
    const results: EventResult[] = []
    const circles = structuredClone(trainingDefaults)
    Object.assign(circles, {
      dataset: { kind: 'circles', n: 1000, noise: 0.05, testFraction: 0.2, validationFraction: 0 },
      network: { form: 'layers', layers: [{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 8, activation: 'tanh' }] },
      optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      epochs: QUICK ? 10 : 40
    })
    log('events: typical run (circles template)')
    results.push(await eventScenario(client, 'typical', 'one circles run (template settings): 1 000 points, 2×8 tanh, 40 epochs', circles, 1, null))
    const heavy = structuredClone(trainingDefaults)
    Object.assign(heavy, {
      dataset: { kind: 'xor', n: 200, noise: 0, testFraction: 0.2, validationFraction: 0 },
      network: { form: 'layers', layers: [{ type: 'dense', units: 16, activation: 'relu' }] },
      optimizer: { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      batchSize: 8,
      epochs: 100_000,
      logEvery: 1,
      boundary: { every: 1, resolution: 200 }
    })
    log('events: heavy (2 concurrent runs, a 200×200 boundary every epoch, loss every step)')
    results.push(
      await eventScenario(client, 'heavy', '2 concurrent xor runs: 200 points, batch 8, minibatch loss every step, 200×200 boundary every epoch', heavy, 2, QUICK ? 2 : 6)
    )
    client.ws.close()
    return results
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
  }
}


// ------------------------------------------------------------------------------------------- 4. CNN

/** Seeded synthetic 28×28×1 uint8 images with 10 random labels. */
function syntheticImages(n: number, seed: number): { x: Uint8Array; y: Int32Array } {
  const rng = createRng(seed)
  const x = new Uint8Array(n * 784)
  for (let i = 0; i < x.length; i++) x[i] = rng.int(256)
  return { x, y: Int32Array.from({ length: n }, () => rng.int(10)) }
}

async function rawCnn(backend: BackendName, maxSeconds: number, epochs = 1): Promise<RawResult> {
  await useBackend(backend)
  const data = syntheticImages(CNN_SAMPLES, SEED)
  const batches: [Tensor, Tensor][] = []
  for (let s = 0; s < CNN_SAMPLES; s += BATCH) {
    const size = Math.min(BATCH, CNN_SAMPLES - s)
    const xb = Float32Array.from(data.x.subarray(s * 784, (s + size) * 784), (v) => v / 255)
    batches.push([tf.tensor4d(xb, [size, 28, 28, 1]), tf.tidy(() => tf.oneHot(tf.tensor1d(data.y.subarray(s, s + size), 'int32'), 10).toFloat())])
  }
  const model = buildNetwork(tf, CNN_LAYERS, [28, 28, 1], 10, SEED)
  const optimizer = createOptimizer(tf, { kind: 'sgd', learningRate: LR, momentum: 0 })
  const step = ([xb, yb]: (typeof batches)[number]) =>
    optimizer.minimize(() => lossOf(tf, 'softmax-cross-entropy', model.apply(xb, { training: true }) as Tensor, yb), false)
  try {
    step(batches[0]) // warm-up
    let samples = 0
    let capped = false
    const t0 = performance.now()
    outer: for (let e = 0; e < epochs; e++) {
      for (const b of batches) {
        step(b)
        samples += b[0].shape[0]
        if ((performance.now() - t0) / 1000 > maxSeconds) {
          capped = samples < CNN_SAMPLES * epochs
          break outer
        }
      }
    }
    const finalLoss = tf.tidy(() => lossOf(tf, 'softmax-cross-entropy', model.predict(batches[0][0]) as Tensor, batches[0][1])).dataSync()[0]
    const seconds = (performance.now() - t0) / 1000
    return { backend, model: CNN_NAME, samples, seconds: round(seconds, 2), samplesPerSecond: round(samples / seconds, 1), capped, finalLoss }
  } finally {
    for (const [a, b] of batches) tf.dispose([a, b])
    model.dispose()
    optimizer.dispose()
  }
}

interface CnnRunnerResult {
  backend: BackendName
  trainSamples: number
  epochs: number
  runnerLoopSamplesPerSecond: number
  runnerWallSamplesPerSecond: number
  runWallSeconds: number
}

/** The same CNN through the lab's real path, on a stored uint8 image dataset (n = 1.25 × CNN_SAMPLES, 20 % held out). */
async function cnnRunner(backend: BackendName, dataDir: string): Promise<CnnRunnerResult> {
  const lab = await Lab.open({ dataDir, mode: 'inprocess', workerUrl: here('./worker.js'), env: { ...process.env, LAB_BACKEND: backend } })
  try {
    const n = Math.round(CNN_SAMPLES * 1.25)
    const { x, y } = syntheticImages(n, SEED)
    const info = lab.store.datasets.create({
      name: 'bench images',
      kind: 'generated',
      spec: { bench: 'synthetic 28×28×1' },
      provenance: {},
      shape: { n, sample: [28, 28, 1], dtype: 'uint8', task: 'classification', classes: 10, targets: 1 },
      arrays: { x, y }
    })
    const config: TrainingConfig = {
      ...structuredClone(trainingDefaults),
      dataset: { kind: 'stored', datasetId: info.id, testFraction: 0.2, validationFraction: 0 },
      network: { form: 'layers', layers: CNN_LAYERS },
      loss: 'softmax-cross-entropy',
      optimizer: { kind: 'sgd', learningRate: LR, momentum: 0 },
      batchSize: BATCH,
      epochs: 1,
      seed: SEED,
      logEvery: 1_000_000
    }
    const e = await lab.call('experiments.create', { name: `bench cnn ${backend}`, studyId: 'training', config })
    const run = lab.startRun(e.id)
    await lab.queue.idle()
    const done = lab.store.runs.get(run.id)!
    if (done.status !== 'completed') throw new Error(`bench CNN run on ${backend} ended ${done.status}: ${done.error}`)
    const trainSamples = n - Math.round(0.2 * n)
    const wall = (done.finishedAt! - done.startedAt!) / 1000
    return {
      backend,
      trainSamples,
      epochs: 1,
      runnerLoopSamplesPerSecond: round(done.summary!.samplesPerSecond, 1),
      runnerWallSamplesPerSecond: round(trainSamples / wall, 1),
      runWallSeconds: round(wall, 2)
    }
  } finally {
    await lab.close()
  }
}

// --------------------------------------------------------------------------------- 6. sweep throughput

interface SweepThroughput {
  /** Which workload: `small` (8 short runs) or `longer` (4 runs, 7.5× the epochs). */
  size: string
  epochs: number
  concurrency: number
  runs: number
  seconds: number
  runsPerHour: number
  /** Mean wall time of one run (started → finished, worker start included). */
  meanRunSeconds: number
  /** Mean time in the training loop (the runner's own wallSeconds). */
  meanLoopSeconds: number
  /** Compute threads each run had (as its environment records; 1 on single-threaded backends). */
  threadsPerRun: number
}

/**
 * The bench sweeps, as `sweeps.create` queues them: small two-spirals runs (2 learning rates × 2 widths × seeds;
 * per-step overhead dominates) and GEMM-bound ones (the section-1 MLP 784-392-50-10 on random labels), where a
 * multi-threaded backend has something to divide between threads per run and runs in parallel.
 */
function sweepSpec(kind: 'spirals' | 'mlp', epochs: number, seeds: number) {
  const config =
    kind === 'spirals'
      ? {
          dataset: { kind: 'two-spirals', n: QUICK ? 1000 : 2000, noise: 0, testFraction: 0.2, validationFraction: 0 },
          network: { form: 'layers', layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 16, activation: 'tanh' }] },
          optimizer: { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
          batchSize: 32,
          epochs,
          logEvery: 25
        }
      : {
          dataset: { kind: 'random-labels', n: QUICK ? 2500 : 5000, dims: 784, classes: 10, testFraction: 0.2, validationFraction: 0 },
          network: { form: 'layers', layers: [{ type: 'dense', units: 392, activation: 'relu' }, { type: 'dense', units: 50, activation: 'relu' }] },
          optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0 },
          batchSize: BATCH,
          epochs,
          logEvery: 25
        }
  return {
    name: `bench sweep (${kind})`,
    base: { study: 'training', config },
    params: [
      { path: 'optimizer.learningRate', values: [0.01, 0.03] },
      kind === 'spirals' ? { path: 'network.layers.*.units', values: [16, 32] } : { path: 'batchSize', values: [BATCH, 2 * BATCH] }
    ],
    seeds
  }
}

const SWEEP_SIZES: { size: string; kind: 'spirals' | 'mlp'; epochs: number; seeds: number }[] = QUICK
  ? [{ size: 'small', kind: 'spirals', epochs: 8, seeds: 1 }, { size: 'mlp', kind: 'mlp', epochs: 1, seeds: 1 }]
  : [{ size: 'small', kind: 'spirals', epochs: 20, seeds: 2 }, { size: 'longer', kind: 'spirals', epochs: 150, seeds: 1 }, { size: 'mlp', kind: 'mlp', epochs: 3, seeds: 1 }]

/** Wall time of the whole sweep (create → queue idle) at concurrency 1, then 2, on the auto backend. */
/**
 * Control for the sweep figure: the same kind of small tfjs training loop as two bare Node processes, no lab
 * code at all — alone, then two at once. 2 × solo / pair is the best speed-up two concurrent trainings can
 * reach on this machine.
 */
async function bareTfjsContention(): Promise<{ soloSeconds: number; pairSeconds: number; ceiling: number }> {
  const script = `
    const { createRequire } = require('node:module')
    const req = createRequire(${JSON.stringify(fileURLToPath(here('../../package.json')))})
    const tf = req('@tensorflow/tfjs'); req('@tensorflow/tfjs-backend-wasm')
    tf.setBackend('wasm').then(() => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [2] }), tf.layers.dense({ type: 'dense', units: 32, activation: 'relu' }), tf.layers.dense({ units: 2 })] })
      const opt = tf.train.adam(0.01)
      const x = tf.randomUniform([32, 2]), y = tf.randomUniform([32, 2])
      const step = () => opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true })), false)
      for (let i = 0; i < 50; i++) step()
      const t0 = performance.now()
      for (let i = 0; i < ${QUICK ? 1000 : 3000}; i++) step()
      tf.tidy(() => model.predict(x)).dataSync()
      console.log((performance.now() - t0) / 1000)
    })`
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] })
      let out = ''
      child.stdout!.on('data', (d) => (out += String(d)))
      child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`bare tfjs control exited ${code}`))))
    })
  const soloSeconds = await once()
  const pair = await Promise.all([once(), once()])
  const pairSeconds = Math.max(...pair)
  return { soloSeconds: round(soloSeconds, 2), pairSeconds: round(pairSeconds, 2), ceiling: round((2 * soloSeconds) / pairSeconds, 2) }
}

async function sweepThroughput(dataDir: string): Promise<SweepThroughput[]> {
  const out: SweepThroughput[] = []
  for (const { size, kind, epochs, seeds } of SWEEP_SIZES) {
    for (const concurrency of [1, 2]) {
      const lab = await Lab.open({ dataDir: `${dataDir}-${size}-c${concurrency}`, mode: 'inprocess', workerUrl: here('./worker.js'), concurrency, builtins: false })
      try {
        const t0 = performance.now()
        const sweep = await lab.call('sweeps.create', sweepSpec(kind, epochs, seeds))
        await lab.queue.idle()
        const seconds = (performance.now() - t0) / 1000
        const done = lab.sweeps.get(sweep.id)
        const bad = done.runs.filter((r) => r.run.status !== 'completed')
        if (bad.length) throw new Error(`bench sweep run ${bad[0].run.name} ended ${bad[0].run.status}: ${bad[0].run.error}`)
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
        out.push({
          size,
          epochs,
          concurrency,
          threadsPerRun: done.runs[0]?.run.environment?.threads ?? 1,
          runs: done.runs.length,
          seconds: round(seconds, 2),
          runsPerHour: round((done.runs.length / seconds) * 3600),
          meanRunSeconds: round(mean(done.runs.map((r) => (r.run.finishedAt! - r.run.startedAt!) / 1000)), 2),
          meanLoopSeconds: round(mean(done.runs.map((r) => r.run.summary!.wallSeconds)), 2)
        })
      } finally {
        await lab.close()
      }
    }
  }
  return out
}

/** Runs/hour at concurrency 2 over concurrency 1, per workload. */
/** Section 6's table: runs in parallel (threads divided) against one run at a time with every thread. */
function sweepReport(sweeps: SweepThroughput[], speedup: Record<string, number>, backend: string): string[] {
  return [
    `6. Sweep throughput on ${backend}, create → all done through the queue: small = two-spirals (${QUICK ? 1000 : 2000} points, 2 lr × 2 widths of 2×16/32 tanh, Adam), mlp = 784-392-50-10 on random labels (SGD, 2 lr × 2 batch sizes)`,
    table(
      ['workload', 'epochs', 'runs in parallel', 'threads per run', 'runs', 'seconds', 'runs/hour', 'mean run s', 'mean loop s', 'speed-up'],
      sweeps.map((r) => [r.size, r.epochs, r.concurrency, r.threadsPerRun, r.runs, r.seconds.toFixed(2), fmt(r.runsPerHour), r.meanRunSeconds.toFixed(2), r.meanLoopSeconds.toFixed(2), r.concurrency === 2 ? `${speedup[r.size]?.toFixed(2)}×` : ''])
    ),
    '   each run trains in a worker thread; the cores are divided among the runs at once (blas: 2 runs × 1 thread or 1 run × 2 threads); workers stay warm between runs, so tfjs/wasm compile once per worker.'
  ]
}

function sweepSpeedups(rs: SweepThroughput[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of rs.filter((x) => x.concurrency === 2)) {
    const one = rs.find((x) => x.size === r.size && x.concurrency === 1)
    if (one) out[r.size] = round(r.runsPerHour / one.runsPerHour, 2)
  }
  return out
}

// ------------------------------------------------------------------------------------------- report

function compareReport(c: CompareFigures): string[] {
  const t = c.table
  const v = c.compare
  return [
    `7. Compare in Chromium (serve mode, headless, 1400×900): runs table of ${fmt(t.runs)} runs; compare of ${v.runs} runs × ${fmt(v.pointsPerRun)} points`,
    `   table: rows shown ${fmt(t.loadMs)} ms after opening #/runs (store seeded in ${t.seedSeconds.toFixed(1)} s); filter "lr < 0.01 test/accuracy > 0.6" → ${fmt(t.filteredRows)} rows in ${t.filterMs.toFixed(0)} ms`,
    `   scroll top → bottom (${fmt(t.scroll.rowsPassed)} rows, 3 rows per frame): ${t.scroll.frames} frames in ${t.scroll.seconds.toFixed(2)} s, frame mean ${t.scroll.meanFrameMs.toFixed(1)} ms, p95 ${t.scroll.p95FrameMs.toFixed(1)} ms, max ${t.scroll.maxFrameMs.toFixed(1)} ms; at most ${t.scroll.domRows} rows in the DOM`,
    `   compare: first render ${fmt(v.renderMs)} ms from opening the link — target < 1 000 ms — of which fetching ${fmt(v.runs * v.pointsPerRun)} points (runs.scalarsPacked over the WebSocket) ${fmt(v.fetchMs)} ms,`,
    `     then EMA smoothing at full resolution, LTTB to the chart width and drawing ${fmt(v.pointsDrawn)} points in ${v.seriesDrawn} series (raw + smoothed)`,
    `   re-render after a smoothing change (cached data): ${v.rerenderMs == null ? 'not measured (no smoothing slider found)' : `${fmt(v.rerenderMs)} ms`}`
  ]
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)))
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 })

// ------------------------------------------------------------------- 5. real data (Fashion-MNIST)

const FASHION_DIR = '/usr/share/datasets/fashion-mnist'

interface FashionResult {
  importSeconds: number
  images: number
  pcaSeconds: number
  pcaVarianceExplained: number | null
  cnn: { epochs: number; seconds: number; testAccuracy: number; perEpoch: number[]; samplesPerSecond: number } | null
}

/** Run a dataset job to its end; resolves with the final job (throws if it failed). */
function jobDone(lab: Lab, start: () => Promise<{ jobId: string }>): Promise<DatasetJob> {
  return new Promise((resolve, reject) => {
    let jobId: string | null = null
    const early: DatasetJob[] = []
    const settle = (j: DatasetJob) => {
      if (j.status === 'running') return
      off()
      if (j.status === 'done') resolve(j)
      else reject(new Error(`dataset job ${j.label} ${j.status}: ${j.error}`))
    }
    const off = lab.on((event, payload) => {
      if (event !== 'datasets.job') return
      const j = payload as DatasetJob
      if (jobId === null) early.push(j)
      else if (j.jobId === jobId) settle(j)
    })
    start().then((j) => {
      jobId = j.jobId
      for (const e of early) if (e.jobId === jobId) settle(e)
    }, reject)
  })
}

/** Issue 3's figures on the real files of Debian's dataset-fashion-mnist: import, PCA-20, and optionally the CNN template. */
async function fashionFigures(dataDir: string, withCnn: boolean): Promise<FashionResult | null> {
  if (!existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz'))) {
    log(`fashion: ${FASHION_DIR} not found (apt-get install dataset-fashion-mnist); skipping the real-data figures`)
    return null
  }
  const lab = await Lab.open({ dataDir, mode: 'inprocess', workerUrl: here('./worker.js') })
  try {
    let t = performance.now()
    const imported = await jobDone(lab, () =>
      lab.call('datasets.import', { paths: [join(FASHION_DIR, 'train-images-idx3-ubyte.gz'), join(FASHION_DIR, 'train-labels-idx1-ubyte.gz')], name: 'Fashion-MNIST train' })
    )
    const importSeconds = (performance.now() - t) / 1000
    const info = lab.store.datasets.get(imported.datasetId!)!
    t = performance.now()
    const pca = await jobDone(lab, () => lab.call('datasets.transform', { id: info.id, transform: { op: 'pca', components: 20 } }))
    const pcaSeconds = (performance.now() - t) / 1000
    const pcaInfo = lab.store.datasets.get(pca.datasetId!)!
    const explained = JSON.stringify(pcaInfo.provenance).match(/"varianceExplained":([0-9.]+)/)
    let cnn: FashionResult['cnn'] = null
    if (withCnn) {
      const template = trainingTemplates.find((x) => x.id === 'training/fashion-mnist-cnn')!
      const config = structuredClone(template.config)
      if (config.dataset.kind === 'stored') config.dataset.datasetId = info.id
      const e = await lab.call('experiments.create', { name: 'bench fashion cnn', studyId: 'training', config })
      log(`fashion: training the ${template.id} template (${config.epochs} epochs)…`)
      const run = lab.startRun(e.id)
      await lab.queue.idle()
      const done = lab.store.runs.get(run.id)!
      if (done.status !== 'completed') throw new Error(`fashion CNN run ended ${done.status}: ${done.error}`)
      const acc = lab.store.runs.scalars(run.id, ['test/accuracy'])['test/accuracy'].value
      cnn = {
        epochs: config.epochs,
        seconds: round((done.finishedAt! - done.startedAt!) / 1000, 1),
        testAccuracy: round(acc.at(-1)!, 4),
        perEpoch: acc.slice(1).map((v) => round(v, 4)),
        samplesPerSecond: done.summary!.samplesPerSecond
      }
    }
    return { importSeconds: round(importSeconds, 2), images: info.shape.n, pcaSeconds: round(pcaSeconds, 2), pcaVarianceExplained: explained ? round(Number(explained[1]), 4) : null, cnn }
  } finally {
    await lab.close()
  }
}

// ------------------------------------------------------------------------------------ peer (PyTorch)

/** The single-section modes measure `LAB_BACKEND` when it is set (e.g. wasm beside blas), the auto choice otherwise. */
const benchBackend = () => parseBackendOverride(process.env.LAB_BACKEND) ?? 'auto'

/** The lab's compute threads for a peer round: blas sizes its OpenBLAS pool; wasm and cpu run one thread in Node. */
async function setLabThreads(backend: BackendName, threads: number): Promise<void> {
  setComputeThreads(backend, threads)
}

/** The lab's side of a peer round: section 1's MLP or section 4's CNN loop, epochs until the round's time cap. */
function peerLab(backend: BackendName): LabRound {
  return async (workload, threads) => {
    await useBackend(backend)
    await setLabThreads(backend, threads)
    const seconds = peerRoundSeconds(QUICK)
    return workload === 'mlp' ? rawTrain(backend, [392, 50], 784, 10, Infinity, seconds) : rawCnn(backend, seconds, Infinity)
  }
}

const peerLabDescription = (backend: BackendName) => `raw tfjs on ${backend}, the loops of sections 1 and 4`

async function peerSection(backend: BackendName): Promise<PeerFigures> {
  log(`peer: PyTorch beside raw tfjs on ${backend}`)
  const peer = await peerComparison({ quick: QUICK, log, lab: peerLab(backend), samples: { mlp: SAMPLES, cnn: CNN_SAMPLES } })
  if (!peer.available) log(`peer: not measured: ${peer.reason}`)
  return peer
}

async function isingSection() {
  log('effective model: BP sweeps, a landscape, moments')
  const maths = await isingFigures({ quick: QUICK, log })
  log('effective model: sampling throughput')
  const sampling = await samplingFigures({ quick: QUICK, log })
  return { maths, sampling }
}

async function main(): Promise<void> {
  const t0 = performance.now()
  const tmp = mkdtempSync(join(tmpdir(), 'lab-bench-'))
  try {
    if (args['neurashed-only']) {
      log('neurashed: a 10 000-node random graph')
      const neurashed = await neurashedFigures({ quick: QUICK, log })
      if (args.json) console.log(JSON.stringify({ quick: QUICK, neurashed }))
      else console.log(neurashedReport(neurashed).join('\n'))
      return
    }
    if (args['representations-only']) {
      const backend = (await resolveBackend(benchBackend())).backend
      log(`representation probes on ${backend}`)
      const representations = await representationFigures({ backend, log })
      if (args.json) console.log(JSON.stringify({ quick: QUICK, representations }))
      else console.log(representationReport(representations).join('\n'))
      return
    }
    if (args['ising-only']) {
      const ising = await isingSection()
      if (args.json) console.log(JSON.stringify({ quick: QUICK, ising }))
      else console.log([...isingReport(ising.maths), ...samplingReport(ising.sampling)].join('\n'))
      return
    }
    if (args['compression-only']) {
      const compression = compressionFigures({ quick: QUICK, log })
      if (args.json) console.log(JSON.stringify({ quick: QUICK, compression }))
      else console.log(compressionReport(compression).join('\n'))
      return
    }
    if (args.cards) {
      log('gallery cards: every CPU preset, end to end')
      const times = await cardTimes(join(tmp, 'cards'), here('./worker.js'), log, args['cards-prefix'])
      console.log(JSON.stringify(times, null, 2))
      return
    }
    if (args['trainer-only']) {
      const backend = (await resolveBackend('auto')).backend
      log(`trainer: overhead against the raw loop on ${backend}`)
      const trainer = await trainerFigures({ quick: QUICK, backend, log })
      if (args.json) console.log(JSON.stringify({ quick: QUICK, trainer }))
      else console.log(trainerReport(trainer).join('\n'))
      return
    }
    if (args['peer-only']) {
      const backend = (await resolveBackend(benchBackend())).backend
      const peer = await peerSection(backend)
      if (args.json) console.log(JSON.stringify({ quick: QUICK, peer }))
      else console.log(peerReport(peer, peerLabDescription(backend), table).join('\n'))
      return
    }
    if (args['sweep-only']) {
      const backend = (await resolveBackend(benchBackend())).backend
      log(`sweep throughput on ${backend}: runs in parallel 1 vs 2`)
      const sweeps = await sweepThroughput(join(tmp, 'sweep'))
      if (args.json) console.log(JSON.stringify({ quick: QUICK, sweeps: { results: sweeps, speedup: sweepSpeedups(sweeps) } }))
      else console.log(sweepReport(sweeps, sweepSpeedups(sweeps), backend).join('\n'))
      return
    }
    if (args['compare-only']) {
      log('compare: runs table and compare view in Chromium')
      const compare = await compareFigures(join(tmp, 'compare'), { quick: QUICK, log })
      if (args.json) console.log(JSON.stringify({ quick: QUICK, compare }))
      else console.log(compareReport(compare).join('\n'))
      return
    }
    const resolution = await resolveBackend('auto')
    const available = resolution.probes.filter((p) => p.available).map((p) => p.name)
    log(`backends available: ${available.join(', ')} (auto → ${resolution.backend})`)

    const raw: RawResult[] = []
    for (const b of available) {
      log(`raw tfjs 784-392-50-10 on ${b}`)
      raw.push(await rawTrain(b, [392, 50], 784, 10, RAW_EPOCHS[b], RAW_MAX_SECONDS[b]))
    }
    const runner: RunnerResult[] = []
    for (const b of available) {
      log(`runner vs raw 784-392-50-10 on ${b}`)
      runner.push(await runnerVsRaw(b, join(tmp, `runner-${b}`)))
    }
    log('events through serve mode')
    const events = await eventThroughput(join(tmp, 'serve'))
    const cnn: RawResult[] = []
    for (const b of available) {
      log(`raw tfjs CNN ${CNN_NAME} on ${b}`)
      cnn.push(await rawCnn(b, CNN_MAX_SECONDS[b]))
    }
    const cnnRunners: CnnRunnerResult[] = []
    for (const b of available.filter((name) => name !== 'cpu')) {
      log(`runner CNN on ${b}`)
      cnnRunners.push(await cnnRunner(b, join(tmp, `cnn-${b}`)))
    }

    log('sweep throughput: concurrency 1 vs 2')
    const sweeps = await sweepThroughput(join(tmp, 'sweep'))
    log('bare tfjs control: one training loop alone, then two at once')
    const contention = await bareTfjsContention()
    log('fashion-mnist: import and PCA-20' + (args['fashion-cnn'] ? ' and the CNN template' : ''))
    const fashion = await fashionFigures(join(tmp, 'fashion'), args['fashion-cnn'])
    log('compare: runs table and compare view in Chromium')
    const compare = await compareFigures(join(tmp, 'compare'), { quick: QUICK, log })
    log('neurashed: a 10 000-node random graph')
    const neurashed = await neurashedFigures({ quick: QUICK, log })
    log(`trainer: overhead against the raw loop on ${resolution.backend}`)
    const trainer = await trainerFigures({ quick: QUICK, backend: resolution.backend, log })
    const ising = await isingSection()
    const peer = args.peer ? await peerSection(resolution.backend) : undefined

    const report = {
      machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '' },
      quick: QUICK,
      backends: resolution.probes.map((p: BackendProbe) => ({ name: p.name, available: p.available, detail: p.detail })),
      auto: resolution.backend,
      raw,
      runner,
      events,
      cnn: { raw: cnn, runner: cnnRunners },
      fashion,
      sweeps: { results: sweeps, speedup: sweepSpeedups(sweeps), bareTfjsControl: contention },
      compare,
      neurashed,
      trainer,
      ising,
      peer,
      totalSeconds: round((performance.now() - t0) / 1000, 1)
    }

    if (args.json) {
      console.log(JSON.stringify(report))
      return
    }
    const out: string[] = []
    out.push(`Phenomenology Lab bench — node ${report.machine.node}, ${report.machine.cpus} cpus (${report.machine.cpuModel})${QUICK ? ' [quick]' : ''}`)
    out.push('')
    out.push('Backends (resolver order):')
    for (const p of report.backends) out.push(`  ${p.available ? '✓' : '✗'} ${p.name.padEnd(14)} ${p.detail}${p.name === report.auto ? '   ← auto' : ''}`)
    out.push('')
    out.push(`1. Raw tfjs: MLP 784-392-50-10, MSE, SGD lr ${LR}, batch ${BATCH}, ${fmt(SAMPLES)} synthetic samples (minimal minimize loop)`)
    out.push(
      table(
        ['backend', 'samples', 'seconds', 'samples/s', 'note'],
        raw.map((r) => [r.backend, fmt(r.samples), r.seconds.toFixed(2), fmt(r.samplesPerSecond), r.capped ? `time-capped at ${RAW_MAX_SECONDS[r.backend]} s` : ''])
      )
    )
    out.push('')
    out.push(`2. Runner vs raw: MLP 784-392-50-10, MSE, SGD lr ${LR}, batch ${BATCH}, 10,000 training samples (the training study's real path)`)
    out.push(
      table(
        ['backend', 'epochs', 'raw samples/s', 'runner loop', 'runner wall', 'loop/raw', 'wall/raw', 'run s', 'events'],
        runner.map((r) => [r.backend, r.epochs, fmt(r.rawSamplesPerSecond), fmt(r.runnerLoopSamplesPerSecond), fmt(r.runnerWallSamplesPerSecond), r.ratioLoop.toFixed(2), r.ratioWall.toFixed(2), r.runWallSeconds.toFixed(2), r.events])
      )
    )
    out.push('   runner loop = the runner\'s own samples/s (training steps only); runner wall = samples / (finished − started), incl. worker')
    out.push('   start, backend init, data generation, per-epoch evaluation and boundary snapshots, store writes.')
    out.push('')
    out.push('3. Engine → WebSocket client (serve mode, real runs)')
    out.push(
      table(
        ['scenario', 'runs', 'seconds', 'msgs', 'msgs/s', 'MB', 'MB/s', 'steps/s', 'delay p50/p95/max ms'],
        events.map((e) => [
          e.scenario,
          e.runs,
          e.seconds.toFixed(2),
          e.messages,
          e.messagesPerSecond.toFixed(1),
          e.megabytes.toFixed(2),
          e.megabytesPerSecond.toFixed(2),
          fmt(e.stepsPerSecond),
          e.scalarDelayMs ? `${e.scalarDelayMs.p50}/${e.scalarDelayMs.p95}/${e.scalarDelayMs.max}` : '—'
        ])
      )
    )
    for (const e of events) {
      out.push(`   ${e.scenario}: ${e.description}`)
      out.push(`     ${Object.entries(e.byEvent).map(([k, v]) => `${k} ${v.count} (${fmt(v.kB)} kB)`).join(', ')}`)
    }
    out.push('')
    out.push(`4. CNN ${CNN_NAME} (conv 3×3 valid, max-pool 2), 28×28×1 synthetic images, softmax CE, SGD lr ${LR}, batch ${BATCH}`)
    const wasmCnn = cnn.find((r) => r.backend === 'wasm')
    out.push(
      table(
        ['backend', 'path', 'samples', 'seconds', 'samples/s', 'vs wasm', 'note'],
        [
          ...cnn.map((r) => [r.backend, 'raw tfjs', fmt(r.samples), r.seconds.toFixed(2), r.samplesPerSecond.toFixed(1), wasmCnn ? `${(r.samplesPerSecond / wasmCnn.samplesPerSecond).toFixed(3)}×` : '', r.capped ? `time-capped at ${CNN_MAX_SECONDS[r.backend]} s` : '']),
          ...cnnRunners.map((r) => [r.backend, 'runner (loop)', fmt(r.trainSamples * r.epochs), r.runWallSeconds.toFixed(2), r.runnerLoopSamplesPerSecond.toFixed(1), wasmCnn ? `${(r.runnerLoopSamplesPerSecond / wasmCnn.samplesPerSecond).toFixed(2)}×` : '', `wall ${fmt(r.runnerWallSamplesPerSecond)} samples/s incl. worker start, load, evaluation`])
        ]
      )
    )
    out.push('   wasm trains conv nets with the lab\'s own Conv2DBackpropFilter kernel (src-main/engine/compute/wasmKernels.ts); cpu is tfjs\'s pure-JS reference.')
    out.push('')
    out.push('5. Real data: Fashion-MNIST train from Debian\'s dataset-fashion-mnist')
    if (!fashion) out.push('   not measured: the files are not installed')
    else {
      out.push(`   import ${fmt(fashion.images)} images (IDX .gz, worker job): ${fashion.importSeconds.toFixed(2)} s`)
      out.push(`   PCA to 20 components: ${fashion.pcaSeconds.toFixed(2)} s, variance explained ${fashion.pcaVarianceExplained ?? '?'}`)
      if (fashion.cnn) {
        out.push(`   CNN template training/fashion-mnist-cnn: ${(fashion.cnn.testAccuracy * 100).toFixed(2)} % test accuracy after ${fashion.cnn.epochs} epochs in ${fashion.cnn.seconds} s (${fmt(fashion.cnn.samplesPerSecond)} samples/s); per epoch ${fashion.cnn.perEpoch.map((v) => (v * 100).toFixed(1)).join(', ')} %`)
      } else out.push('   CNN template: add --fashion-cnn to train it (≈ 3–4 min)')
    }
    out.push('')
    out.push(...sweepReport(sweeps, report.sweeps.speedup, report.auto))
    out.push(`   control, no lab code: a bare tfjs training loop takes ${contention.soloSeconds} s alone and ${contention.pairSeconds} s when two run at once —`)
    out.push(`   two concurrent wasm trainings can reach at most ${contention.ceiling}× on this machine (plain JS loops scale 2×).`)
    out.push('')
    out.push(...compareReport(compare))
    out.push('')
    out.push(...neurashedReport(neurashed))
    out.push('', ...trainerReport(trainer))
    out.push('', ...isingReport(ising.maths), ...samplingReport(ising.sampling))
    if (peer) out.push('', ...peerReport(peer, peerLabDescription(resolution.backend), table))
    out.push('')
    out.push(`total ${report.totalSeconds} s`)
    console.log(out.join('\n'))
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    process.exit(1)
  }
)
