/** `elasticity-clustering` in the renderer: the results table (lab beside published) and the S_sym heatmaps. */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

export const elasticityClusteringView: StudyView = {
  id: 'elasticity-clustering',
  panels: { clustering: defineAsyncComponent(() => import('../elasticity/ClusteringPanel.vue')) },
  seriesViewers: { 'clustering/matrix/*': defineAsyncComponent(() => import('../elasticity/HeatmapViewer.vue')) }
}
