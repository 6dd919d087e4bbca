import { describe, expect, it } from 'vitest'
import type { BoundaryPayload } from '../../src-shared/records'
import { boundaryCsvRows, boundaryPixels, boundaryRect, CLASS_COLORS, decodeBase64, pointsInView } from '../../src-renderer/lib/boundary'

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes))

// A 2×2 grid: row 0 (smallest y) = class 0 sure, class 1 sure; row 1 = class 1 unsure, class 0 sure.
const payload: BoundaryPayload = { nx: 2, ny: 2, extent: [-1, 1, -2, 2], classes: 2, cls: b64([0, 1, 1, 0]), conf: b64([255, 255, 128, 255]) }

describe('decision-boundary drawing', () => {
  it('decodes base64 bytes', () => {
    expect([...decodeBase64(b64([0, 7, 255]))]).toEqual([0, 7, 255])
  })

  it('puts the smallest y at the bottom and blends confidence toward the background', () => {
    const px = boundaryPixels(payload, '#000000')
    const at = (row: number, col: number) => [...px.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4)]
    // Grid row 0 is drawn as canvas row 1 (bottom). Full confidence → 0.75 of the class colour on black.
    const orange = [0xf5, 0x93, 0x22].map((c) => Math.round(c * 0.75))
    const blue = [0x08, 0x77, 0xbd].map((c) => Math.round(c * 0.75))
    expect(at(1, 0).slice(0, 3).map(Math.round)).toEqual(orange)
    expect(at(1, 1).slice(0, 3).map(Math.round)).toEqual(blue)
    // Grid (row 1, col 0): class 1 at confidence ≈ 0.5 (chance for 2 classes) → faint (alpha 0.15).
    expect(at(0, 0).slice(0, 3).map(Math.round)).toEqual([0x08, 0x77, 0xbd].map((c) => Math.round(c * (0.15 + 0.6 * Math.max(0, (128 / 255 - 0.5) / 0.5)))))
    expect(at(0, 0)[3]).toBe(255)
    expect(CLASS_COLORS[0]).toBe('#f59322')
  })

  it('exports cell centres with class and confidence', () => {
    const rows = boundaryCsvRows(payload)
    expect(rows[0]).toEqual([-0.5, -1, 0, 1])
    expect(rows[3]).toEqual([0.5, 1, 0, 1])
    expect(rows[2][3]).toBeCloseTo(0.502, 3)
  })

  it('maps data points into the view with y up, at equal aspect', () => {
    // x spans 2, y spans 4: the extent is drawn 50 wide and 100 tall, centred (one unit is 25 px both ways).
    const [p, q] = pointsInView({ x: [1, -1], y: [2, -2], label: [1, 0], split: [1, 0] }, [-1, 1, -2, 2], 100)
    expect(p).toEqual({ cx: 75, cy: 0, label: 1, heldOut: true })
    expect(q).toEqual({ cx: 25, cy: 100, label: 0, heldOut: false })
    expect(boundaryRect([-1, 1, -2, 2], 100)).toEqual({ x: 25, y: 0, w: 50, h: 100 })
    expect(boundaryRect([0, 3, 0, 3], 90)).toEqual({ x: 0, y: 0, w: 90, h: 90 })
  })
})
