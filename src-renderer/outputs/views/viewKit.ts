/** What the generic series views share beyond the maths: theme colours for ECharts, axis styling, a width probe. */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { chartColors, type Theme } from '../../lib/theme'

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
