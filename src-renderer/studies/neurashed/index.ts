/** `neurashed` in the renderer: the feature-graph editor (its `graph` field) and the live model view. */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

export const neurashedView: StudyView = {
  id: 'neurashed',
  fields: { graph: defineAsyncComponent(() => import('./GraphEditor.vue')) },
  panels: { neurashed: defineAsyncComponent(() => import('./NeurashedPanel.vue')) }
}
