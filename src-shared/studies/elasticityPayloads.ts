/**
 * What the local elasticity studies log as series (the engine writes these payloads, the run view and the
 * compare view's series grid read them). Matrices travel as base64 of little-endian Float32 arrays.
 *
 * Study `elasticity-manifold`:
 *   series 'manifold/points'   (step 0)            ManifoldPointsPayload
 *   series 'elasticity/neural' (every probe step)  ElasticityMatrixPayload   — the neural net
 *   series 'elasticity/linear' (every probe step)  ElasticityMatrixPayload   — its linear twin
 *   scalars 'locality/neural', 'locality/linear', 'neural/train/loss', 'neural/train/accuracy',
 *           'linear/train/loss', 'linear/train/accuracy', 'epoch'
 * Study `elasticity-classes`:
 *   series 'elasticity/histograms' (every probe step)  ClassHistogramsPayload
 *   scalars 'train/loss', 'train/accuracy', 'le/mean/<base>-<test>' (class indices), 'epoch'
 * Study `elasticity-clustering`:
 *   series 'clustering/results' (end; updated as methods finish)  ClusteringResultsPayload
 *   series 'clustering/matrix/<method id>'                         ElasticityHeatmapPayload
 *   scalars 'accuracy/<method id>' (step = index of the method as it finished)
 * The training study, with its elasticity probe switched on, logs 'elasticity/locality' (scalar) and
 * 'elasticity/probe' (ElasticityMatrixPayload over its probe points).
 */

export interface ManifoldPointsPayload {
  /** Coordinates, row-major n × dims (dims = 3 for the manifolds). */
  dims: number
  x: number[]
  label: number[]
}

export interface ElasticityMatrixPayload {
  /** Point indices (into the points payload) of the base points, one matrix row each. */
  bases: number[]
  /** Number of points each row covers (all points). */
  n: number
  /** base64 Float32 bases.length × n: exact LE(x_base, x_j) (S_rel for a scalar output). */
  le: string
  /** base64 Float32 bases.length × n: first-order S_ker, when computed. */
  ker?: string
  /** Step size used per base point (after ×3 retries). */
  gamma: number[]
  /** Locality index over these rows (mean LE to the k nearest same-label points ÷ mean LE to the rest). */
  locality: number
  k: number
  /** For the training probe: the probe points themselves (row-major, first ≤ 3 input dims) and labels. */
  points?: { dims: number; x: number[]; label: number[] }
}

export interface ClassHistogramsPayload {
  classNames: string[]
  baseClasses: number[]
  testClasses: number[]
  /** Bin edges shared by every histogram (LE values). */
  edges: number[]
  /** counts[b][t][bin]: LE from base-class-b examples to test-class-t examples. */
  counts: number[][][]
  /** mean[b][t] of the LE values. */
  mean: number[][]
}

export interface ClusteringMethodResult {
  /** Stable id, e.g. 'kmeans', 'pca-kmeans', 'pixel-kernel', 'relative-linear', 'kernelized-mlp'. */
  id: string
  /** As the slides' table names it: 'K-means', 'ℓ2-relative (FNN)', … */
  label: string
  accuracy: number
  /** The published accuracy for this pair and method (slides' "Results on MNIST"), as a fraction like `accuracy`, when there is one. */
  published: number | null
  seconds: number
}

export interface ClusteringResultsPayload {
  primary: [number, number]
  auxiliary: number[]
  classNames: string[]
  procedure: 'one-pass' | 'pretrain'
  pixelScale: 'unit' | 'symmetric'
  perClass: number
  methods: ClusteringMethodResult[]
}

export interface ElasticityHeatmapPayload {
  methodId: string
  n: number
  /** Point order for display: sorted by true class. */
  order: number[]
  /** True class (0 or 1 within the primary pair) per point, in the original order. */
  truth: number[]
  /** Cluster assigned per point, in the original order. */
  assigned: number[]
  /** base64 Float32 n × n of S_sym in the original order. */
  values: string
}
