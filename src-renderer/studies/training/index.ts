/** The `training` study in the renderer: its own form (data, network editor, training) and custom panels. */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

export const trainingView: StudyView = {
  id: 'training',
  form: defineAsyncComponent(() => import('./TrainingForm.vue')),
  // Finished MLP runs: the neurashed-style view of the trained network (renders nothing for other networks).
  panels: { 'neurashed-bridge': defineAsyncComponent(() => import('../neurashed/BridgePanel.vue')) }
}
