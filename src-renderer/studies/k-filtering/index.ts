/** `k-filtering` in the renderer: nothing of its own — the generic form and the outputs drawn by kind (tables, scatter plots, curves). */
import type { StudyView } from '../types'

export const kFilteringView: StudyView = { id: 'k-filtering' }
