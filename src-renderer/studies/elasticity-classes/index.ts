/** `elasticity-classes` in the renderer: LE histograms per (base class, test class). */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

export const elasticityClassesView: StudyView = {
  id: 'elasticity-classes',
  panels: { 'class-pairs': defineAsyncComponent(() => import('../elasticity/ClassPairsPanel.vue')) },
  seriesViewers: { 'elasticity/histograms': defineAsyncComponent(() => import('../elasticity/HistogramsViewer.vue')) }
}
