/** `layerwise` in the renderer: nothing of its own — the generic form and the outputs drawn by kind (the per-block table, curves over blocks, scalars over epochs). */
import type { StudyView } from '../types'

export const layerwiseView: StudyView = { id: 'layerwise' }
