/** What the generic series views share beyond the maths: theme colours for ECharts, axis styling, a width probe. */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { crispImage } from '../../lib/figure'
import { chartColors, type Theme } from '../../lib/theme'
import { labelInterval, type ColourScale } from './viewMath'

/** chartColors plus the muted text, accent, a marker colour and the panel background (ECharts does not read the CSS variables). */
export function viewColours(t: Theme) {
  const c = chartColors(t)
  return t === 'dark'
    ? { ...c, muted: '#8b949e', accent: '#4493f8', marker: '#e6edf3', panel: '#161b22' }
    : { ...c, muted: '#59636e', accent: '#0969da', marker: '#1f2328', panel: '#ffffff' }
}
export type ViewColours = ReturnType<typeof viewColours>

/** Axis colours of the theme (merge into an xAxis / yAxis). */
export function axisStyle(c: ViewColours) {
  return {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.text, fontSize: 11 },
    nameTextStyle: { color: c.muted },
    splitLine: { lineStyle: { color: c.split } }
  }
}

/** The element's content width in px, followed while it resizes (`fallback` before layout, and where nothing lays out). */
export function useElementWidth(el: Ref<HTMLElement | null>, fallback = 420): Ref<number> {
  const width = ref(fallback)
  let observer: ResizeObserver | null = null
  const measure = () => {
    const w = Math.floor(el.value?.clientWidth ?? 0)
    if (w > 0 && w !== width.value) width.value = w
  }
  onMounted(() => {
    measure()
    if (el.value && typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(measure)
      observer.observe(el.value)
    }
  })
  onBeforeUnmount(() => observer?.disconnect())
  return width
}

/** Rough width of a label in the charts' 11 px font (for margins; ECharts measures only when drawing). */
export const labelWidth = (s: string) => s.length * 6.4

/** Characters of the 12 px subtitle that fit in a chart `width` px wide. */
export const subtitleChars = (width: number) => Math.max(24, Math.floor((width - 30) / 6.8))

/**
 * A matrix drawn as one image of the grid's size (each cell a block of pixels, no smoothing) as a PNG data URL:
 * one element for ECharts however many cells (a rect per cell costs a second for 10 000 cells here), and an
 * image the SVG export can embed, at the figures' pixel ratio so the PNG export stays sharp. Null where there is
 * no canvas (tests).
 */
export function matrixImageUrl(pixels: Uint8ClampedArray, cols: number, rows: number, width: number, height: number): string | null {
  if (typeof document === 'undefined' || !cols || !rows) return null
  const src = document.createElement('canvas')
  src.width = cols
  src.height = rows
  const sctx = src.getContext('2d')
  if (!sctx) return null
  sctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, cols, rows), 0, 0)
  return crispImage(src, width, height)
}

/**
 * An ECharts custom series that draws `url` over the whole grid of its axes, with a dashed marker at category
 * `markAt` of the x axis (the step shown above it) when given.
 */
export function imageSeries(url: string, axes: { xAxisIndex: number; yAxisIndex: number }, marker?: { at: number; color: string }) {
  return {
    type: 'custom',
    ...axes,
    silent: true,
    data: [[0, 0]],
    renderItem: (params: { coordSys: { x: number; y: number; width: number; height: number } }, api: { coord: (v: number[]) => number[] }) => {
      const { x, y, width, height } = params.coordSys
      const children: Record<string, unknown>[] = [{ type: 'image', silent: true, style: { image: url, x, y, width, height } }]
      if (marker) {
        const mx = api.coord([marker.at, 0])[0]
        children.push({ type: 'line', silent: true, shape: { x1: mx, y1: y, x2: mx, y2: y + height }, style: { stroke: marker.color, lineWidth: 1, lineDash: [4, 3] } })
      }
      return { type: 'group', children }
    }
  }
}

/** Where a HoverTip sits in its view (px from the view's top and its left or right edge). */
export interface HoverTipState {
  text: string
  top: number
  left?: number
  right?: number
}

interface EChartsLike {
  getDom(): HTMLElement
  containPixel(finder: { gridIndex: number }, px: number[]): boolean
  convertFromPixel(finder: { gridIndex: number }, px: number[]): number[] | number
}

/**
 * A tooltip for a matrix drawn as an image (ECharts has no item under the pointer there): the pointer's cell from
 * the grid's axes, described by `describe(x index, y index)`, in a small box that follows it.
 */
