/** The graph editors' default view: the whole graph when it fits with readable text, else readable from the top. */
import { describe, expect, it } from 'vitest'
import { NODE_TEXT_PX, READABLE_ZOOM, readableViewport } from '../../src-renderer/lib/flowFit'

describe('readable default view of a graph editor', () => {
  const pane = { width: 900, height: 480 }

  it('keeps node text at 11 px or more for a tall graph, showing it from its top', () => {
    // A CNN chain: 7 nodes of 64 px with 64 px between ranks is about 900 px tall. Fitting it all (Vue Flow's
    // fitView) took the zoom to ≈ 0.48 and 11 px text to ≈ 5 px.
    const cnn = { x: 0, y: 0, width: 180, height: 7 * 64 + 6 * 64 }
    const v = readableViewport(cnn, pane)
    expect(v.zoom * NODE_TEXT_PX).toBeGreaterThanOrEqual(11)
    expect(v.zoom).toBe(READABLE_ZOOM)
    // Top-aligned with the padding (the input is in view), centred across.
    expect(v.y).toBe(24)
    expect(v.x).toBeCloseTo((pane.width - 180 * v.zoom) / 2, 9)
  })

  it('centres a graph that fits, zooming in no further than the maximum', () => {
    const small = { x: 100, y: 50, width: 200, height: 150 }
    const v = readableViewport(small, pane)
    expect(v.zoom).toBe(1.25)
    expect(v.x + small.x * v.zoom + (small.width * v.zoom) / 2).toBeCloseTo(pane.width / 2, 9)
    expect(v.y + small.y * v.zoom + (small.height * v.zoom) / 2).toBeCloseTo(pane.height / 2, 9)
  })

  it('"fit all" (a low minimum zoom) shows the whole graph', () => {
    const wide = { x: 0, y: 0, width: 1430, height: 300 }
    const v = readableViewport(wide, pane, { minZoom: 0.1 })
    expect(wide.width * v.zoom).toBeLessThanOrEqual(pane.width - 48 + 1e-9)
    expect(v.x).toBeCloseTo((pane.width - wide.width * v.zoom) / 2, 9)
  })

  it('an overview (after auto-layout) shows the whole graph when it needs only a little zoom, else the readable view', () => {
    const row = { x: 0, y: 0, width: 1060, height: 64 } // five unconnected nodes side by side
    const v = readableViewport(row, pane, { overview: 0.75 })
    expect(v.zoom).toBeCloseTo((pane.width - 48) / 1060, 9)
    const cnn = { x: 0, y: 0, width: 180, height: 900 }
    expect(readableViewport(cnn, pane, { overview: 0.75 })).toEqual(readableViewport(cnn, pane))
  })
})
