/**
 * Chart exports as figures — the one export path of every chart in the lab. The interactive option (or, for
 * canvas-drawn charts, their image) becomes a figure: a title, the whole legend (every entry, full labels,
 * wrapped over as many rows as it needs, no paging), no zoom slider (the zoomed range is kept), on the theme's
 * panel colour, rendered off screen at FIGURE_PIXEL_RATIO for PNG or by the SVG renderer for SVG. The plot
 * keeps the size it had on screen; the figure grows by the room the title and legend take.
 */
import { GraphicComponent, LegendComponent, TitleComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import type { ChartColors } from './charts'
import { downloadDataUrl, downloadText, safeFileName } from './download'

echarts.use([TitleComponent, LegendComponent, GraphicComponent, CanvasRenderer, SVGRenderer])

/** Exported PNGs carry 2 device pixels per CSS pixel: sharp in a paper or on a high-density screen. */
export const FIGURE_PIXEL_RATIO = 2

export interface Figure {
  option: Record<string, unknown>
  width: number
  height: number
  /** The file name without extension. */
  name: string
  background: string
}

const TITLE_TOP = 10
const TITLE_SIZE = 15
const SUBTITLE_SIZE = 11
const LEGEND_FONT = 12
const LEGEND_ICON = 18
const LEGEND_ICON_GAP = 5
const LEGEND_ITEM_GAP = 14
const LEGEND_ROW = 18
const SIDE = 12

let measureContext: CanvasRenderingContext2D | null | undefined
/** Rendered width of a text in ECharts' default font; an estimate where there is no canvas (tests). */
export function textWidth(text: string, fontSize = LEGEND_FONT): number {
  if (measureContext === undefined) {
    try {
      measureContext = document.createElement('canvas').getContext('2d')
    } catch {
      measureContext = null
    }
  }
  if (measureContext) {
    measureContext.font = `${fontSize}px sans-serif`
    const w = measureContext.measureText(text).width
    if (w > 0 || !text) return w
  }
  return text.length * fontSize * 0.62
}

/** Legend entries laid out in rows within `width`, as ECharts' plain horizontal legend wraps them. */
export function legendRows(names: string[], width: number): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let used = 0
  for (const name of names) {
    const w = LEGEND_ICON + LEGEND_ICON_GAP + textWidth(name)
    if (row.length && used + LEGEND_ITEM_GAP + w > width) {
      rows.push(row)
      row = []
      used = 0
    }
    used += (row.length ? LEGEND_ITEM_GAP : 0) + w
    row.push(name)
  }
  if (row.length) rows.push(row)
  return rows
}

/** The title block: the title, then the subtitle wrapped to the figure's width. Its option and height. */
function titleBlock(title: string, subtitle: string | undefined, width: number, colors: ChartColors): { option: Obj; height: number } {
  const inner = width - 2 * SIDE
  const lines = subtitle ? Math.max(1, Math.ceil((textWidth(subtitle, SUBTITLE_SIZE) * 1.04) / inner)) : 0
  const option = {
    text: title,
    subtext: subtitle,
    left: SIDE,
    top: TITLE_TOP,
    itemGap: 7,
    textStyle: { color: colors.text, fontSize: TITLE_SIZE, fontWeight: 600, lineHeight: TITLE_SIZE + 4 },
    subtextStyle: { color: colors.axis, fontSize: SUBTITLE_SIZE, lineHeight: SUBTITLE_SIZE + 4, width: inner, overflow: 'break' }
  }
  return { option, height: TITLE_TOP + TITLE_SIZE + 4 + (lines ? 7 + lines * (SUBTITLE_SIZE + 4) : 0) + 12 }
}

const legendHeight = (rows: number) => (rows ? rows * LEGEND_ROW + (rows - 1) * 6 : 0)

type Obj = Record<string, any>
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v : v && typeof v === 'object' ? [v as Obj] : [])

/** The names a legend lists: its own data, or every named series once, in order. */
function legendNames(legend: Obj, series: Obj[]): string[] {
  const data = legend.data as (string | { name?: string })[] | undefined
  const names = data ? data.map((d) => (typeof d === 'string' ? d : (d?.name ?? ''))) : series.map((s) => s?.name as string | undefined)
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))]
}

export interface FigureInput {
  /** The option the chart shows on screen. */
  option: Record<string, unknown>
  title: string
  /** A second title line (what the chart shows beyond its title: a split, a smoothing, a note). */
  subtitle?: string
  /** The chart's size on screen (CSS pixels). */
  width: number
  height: number
  colors: ChartColors
  background: string
}

