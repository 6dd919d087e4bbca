/**
 * Stable rank of a weight matrix, ‖W‖_F² / ‖W‖₂² (thesis ch. 6: compared across layer-wise, round-robin and
 * backprop training): 1 for a rank-one matrix, the rank for one with equal singular values. A conv kernel
 * [kh, kw, cin, cout] is read as its (kh·kw·cin) × cout matrix. Float64, the largest singular value by the SVD of a
 * maintained library.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix'

/** Stable rank of a row-major rows × cols matrix; NaN for a zero matrix. */
export function stableRank(values: ArrayLike<number>, rows: number, cols: number): number {
  if (values.length !== rows * cols) throw new Error(`stableRank: ${values.length} values for a ${rows} × ${cols} matrix`)
  let frob = 0
  for (let i = 0; i < values.length; i++) frob += values[i] * values[i]
  if (frob === 0) return NaN
  const m = new Matrix(rows, cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, values[r * cols + c])
  // Only σ_max is needed: no singular vectors.
  const svd = new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true })
  const top = svd.diagonal[0]
  return frob / (top * top)
}

/** Rows × cols of a kernel's shape read as a matrix (the last axis is the output). */
export function kernelMatrixShape(shape: readonly number[]): [number, number] {
  const cols = shape.at(-1) ?? 1
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), cols]
}
