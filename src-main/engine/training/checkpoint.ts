/**
 * Checkpoints: everything a run needs to continue exactly where it was — every member network's weights (moving
 * batch-norm statistics included), optimiser state, dropout call counts, the shuffling RNG, the trainer's
 * bookkeeping (epoch, step, best values, early-stopping patience) and the study's own state — as one binary
 * artifact: "LABCKPT1", a little-endian u32 header length, the JSON header, then the tensors' bytes (4-aligned).
 */
import type { SavedTensor, OptimizerState } from './optimizers'

const MAGIC = 'LABCKPT1'
export const CHECKPOINT_ARTIFACT = 'checkpoint'
export const CHECKPOINT_KIND = 'lab-checkpoint'

export interface MemberCheckpoint {
  prefix: string
  weights: SavedTensor[]
  optimizers: OptimizerState[]
  dropoutCalls: number[]
  /** Weights of the best epoch so far (early stopping with restoreBest). */
  bestWeights?: SavedTensor[]
}

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number
  step: number
  samples: number
  trainSeconds: number
  wallSeconds: number
  shuffleState: number
  /**
   * The training order after the last shuffle: each epoch shuffles the previous epoch's order in place, so the
   * permutation is state as much as the RNG is.
   */
  order: SavedTensor
  /** JSON of the trainer's bookkeeping (final and best values, early stopping). */
  trainer: unknown
  /** JSON the study's hooks saved. */
  study?: unknown
  members: MemberCheckpoint[]
}

interface TensorRef {
  name: string
  shape: number[]
  dtype: string
  offset: number
  length: number
}

type Header = Omit<Checkpoint, 'members' | 'order'> & {
  format: 'phenomenology-lab/checkpoint'
  version: 1
  order: TensorRef
  members: (Omit<MemberCheckpoint, 'weights' | 'optimizers' | 'bestWeights'> & {
    weights: TensorRef[]
    optimizers: (Omit<OptimizerState, 'weights'> & { weights: TensorRef[] })[]
    bestWeights?: TensorRef[]
  })[]
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const chunks: Uint8Array[] = []
  let offset = 0
  const ref = (t: SavedTensor): TensorRef => {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength)
    const r = { name: t.name, shape: t.shape, dtype: t.dtype, offset, length: t.values.length }
    chunks.push(bytes)
    offset += bytes.byteLength
    return r
  }
  const header: Header = {
    format: 'phenomenology-lab/checkpoint',
    version: 1,
    ...c,
    order: ref(c.order),
    members: c.members.map((m) => ({
      prefix: m.prefix,
      dropoutCalls: m.dropoutCalls,
      weights: m.weights.map(ref),
      optimizers: m.optimizers.map((o) => ({ ...o, weights: o.weights.map(ref) })),
      ...(m.bestWeights ? { bestWeights: m.bestWeights.map(ref) } : {})
    }))
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const headerEnd = MAGIC.length + 4 + json.length
  const pad = (4 - (headerEnd % 4)) % 4
  const out = new Uint8Array(headerEnd + pad + offset)
  out.set(new TextEncoder().encode(MAGIC), 0)
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true)
  out.set(json, MAGIC.length + 4)
  let at = headerEnd + pad
  for (const ch of chunks) {
    out.set(ch, at)
    at += ch.byteLength
  }
  return out
}

export class CheckpointError extends Error {}

/** The JSON header of a checkpoint and where its tensor bytes start. */
function readHeader(bytes: Uint8Array): { header: Header; base: number } {
  const text = new TextDecoder()
  if (bytes.byteLength < MAGIC.length + 4 || text.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new CheckpointError('not a lab checkpoint (wrong magic)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = view.getUint32(MAGIC.length, true)
  const headerEnd = MAGIC.length + 4 + len
  if (headerEnd > bytes.byteLength) throw new CheckpointError('checkpoint truncated (header)')
  let header: Header
  try {
    header = JSON.parse(text.decode(bytes.subarray(MAGIC.length + 4, headerEnd)))
  } catch {
    throw new CheckpointError('checkpoint header is not valid JSON')
  }
  if (header.format !== 'phenomenology-lab/checkpoint' || header.version !== 1) throw new CheckpointError(`unsupported checkpoint format ${header.format} v${header.version}`)
  return { header, base: headerEnd + ((4 - (headerEnd % 4)) % 4) }
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { header, base } = readHeader(bytes)
  const tensor = (r: TensorRef): SavedTensor => {
    const start = base + r.offset
    const end = start + r.length * 4
    if (end > bytes.byteLength) throw new CheckpointError(`checkpoint truncated (tensor ${r.name})`)
    const copy = bytes.slice(start, end)
    const values = r.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer)
    return { name: r.name, shape: r.shape, dtype: r.dtype, values }
  }
  const { format: _f, version: _v, ...rest } = header
  return {
    ...rest,
    order: tensor(header.order),
    members: header.members.map((m) => ({
      prefix: m.prefix,
      dropoutCalls: m.dropoutCalls,
      weights: m.weights.map(tensor),
      optimizers: m.optimizers.map((o) => ({ ...o, weights: o.weights.map(tensor) })),
      ...(m.bestWeights ? { bestWeights: m.bestWeights.map(tensor) } : {})
    }))
  }
}

/** The epoch and step of a checkpoint, read from its header only. */
export function checkpointPosition(bytes: Uint8Array): { epoch: number; step: number } {
  const { header } = readHeader(bytes)
  return { epoch: header.epoch, step: header.step }
}