export function useGridHover(root: Ref<HTMLElement | null>, panel: Ref<{ chart?: { chart?: unknown } | null } | null>, describe: (gridIndex: number, xi: number, yi: number) => string | null, gridIndices: () => number[]) {
  const hover = ref<HoverTipState | null>(null)
  function onMove(e: PointerEvent): void {
    const inst = panel.value?.chart?.chart as EChartsLike | undefined
    const box = root.value?.getBoundingClientRect()
    if (!inst || !box) return void (hover.value = null)
    const r = inst.getDom().getBoundingClientRect()
    const px = [e.clientX - r.left, e.clientY - r.top]
    for (const gridIndex of gridIndices()) {
      if (!inst.containPixel({ gridIndex }, px)) continue
      const at = inst.convertFromPixel({ gridIndex }, px)
      const text = Array.isArray(at) ? describe(gridIndex, Math.round(at[0]), Math.round(at[1])) : null
      if (text) {
        const x = e.clientX - box.left
        // Right of the pointer on the left half, left of it on the right half: the box stays inside the view.
        hover.value = x < box.width / 2 ? { text, left: x + 14, top: e.clientY - box.top + 14 } : { text, right: box.width - x + 14, top: e.clientY - box.top + 14 }
        return
      }
    }
    hover.value = null
  }
  return { hover, onMove, onLeave: () => void (hover.value = null) }
}

/** Room a step label needs on a matrix's x axis (its widest step, and a gap). */
export const stepSpacing = (steps: readonly number[]) => labelWidth(String(Math.max(0, ...steps.map(Math.abs)))) + 18

/** The matrix over steps below a histogram's or a vector's bars (grid 1 of their chart). */
export interface StepMatrixSpec {
  steps: readonly number[]
  /** History entries left out as unreadable. */
  skipped: number
  /** Said after "Over N steps" in the matrix's title ("each re-binned onto one grid of 40 bins"). */
  detail?: string
  top: number
  height: number
  left: number
  right: number
  gridWidth: number
  /** The y axis (bins, entries) without its grid index. */
  yAxis: Record<string, unknown>
  scale: ColourScale
  /** The colour bar's labels: high end, low end. */
  scaleText: [string, string]
  /** The matrix as one image (matrixImageUrl); null draws no image. */
  image: string | null
  /** The step the bars above show, marked on the matrix. */
  shownStep: number | null
}

/** The option parts of the matrix over steps (one entry each for grid, title, xAxis, yAxis, visualMap; the image series when drawn), to push after the bars'. */
export function stepMatrixParts(m: StepMatrixSpec, c: ViewColours) {
  const ax = axisStyle(c)
  const every = labelInterval(m.steps.length, m.gridWidth, stepSpacing(m.steps))
  const shown = m.shownStep != null ? m.steps.indexOf(m.shownStep) : -1
  return {
    grid: { left: m.left, right: m.right, top: m.top, height: m.height },
    title: {
      subtext: `Over ${m.steps.length} steps${m.detail ? `, ${m.detail}` : ''}${m.skipped ? ` (${m.skipped} unreadable left out)` : ''}`,
      left: 4,
      top: m.top - 40,
      subtextStyle: { color: c.muted, fontSize: 12 }
    },
    xAxis: { ...ax, type: 'category', gridIndex: 1, data: m.steps.map(String), name: 'step', nameLocation: 'middle', nameGap: 24, axisLabel: { ...ax.axisLabel, interval: every }, axisTick: { ...ax.axisTick, interval: every }, splitLine: { show: false } },
    yAxis: { ...m.yAxis, gridIndex: 1 },
    visualMap: {
      type: 'continuous',
      seriesIndex: 1,
      min: m.scale.min,
      max: m.scale.max,
      inRange: { color: m.scale.stops },
      calculable: false,
      hoverLink: false,
      orient: 'vertical',
      right: 8,
      top: m.top,
      itemWidth: 10,
      itemHeight: Math.max(60, m.height - 40),
      text: m.scaleText,
      textGap: 6,
      textStyle: { color: c.text, fontSize: 11 }
    },
    series: m.image ? { ...imageSeries(m.image, { xAxisIndex: 1, yAxisIndex: 1 }, shown >= 0 ? { at: shown, color: c.marker } : undefined), name: 'matrix' } : null
  }
}
