/** `elasticity-manifold` in the renderer: the 3-D manifold coloured by LE, both nets side by side. */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

const rows = defineAsyncComponent(() => import('../elasticity/ElasticityRowsViewer.vue'))

export const elasticityManifoldView: StudyView = {
  id: 'elasticity-manifold',
  panels: { manifold: defineAsyncComponent(() => import('../elasticity/ManifoldPanel.vue')) },
  // The compare view's series grid: each net's LE rows.
  seriesViewers: { 'elasticity/neural': rows, 'elasticity/linear': rows }
}
