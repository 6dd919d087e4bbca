/** The template gallery registry (src-shared/gallery.ts) and the CLI's `templates` / `run --template`. */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { GALLERY_CARDS, GALLERY_STUDIES, PRESET_IDS, cardStudyId, findCard, isBuilt, launchCard, notBuiltReason } from '../../src-shared/gallery'
import { STUDIES, validateConfig } from '../../src-shared/studies'
import { CLI_JS, TEST_ENV, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

/** The study specs (../shared/studies/*.md, one per study; datasets.md describes data, not a study). */
const SPEC_DIR = join(__dirname, '..', '..', '..', 'shared', 'studies')
const SPEC_STUDIES = ['local-elasticity', 'neurashed', 'weight-compression', 'gradient-amplification', 'representations', 'layerwise', 'platonic', 'effective-model', 'landscape']
/** Spec families whose studies have runners (their cards run a study of their own, `runStudyId`). */
const BUILT_FAMILIES = ['local-elasticity', 'neurashed', 'weight-compression', 'gradient-amplification', 'representations', 'platonic', 'layerwise', 'effective-model']

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('gallery registry', () => {
  test('every study spec, and the training study, has at least one card; every card names its figure, source and expected outcome', () => {
    // The gallery's families name their spec files: one per spec study (plus training, which has none).
    const named = GALLERY_STUDIES.filter((g) => g.spec.endsWith('.md')).map((g) => g.spec.replace(/\.md$/, ''))
    expect(named.sort()).toEqual([...SPEC_STUDIES].sort())
    // Where the specs themselves are at hand (they live beside the checkout), the files are exactly those.
    if (existsSync(SPEC_DIR)) {
      const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.md') && f !== 'datasets.md').map((f) => f.replace(/\.md$/, ''))
      expect(files.sort()).toEqual([...SPEC_STUDIES].sort())
    }
    for (const s of ['training', ...SPEC_STUDIES]) {
      expect(GALLERY_STUDIES.map((g) => g.id), s).toContain(s)
      expect(GALLERY_CARDS.filter((c) => c.studyId === s).length, s).toBeGreaterThan(0)
    }
    expect(new Set(GALLERY_CARDS.map((c) => c.id)).size).toBe(GALLERY_CARDS.length)
    for (const c of GALLERY_CARDS) {
      for (const k of ['title', 'source', 'figure', 'expected'] as const) expect(c[k].length, `${c.id} ${k}`).toBeGreaterThan(1)
      for (const p of PRESET_IDS) expect(c.presets[p].summary.length, `${c.id} ${p}`).toBeGreaterThan(3)
    }
  })

  test('cards are built exactly when their study has a runner; built presets validate (or only lack a library dataset)', () => {
    for (const c of GALLERY_CARDS) {
      expect(isBuilt(c), c.id).toBe(!!STUDIES[cardStudyId(c)])
      if (!isBuilt(c)) continue
      expect(notBuiltReason(c)).toBeNull()
      for (const p of PRESET_IDS) {
        const launch = launchCard(c.id, p)
        expect(launch.ok, `${c.id} ${p}`).toBe(true)
        expect(launch.ok && launch.studyId, c.id).toBe(cardStudyId(c))
        const v = validateConfig(cardStudyId(c), launch.ok ? launch.config : null)
        if (c.datasetHint) expect(v.ok || v.problems.every((x) => x.path === 'dataset.datasetId'), c.id).toBe(true)
        else expect(v.ok, `${c.id} ${p}: ${JSON.stringify(v.ok ? '' : v.problems)}`).toBe(true)
      }
    }
    // The paper preset really is bigger than the CPU one where the source gives one.
    const spirals = findCard('training/two-spirals')!
    expect((spirals.presets.paper.config as any).epochs).toBe(75)
    expect((spirals.presets.paper.config as any).optimizer).toEqual({ kind: 'sgd', learningRate: 0.01, momentum: 0.9 })
  })

  test('the local elasticity cards run their studies: CPU preset = the template, paper preset = the study\'s paper scale for that template', () => {
    const cards = GALLERY_CARDS.filter((c) => c.studyId === 'local-elasticity')
    expect(new Set(cards.map(cardStudyId))).toEqual(new Set(['elasticity-manifold', 'elasticity-classes', 'elasticity-clustering']))
    for (const c of cards) {
      const template = STUDIES[cardStudyId(c)].templates.find((t) => t.id === c.id)
      expect(template, c.id).toBeDefined()
      expect(launchCard(c.id, 'cpu')).toMatchObject({ ok: true, studyId: cardStudyId(c), config: template!.config })
    }
    const boxes = launchCard('elasticity-manifold/folded-boxes', 'paper') as { config: any }
    expect(boxes.config.dataset.generator).toBe('folded-boxes')
    expect(boxes.config.epochs).toBeGreaterThan((findCard('elasticity-manifold/folded-boxes')!.presets.cpu.config as any).epochs)
    const pair = launchCard('elasticity-clustering/mnist-7-vs-9', 'paper') as { config: any }
    expect(pair.config).toMatchObject({ primary: [7, 9], auxiliary: [4, 5], procedure: 'pretrain' })
  })

  test('unbuilt cards cannot launch and say why', () => {
    const unbuilt = GALLERY_CARDS.filter((c) => !isBuilt(c))
    expect(new Set(unbuilt.map((c) => c.studyId))).toEqual(new Set(SPEC_STUDIES.filter((s) => !BUILT_FAMILIES.includes(s))))
    for (const c of unbuilt) {
      expect(notBuiltReason(c)).toMatch(/^not built yet/)
      expect(launchCard(c.id, 'cpu')).toMatchObject({ ok: false, reason: expect.stringMatching(/not built yet/) })
    }
    expect(launchCard('training/nope')).toMatchObject({ ok: false, reason: 'unknown template "training/nope"' })
    expect(launchCard('training/xor', 'huge')).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown preset "huge"/) })
  })
})

describe('cli: templates and run --template', () => {
  test('templates --json lists every card with built / not built', async () => {
    const r = await cli(['templates', '--json'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout)
    expect(rows.map((x: any) => x.id)).toEqual(GALLERY_CARDS.map((c) => c.id))
    expect(rows.find((x: any) => x.id === 'training/two-spirals')).toMatchObject({ built: true, reason: null, figure: expect.any(String) })
    expect(rows.find((x: any) => x.id === 'landscape/filter-normalised-2d')).toMatchObject({ built: false, reason: expect.stringMatching(/not built yet/) })
    const text = await cli(['templates'])
    expect(text.stdout).toMatch(/landscape\/filter-normalised-2d\s+not built/)
    expect(text.stdout).toMatch(/training\/xor\s+built/)
  })

  test('run --template refuses an unbuilt card and an unknown preset with exit 2, storing nothing', async () => {
    const dir = tempDir()
    const r = await cli(['run', '--template', 'landscape/filter-normalised-2d', '--data-dir', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^lab: cannot run landscape\/filter-normalised-2d: not built yet: the "Loss landscapes" study has no runner/m)
    const p = await cli(['run', '--template', 'training/xor', '--preset', 'huge', '--data-dir', dir])
    expect(p.code).toBe(2)
    expect(p.stderr).toMatch(/unknown preset "huge"/)
    const list = await cli(['list', '--json', '--data-dir', dir])
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})
