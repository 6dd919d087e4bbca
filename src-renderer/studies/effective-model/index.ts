/** `effective-model` in the renderer: nothing of its own — the generic form (its dataset field gets the library picker) and the outputs drawn by kind. */
import type { StudyView } from '../types'

export const effectiveModelView: StudyView = { id: 'effective-model' }
