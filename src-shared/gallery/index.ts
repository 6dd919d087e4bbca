/**
 * The template gallery: one card per study and figure/table of the source papers it reproduces (the study specs
 * in shared/studies/*.md). Pure data, read by the renderer (gallery view) and the CLI (`templates`, `run
 * --template`). Built studies bring their cards (src-shared/studies/<id>/); cards of studies without a runner
 * yet are listed with what they will reproduce, and cannot be launched.
 */
import { STUDY_LIST, findStudy } from '../studies'
import { GALLERY_STUDIES, PRESET_IDS, type GalleryCard, type PresetId } from './cards'
import { PLANNED_CARDS } from './planned'

export * from './cards'
export { MEASURED, measuredText } from './measured'

/** Every card, built studies first in registry order, then the planned ones. */
export const GALLERY_CARDS: GalleryCard[] = [...STUDY_LIST.flatMap((s) => s.cards ?? []), ...PLANNED_CARDS]

const BY_ID = new Map(GALLERY_CARDS.map((c) => [c.id, c]))

export type LaunchCheck = { ok: true; studyId: string; config: unknown; title: string } | { ok: false; reason: string }

export function findCard(id: unknown): GalleryCard | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined
}

/** The study a card runs: its own (`runStudyId`) or its family's. */
export function cardStudyId(card: GalleryCard): string {
  return card.runStudyId ?? card.studyId
}

/** A card can launch when its study is registered and the preset has a config. */
export function isBuilt(card: GalleryCard): boolean {
  return !!findStudy(cardStudyId(card)) && card.presets.cpu.config !== undefined
}

/** Why a card cannot launch (null when it can). */
export function notBuiltReason(card: GalleryCard): string | null {
  if (isBuilt(card)) return null
  const study = GALLERY_STUDIES.find((s) => s.id === card.studyId)
  return `not built yet: the "${study?.title ?? card.studyId}" study has no runner in this version of the lab (spec: ${study?.spec ?? '?'})`
}

/** The config a card launches with a preset, or why it cannot launch. */
export function launchCard(cardId: string, preset: string = 'cpu'): LaunchCheck {
  const card = findCard(cardId)
  if (!card) return { ok: false, reason: `unknown template "${cardId}"` }
  const why = notBuiltReason(card)
  if (why) return { ok: false, reason: `${card.id}: ${why}` }
  if (!(PRESET_IDS as readonly string[]).includes(preset)) return { ok: false, reason: `unknown preset "${preset}"; use ${PRESET_IDS.join(' or ')}` }
  const config = card.presets[preset as PresetId].config
  if (config === undefined) return { ok: false, reason: `${card.id} has no "${preset}" preset` }
  return { ok: true, studyId: cardStudyId(card), config: structuredClone(config), title: card.title }
}
