/**
 * The studies in the renderer, registered once: one line per study (its parts live in
 * src-renderer/studies/<id>/). The ids are the shared registry's; a unit test checks the sides agree.
 */
import type { Component } from 'vue'
import { keyMatches } from '../../src-shared/outputs/decl'
import { gradientAmplificationView } from './gradient-amplification'
import { elasticityClassesView } from './elasticity-classes'
import { elasticityClusteringView } from './elasticity-clustering'
import { elasticityManifoldView } from './elasticity-manifold'
import { neurashedView } from './neurashed'
import { trainingView } from './training'
import { weightCompressionView } from './weight-compression'
import { kFilteringView } from './k-filtering'
import { pureVoronoiView } from './pure-voronoi'
import { platonicView } from './platonic'
import { layerwiseView } from './layerwise'
import { effectiveModelView } from './effective-model'
import type { StudyView } from './types'

export type { StudyView } from './types'

export const STUDY_VIEWS: readonly StudyView[] = [trainingView, elasticityManifoldView, elasticityClassesView, elasticityClusteringView, neurashedView, weightCompressionView, gradientAmplificationView, kFilteringView, pureVoronoiView, platonicView, layerwiseView, effectiveModelView]

const BY_ID = new Map(STUDY_VIEWS.map((s) => [s.id, s]))

export function studyView(id: string | undefined): StudyView | undefined {
  return id === undefined ? undefined : BY_ID.get(id)
}

/** The input component of a study's `custom` field, if it registers one. */
export function customField(studyId: string, path: string): Component | null {
  return studyView(studyId)?.fields?.[path] ?? null
}

/** A study's own viewer for a series key in the compare view, if it registers one. */
export function studySeriesViewer(studyId: string, key: string): Component | null {
  const viewers = studyView(studyId)?.seriesViewers ?? {}
  for (const [pattern, c] of Object.entries(viewers)) if (keyMatches(pattern, key)) return c
  return null
}
