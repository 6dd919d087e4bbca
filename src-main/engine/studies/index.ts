/**
 * The engine's studies, registered once: one line per study (its runner lives in src-main/engine/studies/<id>/).
 * The ids are the shared registry's (src-shared/studies/index.ts); a unit test checks the two agree.
 */
import type { StudyRunner } from './context'
import { runElasticityClasses } from './elasticity-classes'
import { runElasticityClustering } from './elasticity-clustering'
import { runElasticityManifold } from './elasticity-manifold'
import { runGradientAmplification } from './gradient-amplification'
import { runNeurashed } from './neurashed'
import { runTraining } from './training'
import { runWeightCompression } from './weight-compression'
import { runKFiltering } from './k-filtering'
import { runPureVoronoi } from './pure-voronoi'
import { runPlatonic } from './platonic'
import { runLayerwise } from './layerwise'
import { runEffectiveModel } from './effective-model'

export interface StudyEngine {
  id: string
  run: StudyRunner
}

export const STUDY_ENGINES: readonly StudyEngine[] = [
  { id: 'training', run: runTraining },
  { id: 'elasticity-manifold', run: runElasticityManifold },
  { id: 'elasticity-classes', run: runElasticityClasses },
  { id: 'elasticity-clustering', run: runElasticityClustering },
  { id: 'neurashed', run: runNeurashed },
  { id: 'weight-compression', run: runWeightCompression },
  { id: 'k-filtering', run: runKFiltering },
  { id: 'pure-voronoi', run: runPureVoronoi },
  { id: 'platonic', run: runPlatonic },
  { id: 'layerwise', run: runLayerwise },
  { id: 'gradient-amplification', run: runGradientAmplification },
  { id: 'effective-model', run: runEffectiveModel }
]

const BY_ID = new Map(STUDY_ENGINES.map((s) => [s.id, s.run]))

/** The runner of a study, or undefined (also for ids such as `__proto__`). */
export function findRunner(id: unknown): StudyRunner | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined
}

/** Runner per study id, as a prototype-free record. */
export const RUNNERS: Readonly<Record<string, StudyRunner>> = Object.freeze(Object.assign(Object.create(null), Object.fromEntries(BY_ID)))
