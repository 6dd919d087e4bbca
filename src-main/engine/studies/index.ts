import type { StudyRunner } from './context'
import { runTraining } from './training'
import { runElasticityManifold } from './elasticity/manifold'
import { runElasticityClasses } from './elasticity/classes'
import { runElasticityClustering } from './elasticity/clustering'
import { runNeurashed } from './neurashed'

/** Runner per study id (descriptors live in src-shared/studies). */
export const RUNNERS: Record<string, StudyRunner> = {
  training: runTraining,
  'elasticity-manifold': runElasticityManifold,
  'elasticity-classes': runElasticityClasses,
  'elasticity-clustering': runElasticityClustering,
  neurashed: runNeurashed
}
