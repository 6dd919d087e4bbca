import { ref, watchEffect } from 'vue'

export type Theme = 'dark' | 'light'
const KEY = 'lab-theme'

const initial: Theme = (localStorage.getItem(KEY) as Theme | null) ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark')
export const theme = ref<Theme>(initial)

watchEffect(() => {
  document.documentElement.dataset.theme = theme.value
  localStorage.setItem(KEY, theme.value)
})

export function toggleTheme(): void {
  theme.value = theme.value === 'dark' ? 'light' : 'dark'
}

/** Chart colours per theme (ECharts does not read CSS variables). */
export function chartColors(t: Theme) {
  return t === 'dark'
    ? { text: '#c9d1d9', axis: '#6e7681', split: '#30363d', bg: 'transparent' }
    : { text: '#24292f', axis: '#8c959f', split: '#d0d7de', bg: 'transparent' }
}
