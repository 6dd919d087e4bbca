/**
 * The published "Results on MNIST" of elasticity-based clustering (He & Su, ICLR 2020 slides; study spec
 * `local-elasticity.md`, experiment 3): clustering accuracy in percent, as printed, per primary pair (with its
 * auxiliary classes) and method. The ResNet rows are GPU-scale and left out. The renderer shows these beside
 * the lab's numbers; the runner copies them into its results payload.
 */

/** Method ids of the clustering study, in the slides' table order (baselines first). */
export const CLUSTERING_METHODS = [
  'kmeans',
  'pca-kmeans',
  'pixel-kernel',
  'relative-linear',
  'kernelized-linear',
  'relative-mlp',
  'kernelized-mlp',
  'relative-cnn',
  'kernelized-cnn'
] as const
export type ClusteringMethodId = (typeof CLUSTERING_METHODS)[number]

/** How the slides' table names each method ('pixel-kernel' is the lab's own control, not in the slides). */
export const CLUSTERING_METHOD_LABELS: Record<ClusteringMethodId, string> = {
  kmeans: 'K-means',
  'pca-kmeans': 'PCA + K-means',
  'pixel-kernel': 'Pixel kernel + kernel K-means',
  'relative-linear': 'ℓ2-relative (linear)',
  'kernelized-linear': 'ℓ2-kernelized (linear)',
  'relative-mlp': 'ℓ2-relative (FNN)',
  'kernelized-mlp': 'ℓ2-kernelized (FNN)',
  'relative-cnn': 'ℓ2-relative (CNN)',
  'kernelized-cnn': 'ℓ2-kernelized (CNN)'
}

export interface PublishedClusteringRow {
  primary: [number, number]
  auxiliary: number[]
  /** Accuracy in percent, as printed, per method (methods the slides do not report are absent). */
  percent: Partial<Record<ClusteringMethodId, number>>
}

export const PUBLISHED_SOURCE = 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020 — slides, "Results on MNIST" (ℓ2 = squared loss)'

export const PUBLISHED_MNIST: PublishedClusteringRow[] = [
  { primary: [5, 8], auxiliary: [3, 9], percent: { kmeans: 50.4, 'pca-kmeans': 50.4, 'relative-linear': 51.0, 'kernelized-linear': 50.1, 'relative-mlp': 75.9, 'kernelized-mlp': 71.0, 'relative-cnn': 54.2, 'kernelized-cnn': 64.1 } },
  { primary: [4, 9], auxiliary: [5, 7], percent: { kmeans: 54.5, 'pca-kmeans': 54.5, 'relative-linear': 54.6, 'kernelized-linear': 55.5, 'relative-mlp': 55.6, 'kernelized-mlp': 63.8, 'relative-cnn': 53.7, 'kernelized-cnn': 69.5 } },
  { primary: [7, 9], auxiliary: [4, 5], percent: { kmeans: 55.5, 'pca-kmeans': 55.7, 'relative-linear': 51.3, 'kernelized-linear': 55.5, 'relative-mlp': 62.5, 'kernelized-mlp': 64.6, 'relative-cnn': 89.1, 'kernelized-cnn': 91.3 } },
  { primary: [5, 9], auxiliary: [4, 8], percent: { kmeans: 56.3, 'pca-kmeans': 56.5, 'relative-linear': 58.8, 'kernelized-linear': 56.3, 'relative-mlp': 89.3, 'kernelized-mlp': 67.8, 'relative-cnn': 50.1, 'kernelized-cnn': 97.6 } },
  { primary: [3, 5], auxiliary: [8, 9], percent: { kmeans: 69.0, 'pca-kmeans': 70.7, 'relative-linear': 58.3, 'kernelized-linear': 69.3, 'relative-mlp': 50.3, 'kernelized-mlp': 71.5, 'relative-cnn': 50.1, 'kernelized-cnn': 75.3 } },
  { primary: [3, 8], auxiliary: [5], percent: { kmeans: 76.5, 'pca-kmeans': 76.4, 'relative-linear': 58.7, 'kernelized-linear': 76.1, 'relative-mlp': 74.7, 'kernelized-mlp': 78.8, 'relative-cnn': 83.0, 'kernelized-cnn': 87.4 } }
]

const sameSet = (a: readonly number[], b: readonly number[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i])

/** The published row for a primary pair (either order) with exactly these auxiliary classes, if any. */
export function publishedRow(primary: readonly number[], auxiliary: readonly number[]): PublishedClusteringRow | undefined {
  return PUBLISHED_MNIST.find((r) => sameSet(r.primary, primary) && sameSet(r.auxiliary, auxiliary))
}

/**
 * The published accuracy as a fraction (0–1, like the lab's numbers) for a pair, its auxiliary classes and a
 * method; null when the slides have no number for that combination (other auxiliary classes are another
 * experiment, so no number is borrowed across them).
 */
export function publishedAccuracy(primary: readonly number[], auxiliary: readonly number[], method: string): number | null {
  const v = publishedRow(primary, auxiliary)?.percent[method as ClusteringMethodId]
  return v === undefined ? null : v / 100
}
