/** `pure-voronoi` in the renderer: nothing of its own — the generic form and the outputs drawn by kind (curves, maps, the table). */
import type { StudyView } from '../types'

export const pureVoronoiView: StudyView = { id: 'pure-voronoi' }
