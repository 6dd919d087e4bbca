/**
 * Pixel baselines of the `elasticity-clustering` study, each clustering the n primary images into 2 groups:
 * K-means on the pixels, PCA + K-means (the slides' baselines) and the raw-pixel inner-product kernel X Xᵀ
 * clustered by the SAME kernel K-means as the elasticity matrices — so a gain of an elasticity method over it
 * comes from elasticity, not from the clustering method.
 */
import { kernelKMeans, kMeans, type Clustering } from '../../../../src-shared/elasticity'
import type { tf as TF } from '../../compute/backend'
import { pca } from '../../datasets/transforms'

export interface ClusterOptions {
  seed: number
  restarts: number
}

export function kMeansPixels(xP: Float32Array, n: number, d: number, o: ClusterOptions): Clustering {
  return kMeans(xP, n, d, 2, o)
}

/** PCA to `components` (at most n and d), then K-means on the projections. */
export function pcaKMeans(xP: Float32Array, n: number, d: number, components: number, o: ClusterOptions): Clustering {
  const k = Math.max(1, Math.min(components, n, d))
  const { out } = pca(xP, n, d, k, () => {})
  return kMeans(out, n, k, 2, o)
}

/** The n × n inner products of the pixel rows (one matrix product). */
export function pixelKernel(tf: typeof TF, xP: Float32Array, n: number, d: number): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(xP, [n, d])
    return tf.matMul(x, x, false, true).dataSync() as Float32Array
  })
}

export function pixelKernelKMeans(tf: typeof TF, xP: Float32Array, n: number, d: number, o: ClusterOptions): { clustering: Clustering; kernel: Float32Array } {
  const kernel = pixelKernel(tf, xP, n, d)
  return { clustering: kernelKMeans(kernel, n, 2, o), kernel }
}