/**
 * The figure version of an interactive option: title (and subtitle) on top, then the full legend in as many
 * rows as its entries need, then the plot at its on-screen size; sliders removed, inside zoom kept.
 */
export function figureOption(inp: FigureInput): Figure {
  const o = inp.option as Obj
  const width = Math.max(320, Math.round(inp.width))
  const series = asList(o.series)
  const titled = titleBlock(inp.title, inp.subtitle, width, inp.colors)
  const header = titled.height
  const legends = asList(o.legend).filter((l) => l.show !== false)
  let legendH = 0
  const legend = legends.map((l) => {
    const names = legendNames(l, series)
    const rows = legendRows(names, width - 2 * SIDE)
    const top = header + legendH
    legendH += legendHeight(rows.length) + (rows.length ? 8 : 0)
    return {
      ...l,
      type: 'plain',
      orient: 'horizontal',
      left: SIDE,
      right: SIDE,
      top,
      width: width - 2 * SIDE,
      padding: 0,
      itemGap: LEGEND_ITEM_GAP,
      itemWidth: LEGEND_ICON,
      itemHeight: 10,
      formatter: undefined,
      textStyle: { ...(l.textStyle ?? {}), color: inp.colors.text, fontSize: LEGEND_FONT, width: undefined, overflow: 'none' },
      ...(l.data ? {} : { data: names })
    }
  })
  const plotTop = header + legendH + 4
  // The zoom window lives on the 'inside' zoom; a slider is a control, not part of the figure.
  const zooms = asList(o.dataZoom)
  const slider = zooms.some((z) => z.type === 'slider')
  const dataZoom = zooms.filter((z) => z.type !== 'slider')
  const reserve = legends.length ? 30 : 0
  /** The plot box moved below the title and legend (the part of its top margin not taken by the on-screen legend is kept), the slider's room dropped. */
  const shift = (box: Obj | undefined, defaultTop: number) => {
    const oldTop = typeof box?.top === 'number' ? box.top : defaultTop
    const oldBottom = typeof box?.bottom === 'number' ? box.bottom : 8
    const top = plotTop + Math.max(0, oldTop - reserve)
    const bottom = slider ? Math.max(8, oldBottom - 30) : oldBottom
    return { box: { ...(box ?? {}), top, bottom }, grow: top - oldTop + (bottom - oldBottom) }
  }
  const out: Obj = { ...o, animation: false, backgroundColor: inp.background, dataZoom, legend }
  let grow = plotTop
  if (o.parallel) {
    const s = shift(o.parallel as Obj, 40)
    out.parallel = s.box
    grow = s.grow
  } else if (o.grid || o.xAxis) {
    const s = shift(o.grid as Obj | undefined, 60)
    out.grid = s.box
    grow = s.grow
  }
  out.title = titled.option
  return { option: out, width, height: Math.max(200, Math.round(inp.height + grow)), name: safeFileName(inp.title), background: inp.background }
}

export interface RasterFigureInput {
  title: string
  subtitle?: string
  /** What the chart drew (a canvas, or a data URL of its image) and the size it is drawn at; none for a chart of vector marks only. */
  image?: HTMLCanvasElement | string
  imageWidth: number
  imageHeight: number
  /** Vector marks over the image (ECharts graphic elements in image coordinates: points, boundary lines). */
  overlay?: Obj[]
  /** Colour keys under the image: classes, or a colour scale. */
  legend?: { name: string; color: string; symbol?: 'circle' | 'ring' }[]
  scale?: { low: string; high: string; colors: string[]; label?: string }
  colors: ChartColors
  background: string
}

/**
 * A figure of a chart drawn on a canvas (boundary, heatmap, image grid, 3-D projection): the same title and
 * legend as every other figure, the image at its on-screen size, optional vector overlays and colour scale.
 */
