/**
 * tfjs optimisers from the lab's optimiser configs, their learning rate changed in place (for schedules), and
 * their state saved and restored exactly (for checkpoints): tfjs's own getWeights/setWeights recompute Adam's
 * β-power accumulators as pow(β, t + 1), which differs in float32 from the product the optimiser accumulated,
 * so a resumed run would drift; the accumulators are saved and restored as they are.
 */
import type { OptimizerConfig } from '../../../src-shared/training/optimizer'
import type { tf as TF } from '../compute/backend'

export function createOptimizer(tf: typeof TF, o: OptimizerConfig): TF.Optimizer {
  if (o.kind === 'adam') return tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon)
  return o.momentum > 0 ? tf.train.momentum(o.learningRate, o.momentum) : tf.train.sgd(o.learningRate)
}

/**
 * Dispose an optimizer completely. tfjs 4.22's MomentumOptimizer.dispose() frees its accumulators and momentum
 * scalar but not the learning-rate scalar `c` it inherits from SGD (it never calls super.dispose()), leaking one
 * tensor per run in a reused worker; disposing `c` again is a no-op for the other optimizers.
 */
export function disposeOptimizer(optimizer: TF.Optimizer): void {
  optimizer.dispose()
  ;(optimizer as unknown as { c?: { dispose(): void } }).c?.dispose()
}

/** Change an optimiser's learning rate for its next steps (SGD and momentum keep it as a scalar tensor `c`). */
export function setLearningRate(optimizer: TF.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (r: number) => void }
  if (o.learningRate === rate) return
  if (typeof o.setLearningRate === 'function') o.setLearningRate(rate)
  else o.learningRate = rate
}

export interface SavedTensor {
  name: string
  shape: number[]
  dtype: string
  values: Float32Array | Int32Array
}

/** An optimiser's complete state: its weights (iterations and slots) and, for Adam, the β-power accumulators. */
export interface OptimizerState {
  weights: SavedTensor[]
  accBeta?: [number, number]
  learningRate: number
}

/** A copy of a tensor's values, for a checkpoint. */
export async function savedTensor(t: { name: string; tensor: TF.Tensor }): Promise<SavedTensor> {
  const values = (await t.tensor.data()) as Float32Array | Int32Array
  return { name: t.name, shape: t.tensor.shape.slice(), dtype: t.tensor.dtype, values: values.slice() as Float32Array | Int32Array }
}

export async function saveOptimizer(optimizer: TF.Optimizer): Promise<OptimizerState> {
  const named = await optimizer.getWeights()
  const weights = await Promise.all(named.map(savedTensor))
  // getWeights makes a fresh scalar for the iteration count; the other entries are the optimiser's own variables.
  for (const n of named) if (n.name === 'iter') n.tensor.dispose()
  const o = optimizer as unknown as { accBeta1?: TF.Variable; accBeta2?: TF.Variable; learningRate: number }
  const accBeta: [number, number] | undefined = o.accBeta1 && o.accBeta2 ? [(await o.accBeta1.data())[0], (await o.accBeta2.data())[0]] : undefined
  return { weights, ...(accBeta ? { accBeta } : {}), learningRate: o.learningRate }
}

/** Restore a state saved by `saveOptimizer` into a fresh optimiser of the same config. */
export async function restoreOptimizer(tf: typeof TF, optimizer: TF.Optimizer, state: OptimizerState): Promise<void> {
  const named = state.weights.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, w.dtype as TF.DataType) }))
  await optimizer.setWeights(named)
  // setWeights turned the tensors into the optimiser's own variables (or read the iteration count): free ours.
  tf.dispose(named.map((n) => n.tensor))
  const o = optimizer as unknown as { accBeta1?: TF.Variable; accBeta2?: TF.Variable }
  if (state.accBeta && o.accBeta1 && o.accBeta2) {
    const [b1, b2] = [o.accBeta1, o.accBeta2]
    // Inside tidy: the scalars assigned are freed (the variables keep their own reference to the values).
    tf.tidy(() => {
      b1.assign(tf.scalar(state.accBeta![0]))
      b2.assign(tf.scalar(state.accBeta![1]))
    })
  }
  setLearningRate(optimizer, state.learningRate)
}
