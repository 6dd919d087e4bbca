/** `weight-compression` in the renderer: nothing of its own — the generic form (its dataset field gets the library picker) and outputs drawn by kind. */
import type { StudyView } from '../types'

export const weightCompressionView: StudyView = { id: 'weight-compression' }
