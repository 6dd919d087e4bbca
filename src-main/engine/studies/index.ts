import type { StudyRunner } from './context'
import { runTraining } from './training'

/** Runner per study id (descriptors live in src-shared/studies). */
export const RUNNERS: Record<string, StudyRunner> = {
  training: runTraining
}
