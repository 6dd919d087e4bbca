/**
 * Gallery cards: one per figure or table of the source papers a study reproduces (the specs in shared/studies),
 * each with a CPU-sized preset and the paper-scale preset. Types and builders only: the cards of a built study
 * live in its folder (src-shared/studies/<id>/gallery.ts); cards of studies not built yet in planned.ts.
 */
import type { Template } from '../studies/descriptor'

export const PRESET_IDS = ['cpu', 'paper'] as const
export type PresetId = (typeof PRESET_IDS)[number]

export interface GalleryPreset {
  /** What the preset runs, in words (shown on the card and by `templates`). */
  summary: string
  /** The complete config, for built studies. */
  config?: unknown
}

/**
 * Which library dataset a template is meant for, when it cannot name one by id (a dataset the user imports
 * gets a fresh id in their store). The template's config then has kind 'stored' and no datasetId — so it does
 * not validate until a dataset is chosen — and the form offers the library datasets that match the hint,
 * preselecting the first.
 */
export interface DatasetHint {
  /** Shown to the user: what to import and from where. */
  title: string
  help: string
  /** Case-insensitive pattern a matching dataset's name contains (e.g. "fashion"). */
  namePattern: string
  sample: number[]
  classes: number
}

export interface GalleryCard {
  /** `<study>/<name>`; for built studies the id of the template it starts from. */
  id: string
  /** The gallery family the card is listed under (a GALLERY_STUDIES id). */
  studyId: string
  /** The study a built card runs, when it is not the family itself (e.g. `elasticity-manifold` in `local-elasticity`). */
  runStudyId?: string
  title: string
  /** The source document (paper, thesis chapter, slides). */
  source: string
  /** The figure or table it reproduces. */
  figure: string
  /** The published outcome to compare against. */
  expected: string
  presets: Record<PresetId, GalleryPreset>
  datasetHint?: DatasetHint
}

export interface GalleryStudy {
  id: string
  title: string
  /** The spec of the study: shared/studies/<spec>. */
  spec: string
  source: string
}

/** The gallery's families, in display order (a family lists the cards of one or more studies). */
export const GALLERY_STUDIES: GalleryStudy[] = [
  { id: 'training', title: 'Training', spec: 'training (TensorFlow Playground; thesis §5.4.2, §7.6)', source: 'TensorFlow Playground; Øland 2024 thesis' },
  { id: 'local-elasticity', title: 'Local elasticity', spec: 'local-elasticity.md', source: 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020 (seeds 000–002)' },
  { id: 'neurashed', title: 'Neurashed', spec: 'neurashed.md', source: 'Su, "Neurashed: a phenomenological model for imitating deep learning training" (seeds 000–002)' },
  { id: 'weight-compression', title: 'Weight entropy and compression', spec: 'weight-compression.md', source: 'Øland 2024 thesis, ch. 3' },
  { id: 'gradient-amplification', title: 'Gradient amplification', spec: 'gradient-amplification.md', source: 'Øland 2024 thesis, ch. 4' },
  { id: 'representations', title: 'Representation probes', spec: 'representations.md', source: 'Øland 2024 thesis, ch. 5' },
  { id: 'layerwise', title: 'Deep layer-wise learning', spec: 'layerwise.md', source: 'Øland 2024 thesis, ch. 6' },
  { id: 'platonic', title: 'Platonic projections', spec: 'platonic.md', source: 'Øland 2024 thesis, ch. 7' },
  { id: 'effective-model', title: 'Effective (Ising) model of weight space', spec: 'effective-model.md', source: 'Zou & Huang, data-driven effective model (seed 004)' },
  { id: 'landscape', title: 'Loss landscapes', spec: 'landscape.md', source: 'Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018' }
]

export function familySource(family: string): string {
  const f = GALLERY_STUDIES.find((s) => s.id === family)
  if (!f) throw new Error(`gallery: unknown family ${family}`)
  return f.source
}

export interface CardText {
  /** Defaults to the family's source. */
  source?: string
  figure: string
  expected: string
  /** The two presets in words. */
  cpu: string
  paper: string
}

/**
 * The card of a built study's template: the CPU preset is the template's config, the paper preset `paperBase`
 * (default: the template's config) patched by `paper`. Listed under `family`; runs the template's study.
 */
export function templateCard<C>(family: string, template: Template<C> & { datasetHint?: DatasetHint }, text: CardText, paper?: { base?: C; patch?: (c: C) => void }): GalleryCard {
  const paperConfig = structuredClone(paper?.base ?? template.config)
  paper?.patch?.(paperConfig)
  return {
    id: template.id,
    studyId: family,
    ...(template.studyId !== family ? { runStudyId: template.studyId } : {}),
    title: template.title,
    source: text.source ?? familySource(family),
    figure: text.figure,
    expected: text.expected,
    presets: { cpu: { summary: text.cpu, config: template.config }, paper: { summary: text.paper, config: paperConfig } },
    ...(template.datasetHint ? { datasetHint: template.datasetHint } : {})
  }
}

/** A card of a study that has no runner yet: what it will reproduce, at which scale. */
export function plannedCard(family: string, name: string, title: string, text: CardText): GalleryCard {
  return {
    id: `${family}/${name}`,
    studyId: family,
    title,
    source: text.source ?? familySource(family),
    figure: text.figure,
    expected: text.expected,
    presets: { cpu: { summary: text.cpu }, paper: { summary: text.paper } }
  }
}
