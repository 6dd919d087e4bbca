/**
 * Tensor memory as the backend counts it (tfjs keeps the bytes of every live tensor, on any backend): the peak
 * held during a piece of work, and the bytes of a model's weights. Layer-wise training (thesis ch. 6) is judged by
 * it: a layer trained on a frozen feednet holds its own activations, gradients and optimiser state, full backprop
 * those of the whole network.
 */
import type * as TF from '@tensorflow/tfjs'

export interface PeakMemory<T> {
  result: T
  /** Highest bytes held during `fn` above what was held when it started (its transient tensors and what it kept). */
  peakBytes: number
  /** Bytes still held after it (what it kept: e.g. optimiser state created on a first step). */
  keptBytes: number
}

/**
 * Run `fn` under the engine's profiler: after every kernel tfjs notes the bytes held, so the maximum is the
 * high-water mark of the work (tensors made without a kernel, such as `tf.tensor(values)`, count from the next
 * kernel on). Profiling times each kernel too: measure a representative step, not every one.
 */
export async function measurePeak<T>(tf: typeof TF, fn: () => T): Promise<PeakMemory<T>> {
  const start = tf.memory().numBytes
  let info: Awaited<ReturnType<typeof TF.profile>>
  try {
    info = await tf.profile(fn as () => TF.TensorContainer)
  } catch (err) {
    // tf.profile leaves the engine profiling every later kernel when its work throws (a NaN loss).
    ;(tf.engine() as unknown as { state: { profiling: boolean } }).state.profiling = false
    throw err
  }
  const end = tf.memory().numBytes
  // With no kernel at all the profile has no snapshot (Math.max() of nothing is −Infinity).
  const peak = Number.isFinite(info.peakBytes) ? Math.max(info.peakBytes, end) : end
  return { result: info.result as unknown as T, peakBytes: Math.max(0, peak - start), keptBytes: end - start }
}

/** Bytes of a model's weights (trainable or not), as held by the backend. */
export function weightBytes(model: TF.LayersModel): number {
  let bytes = 0
  for (const w of model.weights) bytes += w.shape.reduce<number>((a, b) => a * (b ?? 1), 1) * 4
  return bytes
}
