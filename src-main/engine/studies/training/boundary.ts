/**
 * Decision-boundary probe for 2-D inputs: predicts a resolution × resolution grid in one batched pass
 * and packs the predicted class and its confidence as base64 bytes (≈ 27 kB for 100×100).
 */
import type { BoundaryPayload } from '../../../../src-shared/records'
import type { tf as TF } from '../../compute/backend'

export function boundaryGrid(x: Float32Array, resolution: number, pad = 0.1): { extent: [number, number, number, number]; grid: Float32Array } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity
  for (let i = 0; i < x.length; i += 2) {
    x0 = Math.min(x0, x[i]); x1 = Math.max(x1, x[i])
    y0 = Math.min(y0, x[i + 1]); y1 = Math.max(y1, x[i + 1])
  }
  const px = (x1 - x0) * pad || 1, py = (y1 - y0) * pad || 1
  const extent: [number, number, number, number] = [x0 - px, x1 + px, y0 - py, y1 + py]
  const grid = new Float32Array(resolution * resolution * 2)
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const k = (j * resolution + i) * 2
      grid[k] = extent[0] + ((i + 0.5) / resolution) * (extent[1] - extent[0])
      grid[k + 1] = extent[2] + ((j + 0.5) / resolution) * (extent[3] - extent[2])
    }
  }
  return { extent, grid }
}

/** `probabilities` maps inputs [m, 2] to class probabilities [m, classes]. */
export function boundarySnapshot(
  tf: typeof TF,
  probabilities: (x: TF.Tensor2D) => TF.Tensor2D,
  gridTensor: TF.Tensor2D,
  resolution: number,
  extent: [number, number, number, number],
  classes: number
): BoundaryPayload {
  const [cls, conf] = tf.tidy(() => {
    const p = probabilities(gridTensor)
    return [p.argMax(1).toInt(), p.max(1).mul(255).round().toInt()]
  })
  const clsBytes = Uint8Array.from(cls.dataSync() as Int32Array)
  const confBytes = Uint8Array.from(conf.dataSync() as Int32Array)
  cls.dispose()
  conf.dispose()
  return {
    nx: resolution,
    ny: resolution,
    extent,
    classes,
    cls: Buffer.from(clsBytes).toString('base64'),
    conf: Buffer.from(confBytes).toString('base64')
  }
}
