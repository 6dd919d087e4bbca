/**
 * The studies the lab knows, registered once: one line per study below (its descriptor, presets, templates and
 * gallery cards live in src-shared/studies/<id>/). The engine (src-main/engine/studies/index.ts) and the renderer
 * (src-renderer/studies/index.ts) register the same ids once each; a unit test checks the three agree.
 */
import { isForbiddenKey } from '../jsonGuard'
import { probeOutputs } from '../probes'
import { mapOutputKeys, type OutputDecl } from '../outputs/decl'
import { getPath, setPath, type Preset, type StudyDescriptor, type Template } from './descriptor'
import { effectiveModelStudy } from './effective-model'
import { elasticityClassesStudy } from './elasticity-classes'
import { elasticityClusteringStudy } from './elasticity-clustering'
import { elasticityManifoldStudy } from './elasticity-manifold'
import { gradientAmplificationStudy } from './gradient-amplification'
import { kFilteringStudy } from './k-filtering'
import { layerwiseStudy } from './layerwise'
import { pureVoronoiStudy } from './pure-voronoi'
import { platonicStudy } from './platonic'
import { neurashedStudy } from './neurashed'
import { trainingStudy } from './training'
import { weightCompressionStudy } from './weight-compression'

export type { StudyDescriptor, Template, OutputDecl, FieldMeta, FieldSpec, Preset } from './descriptor'
export { fieldSpec, schemaAt, describeRange, getPath, setPath, sameValue, fieldVisible, switchVariant, setCompanion } from './descriptor'

export const STUDY_LIST: readonly StudyDescriptor<any>[] = [
  trainingStudy,
  elasticityManifoldStudy,
  elasticityClassesStudy,
  elasticityClusteringStudy,
  neurashedStudy,
  weightCompressionStudy,
  kFilteringStudy,
  pureVoronoiStudy,
  platonicStudy,
  layerwiseStudy,
  gradientAmplificationStudy,
  effectiveModelStudy
]

const BY_ID = new Map(STUDY_LIST.map((s) => [s.id, s]))

/** The study of an id, or undefined (also for ids such as `__proto__` or `toString`). */
export function findStudy(id: unknown): StudyDescriptor<any> | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined
}

/** Every study by id, as a prototype-free record (so `STUDIES['__proto__']` is undefined, not Object.prototype). */
export const STUDIES: Readonly<Record<string, StudyDescriptor<any>>> = Object.freeze(Object.assign(Object.create(null), Object.fromEntries(BY_ID)))

export function allTemplates(): Template[] {
  return STUDY_LIST.flatMap((s) => s.templates)
}

export function findTemplate(id: string): Template | undefined {
  return allTemplates().find((t) => t.id === id)
}

/** A study's named preset (`cpu`, `paper`, …). */
export function findPreset(studyId: string, presetId: string): Preset | undefined {
  return findStudy(studyId)?.presets.find((p) => p.id === presetId)
}

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `optimizer.learningRate`. */
  path: string
  message: string
}

/** Validate a study config; problems name the field so forms and the CLI can point at it. */
export function validateConfig(studyId: string, config: unknown): { ok: true; config: any } | { ok: false; problems: ConfigProblem[] } {
  const study = findStudy(studyId)
  if (!study) return { ok: false, problems: [{ path: 'study', message: `unknown study "${String(studyId)}"; known: ${STUDY_LIST.map((s) => s.id).join(', ')}` }] }
  const parsed = study.configSchema.safeParse(config)
  if (parsed.success) return { ok: true, config: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message }))
  }
}

/** A config of an earlier format of the study in today's format (today's configs, and unknown studies, unchanged). */
export function upgradeConfig(studyId: string, config: unknown): unknown {
  const up = findStudy(studyId)?.upgrade
  return up ? up(config) : config
}

/**
 * A config as a user or a file gives it — possibly partial, possibly of an earlier format — made complete: the
 * study's upgrade first (so old field names are understood), then the study's defaults for what is left out.
 */
export function completeConfig(studyId: string, partial: unknown): unknown {
  const study = findStudy(studyId)
  if (!study) return partial
  const upgraded = structuredClone(upgradeConfig(studyId, partial)) as any
  // A block of another variant than the defaults' (a checkerboard where the defaults have spirals) starts from
  // that variant's own defaults.
  if (upgraded && typeof upgraded === 'object') {
    for (const [path, meta] of Object.entries(study.fields)) {
      if (meta.companion) {
        // A choice's companion block (a GA loss's targets) starts from that choice's values where left out.
        const chosen = getPath(upgraded, path)
        if (typeof chosen === 'string' && Object.hasOwn(meta.companion.values, chosen)) setPath(upgraded, meta.companion.path, withDefaults(meta.companion.values[chosen], getPath(upgraded, meta.companion.path)))
      }
      if (!meta.variants) continue
      const parentPath = path.split('.').slice(0, -1).join('.')
      const key = path.split('.').at(-1)!
      const block = parentPath ? getPath(upgraded, parentPath) : undefined
      const chosen = block && typeof block === 'object' ? (block as any)[key] : undefined
      if (typeof chosen !== 'string' || chosen === getPath(study.defaults, path) || !Object.hasOwn(meta.variants, chosen)) continue
      setPath(upgraded, parentPath, withDefaults(meta.variants[chosen], block))
    }
  }
  return withDefaults(study.defaults, upgraded)
}

/** Fill the fields a partial config leaves out from the study's defaults (objects merge, arrays replace). */
export function withDefaults<C>(defaults: C, partial: unknown): C {
  const merge = (d: any, p: any): any => {
    if (p === undefined) return structuredClone(d)
    if (d && typeof d === 'object' && !Array.isArray(d) && p && typeof p === 'object' && !Array.isArray(p)) {
      // A different variant of a discriminated union (another dataset kind, optimiser…) replaces the block.
      for (const key of ['kind', 'form', 'type', 'generator', 'id']) if (key in d && key in p && d[key] !== p[key]) return p
      const out: any = {}
      for (const k of new Set([...Object.keys(d), ...Object.keys(p)])) if (!isForbiddenKey(k)) out[k] = merge(d[k], p[k])
      return out
    }
    return p
  }
  return merge(defaults, partial)
}

/**
 * Everything a run of a study logs that the run page and the compare view draw: the study's declared outputs,
 * then those of the probes its config attaches.
 */
export function runOutputs(studyId: string, config: unknown): OutputDecl[] {
  const study = findStudy(studyId)
  const probes = config && typeof config === 'object' && Array.isArray((config as any).probes) ? (config as any).probes : []
  const own = probeOutputs(probes)
  const members = typeof study?.members === 'function' ? study.members(config) : study?.members
  if (!members?.length) return [...(study?.outputs ?? []), ...own]
  // Several networks: each probe output once per network, its keys `<probe>/<network>/…`.
  const at = (key: string, m: string) => key.replace(/^([^/]+)\//, `$1/${m}/`)
  const perMember = members.flatMap((m) => own.map((o) => ({ ...mapOutputKeys(o, (k) => at(k, m)), id: `${o.id}:${m}`, title: `${o.title} — ${m}` })))
  return [...(study?.outputs ?? []), ...perMember]
}
