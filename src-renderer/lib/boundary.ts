/** Decoding and drawing of decision-boundary snapshots (Playground-style colours, confidence as alpha). */
import type { BoundaryPayload, PointsPayload } from '../../src-shared/records'

export const CLASS_COLORS = ['#f59322', '#0877bd', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']

export function decodeBase64(s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** RGBA pixels (nx × ny, top row = largest y) of a snapshot over background `bg`. */
export function boundaryPixels(b: BoundaryPayload, bg: string): Uint8ClampedArray {
  const cls = decodeBase64(b.cls)
  const conf = decodeBase64(b.conf)
  const base = hexToRgb(bg)
  const colors = CLASS_COLORS.map(hexToRgb)
  const floor = 1 / Math.max(2, b.classes)
  const px = new Uint8ClampedArray(b.nx * b.ny * 4)
  for (let j = 0; j < b.ny; j++) {
    for (let i = 0; i < b.nx; i++) {
      const k = j * b.nx + i
      const row = b.ny - 1 - j // grid row 0 is the smallest y; canvas row 0 is the top
      const o = (row * b.nx + i) * 4
      const c = colors[cls[k] % colors.length]
      const a = 0.15 + 0.6 * Math.max(0, (conf[k] / 255 - floor) / (1 - floor))
      px[o] = base[0] + (c[0] - base[0]) * a
      px[o + 1] = base[1] + (c[1] - base[1]) * a
      px[o + 2] = base[2] + (c[2] - base[2]) * a
      px[o + 3] = 255
    }
  }
  return px
}

export function boundaryCsvRows(b: BoundaryPayload): (number)[][] {
  const cls = decodeBase64(b.cls)
  const conf = decodeBase64(b.conf)
  const [x0, x1, y0, y1] = b.extent
  const rows: number[][] = []
  for (let j = 0; j < b.ny; j++)
    for (let i = 0; i < b.nx; i++) {
      const k = j * b.nx + i
      rows.push([x0 + ((i + 0.5) / b.nx) * (x1 - x0), y0 + ((j + 0.5) / b.ny) * (y1 - y0), cls[k], +(conf[k] / 255).toFixed(3)])
    }
  return rows
}

/**
 * Where the extent is drawn in a size × size view: the largest centred rectangle with the extent's own
 * aspect, so one unit of x is as long as one unit of y (a circle stays a circle).
 */
export function boundaryRect(extent: [number, number, number, number], size: number): { x: number; y: number; w: number; h: number } {
  const xs = extent[1] - extent[0]
  const ys = extent[3] - extent[2]
  if (!(xs > 0) || !(ys > 0)) return { x: 0, y: 0, w: size, h: size }
  const w = xs >= ys ? size : (size * xs) / ys
  const h = ys >= xs ? size : (size * ys) / xs
  return { x: (size - w) / 2, y: (size - h) / 2, w, h }
}

/** Data points in view coordinates (y up), inside boundaryRect. */
export function pointsInView(p: PointsPayload, extent: [number, number, number, number], size: number) {
  const [x0, x1, y0, y1] = extent
  const r = boundaryRect(extent, size)
  return p.x.map((x, i) => ({
    cx: r.x + ((x - x0) / (x1 - x0)) * r.w,
    cy: r.y + (1 - (p.y[i] - y0) / (y1 - y0)) * r.h,
    label: p.label[i],
    // split 1: held out of training (validation or test).
    heldOut: p.split[i] === 1
  }))
}