export function rasterFigure(inp: RasterFigureInput): Figure {
  const width = Math.max(320, Math.round(inp.imageWidth + 2 * SIDE))
  const titled = titleBlock(inp.title, inp.subtitle, width, inp.colors)
  const header = titled.height
  const elements: Obj[] = []
  const rows = inp.legend?.length ? legendRows(inp.legend.map((l) => l.name), width - 2 * SIDE) : []
  let y = header
  if (rows.length) {
    const byName = new Map(inp.legend!.map((l) => [l.name, l]))
    rows.forEach((row, r) => {
      let x = SIDE
      const cy = y + r * (LEGEND_ROW + 6) + LEGEND_ROW / 2
      for (const name of row) {
        const l = byName.get(name)!
        elements.push({ type: 'circle', shape: { cx: x + 6, cy, r: 5 }, style: l.symbol === 'ring' ? { fill: 'none', stroke: l.color, lineWidth: 1.5 } : { fill: l.color } })
        elements.push({ type: 'text', x: x + LEGEND_ICON, y: cy, style: { text: name, fill: inp.colors.text, font: `${LEGEND_FONT}px sans-serif`, verticalAlign: 'middle' } })
        x += LEGEND_ICON + LEGEND_ICON_GAP + textWidth(name) + LEGEND_ITEM_GAP
      }
    })
    y += legendHeight(rows.length) + 8
  }
  const imageTop = y + 4
  if (inp.image) {
    const image = typeof inp.image === 'string' ? inp.image : inp.image.toDataURL('image/png')
    elements.push({ type: 'image', x: SIDE, y: imageTop, style: { image, width: inp.imageWidth, height: inp.imageHeight } })
  }
  if (inp.overlay?.length) elements.push({ type: 'group', x: SIDE, y: imageTop, children: inp.overlay })
  let height = imageTop + inp.imageHeight + 12
  if (inp.scale) {
    const barY = height
    const barW = Math.min(220, inp.imageWidth * 0.6)
    elements.push({ type: 'text', x: SIDE, y: barY + 6, style: { text: inp.scale.low, fill: inp.colors.text, font: '11px sans-serif', verticalAlign: 'middle' } })
    const barX = SIDE + textWidth(inp.scale.low, 11) + 6
    const stops = inp.scale.colors.map((color, i) => ({ offset: i / Math.max(1, inp.scale!.colors.length - 1), color }))
    elements.push({ type: 'rect', shape: { x: barX, y: barY, width: barW, height: 12 }, style: { fill: new echarts.graphic.LinearGradient(0, 0, 1, 0, stops), stroke: inp.colors.axis, lineWidth: 0.5 } })
    elements.push({ type: 'text', x: barX + barW + 6, y: barY + 6, style: { text: inp.scale.high + (inp.scale.label ? `   ${inp.scale.label}` : ''), fill: inp.colors.text, font: '11px sans-serif', verticalAlign: 'middle' } })
    height += 24
  }
  const option: Obj = {
    animation: false,
    backgroundColor: inp.background,
    title: titled.option,
    graphic: { elements }
  }
  return { option, width, height: Math.round(height), name: safeFileName(inp.title), background: inp.background }
}

/**
 * A small raster (a boundary grid, a matrix) scaled up without smoothing to `width` × `height` CSS pixels at
 * FIGURE_PIXEL_RATIO, as a PNG data URL: crisp cells in the figure instead of a blurred upscale.
 */
export function crispImage(source: HTMLCanvasElement, width: number, height: number): string {
  const out = document.createElement('canvas')
  out.width = Math.round(width * FIGURE_PIXEL_RATIO)
  out.height = Math.round(height * FIGURE_PIXEL_RATIO)
  const ctx = out.getContext('2d')
  if (!ctx) return source.toDataURL('image/png')
  ctx.imageSmoothingEnabled = false
  ctx.drawImage(source, 0, 0, out.width, out.height)
  return out.toDataURL('image/png')
}

/** The figure as SVG text (ECharts' SVG renderer, server-side mode: no DOM needed). */
export function figureSvg(f: Figure): string {
  const chart = echarts.init(null as unknown as HTMLElement, undefined, { renderer: 'svg', ssr: true, width: f.width, height: f.height })
  try {
    chart.setOption(f.option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** The figure as a PNG data URL at FIGURE_PIXEL_RATIO, rendered by the canvas renderer off screen. */
export function figurePng(f: Figure): string {
  const host = document.createElement('div')
  host.style.cssText = `position:fixed;left:-10000px;top:0;width:${f.width}px;height:${f.height}px`
  document.body.appendChild(host)
  const chart = echarts.init(host, undefined, { renderer: 'canvas', width: f.width, height: f.height, devicePixelRatio: FIGURE_PIXEL_RATIO })
  try {
    chart.setOption(f.option)
    return chart.getDataURL({ type: 'png', pixelRatio: FIGURE_PIXEL_RATIO, backgroundColor: f.background })
  } finally {
    chart.dispose()
    host.remove()
  }
}

export function downloadFigure(f: Figure, format: 'png' | 'svg'): void {
  if (format === 'png') downloadDataUrl(`${f.name}.png`, figurePng(f))
  else downloadText(`${f.name}.svg`, figureSvg(f), 'image/svg+xml')
}

/** The theme's panel colour: figures are drawn on what the chart was drawn on. */
export function panelBackground(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#ffffff'
}
