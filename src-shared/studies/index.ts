import type { Preset, StudyDescriptor, Template } from './descriptor'
import { trainingStudy } from './training'
import { elasticityManifoldStudy } from './elasticityManifold'
import { elasticityClassesStudy } from './elasticityClasses'
import { elasticityClusteringStudy } from './elasticityClustering'
import { neurashedStudy } from './neurashed'

export type { StudyDescriptor, Template, OutputDecl, FieldMeta, FieldSpec, Preset } from './descriptor'
export { fieldSpec, schemaAt, describeRange, getPath, setPath, sameValue, fieldVisible } from './descriptor'

/** Every study the lab knows, by id. Adding a study means adding its descriptor here. */
export const STUDIES: Record<string, StudyDescriptor<any>> = {
  [trainingStudy.id]: trainingStudy,
  [elasticityManifoldStudy.id]: elasticityManifoldStudy,
  [elasticityClassesStudy.id]: elasticityClassesStudy,
  [elasticityClusteringStudy.id]: elasticityClusteringStudy,
  [neurashedStudy.id]: neurashedStudy
}

export function allTemplates(): Template[] {
  return Object.values(STUDIES).flatMap((s) => s.templates)
}

export function findTemplate(id: string): Template | undefined {
  return allTemplates().find((t) => t.id === id)
}

/** A study's named preset (`cpu`, `paper`, …). */
export function findPreset(studyId: string, presetId: string): Preset | undefined {
  return STUDIES[studyId]?.presets.find((p) => p.id === presetId)
}

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `optimizer.learningRate`. */
  path: string
  message: string
}

/** Validate a study config; problems name the field so forms and the CLI can point at it. */
export function validateConfig(studyId: string, config: unknown): { ok: true; config: any } | { ok: false; problems: ConfigProblem[] } {
  const study = STUDIES[studyId]
  if (!study) return { ok: false, problems: [{ path: 'study', message: `unknown study "${studyId}"` }] }
  const parsed = study.configSchema.safeParse(config)
  if (parsed.success) return { ok: true, config: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message }))
  }
}

/** Fill the fields a partial config leaves out from the study's defaults (objects merge, arrays replace). */
export function withDefaults<C>(defaults: C, partial: unknown): C {
  const merge = (d: any, p: any): any => {
    if (p === undefined) return structuredClone(d)
    if (d && typeof d === 'object' && !Array.isArray(d) && p && typeof p === 'object' && !Array.isArray(p)) {
      const out: any = {}
      for (const k of new Set([...Object.keys(d), ...Object.keys(p)])) out[k] = merge(d[k], p[k])
      return out
    }
    return p
  }
  return merge(defaults, partial)
}
