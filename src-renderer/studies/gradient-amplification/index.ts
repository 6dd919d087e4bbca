/** `gradient-amplification` in the renderer: the generic form with the library's dataset picker; outputs drawn by kind. */
import { defineAsyncComponent } from 'vue'
import type { StudyView } from '../types'

export const gradientAmplificationView: StudyView = {
  id: 'gradient-amplification',
  fields: { 'dataset.datasetId': defineAsyncComponent(() => import('../training/StoredDatasetPicker.vue')) }
}
