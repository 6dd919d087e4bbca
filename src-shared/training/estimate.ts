/**
 * What a training run will cost before it starts: memory (data, the copies kept for evaluation, weights with
 * gradients and optimiser slots, activations of a training batch and of an evaluation pass) and compute (FLOPs
 * of every forward and backward pass), from the network's shapes — pure, so the form shows it while a config is
 * edited and the engine refuses a run that cannot fit before allocating anything. Time = FLOPs ÷ the FLOP rate
 * measured on this machine's backend by earlier runs (the engine's `engine.throughput`).
 */
import { formatBytes } from '../format'
import { analyzeGraph } from '../network/analyze'
import type { NetworkGraph } from '../network/spec'
import type { Layer } from '../network/layers'
import { inferNetworkShapes } from '../studies/networkShapes'

/** The shape of the data a config trains on (from the config for generated data, from the library otherwise). */
export interface DataShape {
  n: number
  sample: number[]
  classes: number
  uint8: boolean
}

/** Per sample: parameters, multiply-adds ×2 of one forward pass, and the floats every layer outputs. */
export interface NetworkCost {
  params: number
  forwardFlops: number
  activationFloats: number
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1)

/** The cost of a layer list on samples of shape `input` with `outputs` classes; null when it does not fit. */
export function layerListCost(layers: Layer[], input: number[], outputs: number): NetworkCost | null {
  const shapes = inferNetworkShapes(layers, input, outputs)
  if (!shapes.ok) return null
  let flops = 0
  let floats = 0
  for (const l of shapes.layers) {
    const out = prod(l.outputShape)
    floats += out
    if (l.type === 'dense') flops += 2 * prod(l.input) * out
    else if (l.type === 'conv2d' && l.index !== null) {
      const c = layers[l.index] as Extract<Layer, { type: 'conv2d' }>
      flops += 2 * c.kernelSize * c.kernelSize * l.input[2] * out
    } else flops += prod(l.input) // pooling, batch-norm, dropout: about one operation per input value
  }
  return { params: shapes.params, forwardFlops: flops, activationFloats: floats }
}

/** The cost of a graph network; null when its shapes are not known (invalid, or no data shape). */
export function graphCost(graph: NetworkGraph, input: number[], outputs: number): NetworkCost | null {
  const a = analyzeGraph(graph, { input, outputs })
  if (!a.ok) return null
  let flops = 0
  let floats = 0
  for (const n of graph.nodes) {
    const info = a.nodes[n.id]
    if (!info?.outputShape || n.type === 'input') continue
    const out = prod(info.outputShape)
    floats += out
    const inSize = info.inputs.reduce((s, i) => s + (i ? prod(i) : 0), 0)
    if (n.type === 'dense' || n.type === 'output') flops += 2 * inSize * out
    else if (n.type === 'conv2d') flops += 2 * (n.params.kernelSize ?? 3) ** 2 * (info.inputs[0]?.[2] ?? 1) * out
    else flops += inSize
  }
  return { params: a.params, forwardFlops: flops, activationFloats: floats }
}

export interface TrainingWorkload {
  cost: NetworkCost
  /** Samples of the dataset (train, validation and test together) and the float width of one sample. */
  n: number
  dims: number
  classes: number
  /** Inputs stored as bytes (image imports) rather than float32. */
  uint8: boolean
  trainSamples: number
  /** Samples evaluated after every epoch (train evaluation subset, validation, test). */
  evalSamples: number
  /** Rows per evaluation pass (null = all of a split at once, kept as tensors for the run). */
  evalChunk: number | null
  batchSize: number
  epochs: number
  /** Adam keeps 2 slots per weight, momentum 1, plain SGD none. */
  optimizerSlots: number
}

export interface ResourceEstimate {
  bytes: number
  /** Where the bytes go, largest first, for the message. */
  parts: { what: string; bytes: number }[]
  /** All forward and backward passes of the run (a backward pass costs about two forward passes). */
  flops: number
  /** FLOPs of training on one sample (forward and backward): runs' samples/s × this = the FLOP rate. */
  trainFlopsPerSample: number
}

export function estimateWorkload(w: TrainingWorkload): ResourceEstimate {
  const f32 = 4
  const parts = [
    { what: 'the dataset', bytes: w.n * w.dims * (w.uint8 ? 1 : f32) },
    // Whole-split evaluation keeps every split as float tensors with one-hot targets (toy data).
    { what: 'the evaluation copies', bytes: w.evalChunk === null ? w.n * (w.dims + w.classes) * f32 : w.evalChunk * (w.dims + w.classes) * f32 },
    { what: 'the weights, gradients and optimiser state', bytes: w.cost.params * f32 * (2 + w.optimizerSlots) },
    // Forward outputs kept for the backward pass, and their gradients.
    { what: 'the activations of a training batch', bytes: w.batchSize * w.cost.activationFloats * f32 * 2 },
    { what: 'the activations of an evaluation pass', bytes: (w.evalChunk ?? Math.max(1, Math.round(w.evalSamples / 2))) * w.cost.activationFloats * f32 }
  ].sort((a, b) => b.bytes - a.bytes)
  const bytes = parts.reduce((s, p) => s + p.bytes, 0)
  const trainFlopsPerSample = w.cost.forwardFlops * 3
  const flops = w.epochs * w.trainSamples * trainFlopsPerSample + (w.epochs + 1) * w.evalSamples * w.cost.forwardFlops
  return { bytes, parts, flops, trainFlopsPerSample }
}

export const GB = 1024 ** 3


/** "8.3 GB (the dataset 3.3 GB, the evaluation copies 3.3 GB, …)". */
export function describeEstimate(e: ResourceEstimate): string {
  const main = e.parts.filter((p) => p.bytes >= e.bytes * 0.05).slice(0, 3)
  return `${formatBytes(e.bytes)} (${main.map((p) => `${p.what} ${formatBytes(p.bytes)}`).join(', ')})`
}

/**
 * The memory a run may use on a backend: WebAssembly addresses at most 4 GB (tfjs-backend-wasm is 32-bit; `blas` keeps its tensors there too), with
 * headroom for the heap's own growth; the native and JS backends the machine's memory, with headroom for the
 * engine and the OS. `totalMemory` is the machine's (the engine passes os.totalmem()).
 */
export function memoryLimit(backend: string, totalMemory: number): number {
  if (backend === 'wasm' || backend === 'blas') return Math.min(3 * GB, totalMemory * 0.6)
  return totalMemory * 0.6
}

/**
 * Why a run cannot fit in a backend's memory (the figure and what to change), or null when it fits — the one
 * message of the launch check (engine) and of the run's own check in its worker.
 */
export function memoryRefusal(e: ResourceEstimate | null, backend: string, totalMemory: number): string | null {
  const limit = memoryLimit(backend, totalMemory)
  if (!e || e.bytes <= limit) return null
  return `this run would need about ${describeEstimate(e)} of memory; the ${backend} backend here can use at most ${formatBytes(limit)} — use fewer samples, a smaller batch or narrower layers`
}

/** Seconds for `flops` at a measured rate (FLOP/s), or null without a rate. */
export function estimateSeconds(flops: number, flopsPerSecond: number | null): number | null {
  return flopsPerSecond && flopsPerSecond > 0 ? flops / flopsPerSecond : null
}
