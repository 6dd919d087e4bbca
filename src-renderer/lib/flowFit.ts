/**
 * The default view of a graph editor (Vue Flow): the whole graph when it fits at a readable zoom, else the
 * readable zoom with the graph's top (its input) in view and the rest a pan away. Vue Flow's own fitView
 * zooms out until everything fits, which turns a tall CNN's 12 px node text into 5 px.
 */
import type { VueFlowStore } from '@vue-flow/core'
import { getRectOfNodes } from '@vue-flow/core'

/** The smallest text of the editors' node cards (px at zoom 1). */
export const NODE_TEXT_PX = 11
/** Never zoomed out past the point where that text renders under 11 px. */
export const READABLE_ZOOM = 11 / NODE_TEXT_PX

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface FitOptions {
  minZoom?: number
  maxZoom?: number
  padding?: number
  /** Show the whole graph if that needs no zoom below this (an overview, e.g. after auto-layout); else the readable view. */
  overview?: number
}

/** Where to place a graph with bounds `b` in a pane: zoom in [minZoom, maxZoom], centred if it fits, else top-aligned. */
export function readableViewport(b: Rect, pane: { width: number; height: number }, opts: FitOptions = {}): { x: number; y: number; zoom: number } {
  const whole = Math.min((pane.width - 2 * (opts.padding ?? 24)) / Math.max(1, b.width), (pane.height - 2 * (opts.padding ?? 24)) / Math.max(1, b.height))
  if (opts.overview !== undefined && whole >= opts.overview) return readableViewport(b, pane, { ...opts, overview: undefined, minZoom: Math.min(opts.minZoom ?? READABLE_ZOOM, whole) })
  const min = opts.minZoom ?? READABLE_ZOOM
  const max = Math.max(min, opts.maxZoom ?? 1.25)
  const pad = opts.padding ?? 24
  const w = Math.max(1, b.width)
  const h = Math.max(1, b.height)
  const fit = Math.min((pane.width - 2 * pad) / w, (pane.height - 2 * pad) / h)
  const zoom = Math.min(max, Math.max(min, Number.isFinite(fit) ? fit : 1))
  const across = w * zoom <= pane.width - 2 * pad ? (pane.width - w * zoom) / 2 : pad
  const down = h * zoom <= pane.height - 2 * pad ? (pane.height - h * zoom) / 2 : pad
  return { x: across - b.x * zoom, y: down - b.y * zoom, zoom }
}

/** Apply readableViewport to a Vue Flow instance (once its nodes are measured). */
export function fitReadable(flow: VueFlowStore | null, opts?: FitOptions): void {
  if (!flow) return
  const nodes = flow.getNodes.value
  const pane = flow.dimensions.value
  if (!nodes.length || !pane.width || !pane.height) return
  void flow.setViewport(readableViewport(getRectOfNodes(nodes), pane, opts))
}
