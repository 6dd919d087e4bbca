/** `platonic` in the renderer: nothing of its own — the generic form and the outputs drawn by kind (the table, curves, decision regions). */
import type { StudyView } from '../types'

export const platonicView: StudyView = { id: 'platonic' }
