import type { Optimizer } from '@tensorflow/tfjs'

/**
 * Dispose an optimizer completely. tfjs 4.22's MomentumOptimizer.dispose() frees its accumulators and momentum
 * scalar but not the learning-rate scalar `c` it inherits from SGD (it never calls super.dispose()), leaking one
 * tensor per run in a reused worker; disposing `c` again is a no-op for the other optimizers.
 */
export function disposeOptimizer(optimizer: Optimizer): void {
  optimizer.dispose()
  ;(optimizer as unknown as { c?: { dispose(): void } }).c?.dispose()
}
