/**
 * Studies and probes are registered once per side; this checks that the sides agree, so a study or probe added
 * on one side only (or a gallery card pointing nowhere) fails here rather than at run time.
 */
import { describe, expect, test } from 'vitest'
import { PROBE_IMPLS } from '../../src-main/engine/probes'
import { STUDY_ENGINES, findRunner } from '../../src-main/engine/studies'
import { GALLERY_CARDS, GALLERY_STUDIES, cardStudyId, isBuilt } from '../../src-shared/gallery'
import { PLANNED_CARDS } from '../../src-shared/gallery/planned'
import { PROBES, findProbe } from '../../src-shared/probes'
import { STUDIES, STUDY_LIST, findStudy, validateConfig } from '../../src-shared/studies'
import { probeView } from '../../src-renderer/probes'
import { STUDY_VIEWS, studyView } from '../../src-renderer/studies'

const ids = (list: readonly { id: string }[]) => list.map((x) => x.id).sort()

describe('studies', () => {
  test('the shared, engine and renderer registries name the same studies, each once', () => {
    expect(STUDY_LIST.length).toBeGreaterThan(0)
    expect(new Set(ids(STUDY_LIST)).size).toBe(STUDY_LIST.length)
    expect(ids(STUDY_ENGINES)).toEqual(ids(STUDY_LIST))
    expect(ids(STUDY_VIEWS)).toEqual(ids(STUDY_LIST))
  })

  test('lookups by id never reach the prototype chain', () => {
    for (const bad of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(findStudy(bad)).toBeUndefined()
      expect(STUDIES[bad]).toBeUndefined()
      expect(findRunner(bad)).toBeUndefined()
      expect(findProbe(bad)).toBeUndefined()
      expect(validateConfig(bad, {}).ok).toBe(false)
    }
  })

  test("every study's custom outputs have a component in its renderer folder, and its registered fields exist", () => {
    for (const s of STUDY_LIST) {
      const view = studyView(s.id)!
      for (const o of s.outputs) if (o.kind === 'custom') expect(view.panels?.[o.panel], `${s.id}: panel "${o.panel}"`).toBeDefined()
      for (const path of Object.keys(view.fields ?? {})) expect(s.fields[path]?.custom, `${s.id}: field "${path}" is registered but not custom`).toBe(true)
    }
  })

  test('presets and templates of every study validate, and `cpu` is its defaults', () => {
    for (const s of STUDY_LIST) {
      expect(s.presets.find((p) => p.id === 'cpu')?.config, s.id).toEqual(s.defaults)
      for (const c of [...s.presets.map((p) => p.config), ...s.templates.filter((t) => !(t as { datasetHint?: unknown }).datasetHint).map((t) => t.config)]) {
        const v = validateConfig(s.id, c)
        expect(v.ok ? [] : v.problems, s.id).toEqual([])
      }
    }
  })
})

describe('gallery', () => {
  test('card ids are unique; every card is listed under a known family', () => {
    expect(new Set(GALLERY_CARDS.map((c) => c.id)).size).toBe(GALLERY_CARDS.length)
    const families = new Set(GALLERY_STUDIES.map((f) => f.id))
    for (const c of GALLERY_CARDS) expect(families.has(c.studyId), c.id).toBe(true)
  })

  test("a built card runs a registered study from one of that study's templates, with both presets", () => {
    const built = GALLERY_CARDS.filter(isBuilt)
    expect(built.length).toBeGreaterThan(0)
    for (const c of built) {
      const study = findStudy(cardStudyId(c))!
      expect(study.templates.some((t) => t.id === c.id), c.id).toBe(true)
      expect(c.presets.cpu.config, c.id).toBeDefined()
      expect(c.presets.paper.config, c.id).toBeDefined()
    }
  })

  test('every study has cards; no planned card names a study that is built', () => {
    for (const s of STUDY_LIST) expect(GALLERY_CARDS.some((c) => cardStudyId(c) === s.id), s.id).toBe(true)
    for (const c of PLANNED_CARDS) {
      expect(findStudy(c.studyId), `${c.id} is planned but its study is registered`).toBeUndefined()
      expect(isBuilt(c)).toBe(false)
    }
  })
})

describe('probes', () => {
  test('the shared and engine registries name the same probes', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(5)
    expect([...PROBE_IMPLS.keys()].sort()).toEqual(ids(PROBES))
    for (const id of ['weight-histogram', 'gradient-rms', 'activation-stats', 'confusion', 'local-elasticity']) expect(findProbe(id), id).toBeDefined()
  })

  test('every key a probe declares starts with its id; defaults validate; custom outputs have a renderer component', () => {
    for (const p of PROBES) {
      expect(p.paramsSchema.safeParse(p.defaults).success, p.id).toBe(true)
      for (const o of p.outputs) {
        const keys = o.kind === 'scalars' ? o.keys : o.kind === 'custom' ? [...(o.keys ?? []), ...(o.seriesKey ? [o.seriesKey] : [])] : [o.key]
        expect(keys.length, `${p.id}:${o.id}`).toBeGreaterThan(0)
        for (const k of keys) expect(k.startsWith(`${p.id}/`), k).toBe(true)
        if (o.kind === 'custom') expect(probeView(p.id)?.panels?.[o.panel], `${p.id}: panel "${o.panel}"`).toBeDefined()
      }
    }
  })

  test('every study that trains a network accepts every probe in its config', () => {
    for (const s of STUDY_LIST.filter((x) => x.trainsNetwork)) {
      const config = { ...structuredClone(s.defaults), probes: PROBES.map((p) => ({ id: p.id, every: 2, params: structuredClone(p.defaults) })) }
      const v = validateConfig(s.id, config)
      expect(v.ok ? [] : v.problems, s.id).toEqual([])
    }
    const twice = validateConfig('training', { ...structuredClone(findStudy('training')!.defaults), probes: [{ id: 'confusion', every: 1, params: findProbe('confusion')!.defaults }, { id: 'confusion', every: 2, params: findProbe('confusion')!.defaults }] })
    expect(twice.ok ? [] : twice.problems).toEqual([{ path: 'probes.1.id', message: 'the confusion probe is listed twice; one entry per probe' }])
    const unknown = validateConfig('training', { ...structuredClone(findStudy('training')!.defaults), probes: [{ id: 'nonsense', every: 1, params: {} }] })
    expect(unknown.ok).toBe(false)
  })
})
