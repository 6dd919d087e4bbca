/**
 * A rotatable 3-D point cloud projected to 2-D, for the dataset 3-D scatter. Drawn on a plain canvas so
 * the renderer's CSP stays free of 'unsafe-eval' (echarts-gl compiles shaders with `new Function`).
 */

export interface View3D {
  /** Rotation about the vertical axis, radians. */
  yaw: number
  /** Tilt towards the viewer, radians. */
  pitch: number
}

export interface Projected {
  /** Screen coordinates in [-1, 1] (y up) and depth (larger = nearer). */
  sx: number
  sy: number
  depth: number
  index: number
}

/** Centre each axis and scale all to [-1, 1] by their own range (so flat axes do not collapse the cloud). */
export function normalise3(x: ArrayLike<number>, dims: number): Float64Array {
  const n = Math.floor(x.length / dims)
  const out = new Float64Array(n * 3)
  for (let d = 0; d < 3; d++) {
    if (d >= dims) continue
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < n; i++) {
      const v = x[i * dims + d]
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    const mid = (lo + hi) / 2
    const half = (hi - lo) / 2 || 1
    for (let i = 0; i < n; i++) out[i * 3 + d] = (x[i * dims + d] - mid) / half
  }
  return out
}

/** Rotate (yaw about y-up, then pitch about x) and project orthographically; sorted far → near. */
export function project(p: Float64Array, view: View3D): Projected[] {
  const n = p.length / 3
  const cy = Math.cos(view.yaw)
  const sy = Math.sin(view.yaw)
  const cp = Math.cos(view.pitch)
  const sp = Math.sin(view.pitch)
  const out: Projected[] = new Array(n)
  for (let i = 0; i < n; i++) {
    // data axes: x → screen x, z (3rd feature) → up, y (2nd feature) → depth before rotation
    const X = p[i * 3]
    const Y = p[i * 3 + 2]
    const Z = p[i * 3 + 1]
    const x1 = X * cy + Z * sy
    const z1 = -X * sy + Z * cy
    const y2 = Y * cp - z1 * sp
    const z2 = Y * sp + z1 * cp
    out[i] = { sx: x1 / Math.SQRT2 / 1.05, sy: y2 / Math.SQRT2 / 1.05, depth: -z2, index: i }
  }
  return out.sort((a, b) => a.depth - b.depth)
}

/** The three unit axes' end points under the same view (for drawing axis lines and labels). */
export function projectAxes(view: View3D): { sx: number; sy: number }[] {
  const axes = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1])
  const pr = project(axes, view)
  return [0, 1, 2].map((i) => pr.find((q) => q.index === i)!)
}
