/**
 * End to end: four real runs (a CLI sweep: two learning rates × two seeds) → the runs table in Chromium →
 * filter, select three runs, compare → group by the learning rate, see the bands, export the grouped CSV
 * and check its rows → the link and a saved layout restore the view → export a run and import it back.
 */
import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-compare-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
const dataDir = tempDataDir()
const pageErrors: string[] = []
const shots = process.env.LAB_E2E_SCREENSHOTS

beforeAll(async () => {
  // Real runs, trained headless into the data dir the engine then serves.
  const spec = {
    name: 'compare e2e',
    base: {
      study: 'training',
      config: {
        dataset: { kind: 'circles', n: 200, noise: 0.1, testFraction: 0.25, validationFraction: 0 },
        network: { form: 'layers', layers: [{ type: 'dense', units: 8, activation: 'tanh' }] },
        optimizer: { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
        batchSize: 25,
        epochs: 4,
        logEvery: 2,
        boundary: { every: 2, resolution: 100 }
      }
    },
    mode: 'grid',
    params: [{ path: 'optimizer.learningRate', values: [0.01, 0.03] }],
    seeds: 2
  }
  const specPath = join(dataDir, 'sweep.json')
  await writeFile(specPath, JSON.stringify(spec))
  const r = spawnSync(process.execPath, [join(ROOT, 'out/main/cli.js'), 'sweep', specPath, '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LAB_BACKEND: '' } })
  if (r.status !== 0) throw new Error(`sweep failed: ${r.stdout}\n${r.stderr}`)
  engine = await startEngine({ dataDir, port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 950 }, acceptDownloads: true })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

const rowCount = () => page.locator('[data-testid="runs-scroll"] [data-run-id]').count()
/** The runs table's row texts and the rows compared (set by the first test, used by the later ones). */
let names: string[] = []
let pick: number[] = []

async function download(selector: string, button: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`${selector} button:text-is("${button}")`)])
  return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') }
}

describe('comparing runs in a browser (serve mode)', () => {
  it('filters, selects three runs, groups them by learning rate with bands and exports the grouped CSV', async () => {
    await page.goto(engine.url + '#/runs')
    await expect.poll(rowCount, { timeout: 20_000 }).toBe(4)

    // The filter language: a field comparison narrows, a malformed filter explains itself.
    await page.fill('[data-testid="runs-filter"]', 'lr < 0.02')
    await expect.poll(rowCount).toBe(2)
    await page.fill('[data-testid="runs-filter"]', 'lr <')
    await expect.poll(() => page.textContent('[data-testid="filter-error"]')).toMatch(/value/)
    await page.fill('[data-testid="runs-filter"]', '')
    await expect.poll(rowCount).toBe(4)

    // Select both lr = 0.01 runs and one lr = 0.03 run.
    const rows = page.locator('[data-testid="runs-scroll"] [data-run-id]')
    names = await rows.allTextContents()
    pick = [names.findIndex((t) => /lr=0\.01 seed=0/.test(t)), names.findIndex((t) => /lr=0\.01 seed=1/.test(t)), names.findIndex((t) => /lr=0\.03 seed=0/.test(t))]
    expect(pick.every((i) => i >= 0)).toBe(true)
    for (const i of pick) await rows.nth(i).locator('[data-testid="select-row"]').click()
    await expect.poll(() => page.textContent('[data-testid="compare"]')).toContain('Compare (3)')
    if (shots) await page.screenshot({ path: `${shots}/runs-table.png` })
    await page.click('[data-testid="compare"]')
    await page.waitForURL(/#\/compare\?s=/)

    const chart = page.locator('[data-testid="compare-chart"][data-metric="test/accuracy"]')
    // One curve per selected run, and its data: each run's five accuracies (epochs 0–4), fractions.
    await expect.poll(() => chart.getAttribute('data-series-count'), { timeout: 20_000 }).toBe('3')
    const perRun = await download('[data-testid="compare-chart"][data-metric="test/accuracy"]', 'CSV')
    const runRows = perRun.text.trim().split('\n').slice(1).map((l) => l.split(','))
    const byRun = new Map<string, number[]>()
    for (const r of runRows) byRun.set(r[0], [...(byRun.get(r[0]) ?? []), Number(r[2])]) // series, x, raw, smoothed
    expect([...byRun.keys()].sort()).toEqual(pick.map((i) => names[i].match(/compare e2e · lr=0\.0\d seed=\d/)![0]).sort())
    for (const values of byRun.values()) {
      expect(values).toHaveLength(5)
      for (const v of values) expect(v >= 0 && v <= 1).toBe(true)
    }
    await page.selectOption('[data-testid="group-by"]', 'optimizer.learningRate')
    // One band per group: lr 0.01 (two seeds) and lr 0.03 (one run).
    await expect.poll(() => chart.getAttribute('data-band-count')).toBe('2')
    if (shots) {
      await page.screenshot({ path: `${shots}/compare-grouped.png` })
      await page.click('[data-testid="log-y"]')
      await page.screenshot({ path: `${shots}/compare-grouped-log.png` })
      await page.click('[data-testid="log-y"]')
    }

    const csv = await download('[data-testid="compare-chart"][data-metric="test/accuracy"]', 'CSV')
    const lines = csv.text.trim().split('\n')
    expect(lines[0].split(',').slice(0, 1)).toEqual(['group'])
    const header = lines[0].split(',')
    const col = (name: string) => header.indexOf(name)
    for (const name of ['mean', 'lower', 'upper', 'count']) expect(col(name)).toBeGreaterThan(0)
    const data = lines.slice(1).map((l) => l.split(','))
    // test/accuracy is logged at epochs 0–4 (5 points per run), every run at the same steps: 5 rows per group.
    const groups = new Map<string, string[][]>()
    for (const r of data) groups.set(r[0], [...(groups.get(r[0]) ?? []), r])
    expect(groups.size).toBe(2)
    for (const g of groups.values()) expect(g.length).toBe(5)
    const [pair, single] = [...groups.entries()].sort((a, b) => Number(b[1][0][col('count')]) - Number(a[1][0][col('count')]))
    expect(pair[0]).toMatch(/0\.01/)
    for (const r of pair[1]) {
      expect(Number(r[col('count')])).toBe(2)
      expect(Number(r[col('lower')])).toBeLessThanOrEqual(Number(r[col('mean')]) + 1e-12)
      expect(Number(r[col('upper')])).toBeGreaterThanOrEqual(Number(r[col('mean')]) - 1e-12)
    }
    // Two seeds disagree somewhere after training starts: the band has width.
    expect(pair[1].some((r) => Number(r[col('upper')]) - Number(r[col('lower')]) > 1e-6)).toBe(true)
    for (const r of single[1]) {
      expect(Number(r[col('count')])).toBe(1)
      expect(Number(r[col('lower')])).toBeCloseTo(Number(r[col('mean')]), 12)
      expect(Number(r[col('upper')])).toBeCloseTo(Number(r[col('mean')]), 12)
    }
  })

  it('restores the view from its link and from a saved layout', async () => {
    await expect.poll(() => page.url()).toMatch(/#\/compare\?s=/)
    // The URL follows the state (debounced): wait until it carries the grouping.
    const stateInUrl = () => {
      const hash = new URL(page.url()).hash
      const s = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('s') ?? ''
      return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
    }
    await expect.poll(() => stateInUrl().groupBy).toBe('optimizer.learningRate')
    expect(stateInUrl().runIds).toHaveLength(3)
    const link = page.url()
    await page.goto('about:blank')
    await page.goto(link)
    const chart = page.locator('[data-testid="compare-chart"][data-metric="test/accuracy"]')
    await expect.poll(() => chart.getAttribute('data-band-count'), { timeout: 20_000 }).toBe('2')
    expect(await page.inputValue('[data-testid="group-by"]')).toBe('optimizer.learningRate')

    const openLayouts = async () => {
      if ((await page.getAttribute('[data-testid="layouts-menu"]', 'open')) === null) await page.click('[data-testid="layouts-menu"] > summary')
    }
    await openLayouts()
    await page.fill('[data-testid="layout-name"]', 'lr bands')
    await page.keyboard.press('Enter')
    await page.selectOption('[data-testid="group-by"]', '')
    await expect.poll(() => chart.getAttribute('data-band-count')).toBe('0')
    await openLayouts()
    await page.click('[data-testid="layout-open-lr bands"]')
    await expect.poll(() => chart.getAttribute('data-band-count')).toBe('2')
    expect(await page.inputValue('[data-testid="group-by"]')).toBe('optimizer.learningRate')
  })

  it('shows the config diff, parallel coordinates and every run\'s boundary at one shared step', async () => {
    await page.click('[data-testid="tab-config"]')
    const diff = page.locator('[data-testid="config-diff"]')
    await expect.poll(() => diff.textContent()).toContain('optimizer.learningRate')
    // Differences only (the default): the learning rate and the seed differ, the dataset does not.
    expect(await diff.textContent()).not.toContain('dataset.kind')
    await page.click('[data-testid="diff-only"]')
    await expect.poll(() => diff.textContent()).toContain('dataset.kind')
    if (shots) await page.screenshot({ path: `${shots}/compare-config.png` })

    await page.click('[data-testid="tab-parallel"]')
    // One line per compared run, over the fields that differ and the metric: its data says which.
    await expect.poll(() => page.getAttribute('[data-testid="parallel-chart"]', 'data-rows'), { timeout: 10_000 }).toBe('3')
    expect(await page.textContent('[data-testid="brush-kept"]')).toBe('3 of 3 runs kept')
    const parallel = await download('[data-testid="parallel-chart"]', 'CSV')
    const [pHeader, ...pRows] = parallel.text.trim().split('\n').map((l) => l.split(','))
    expect(pHeader[0]).toBe('run')
    expect(pHeader).toEqual(expect.arrayContaining(['optimizer.learningRate', 'seed', 'test/accuracy']))
    const lr = pHeader.indexOf('optimizer.learningRate')
    const acc = pHeader.indexOf('test/accuracy')
    expect(pRows.map((r) => Number(r[lr])).sort()).toEqual([0.01, 0.01, 0.03])
    for (const r of pRows) expect(Number(r[acc]) >= 0 && Number(r[acc]) <= 1).toBe(true)
    if (shots) await page.screenshot({ path: `${shots}/compare-parallel.png` })

    await page.click('[data-testid="tab-series"]')
    // The boundary of each of the three runs, drawn at the same step — the slider's — and moving the
    // slider moves all three to another shared step.
    const boundaries = page.locator('[data-testid="boundary"]')
    await expect.poll(() => boundaries.count(), { timeout: 10_000 }).toBe(3)
    const shownSteps = async () => (await boundaries.evaluateAll((els) => els.map((e) => e.getAttribute('data-step'))))
    const slider = page.locator('[data-testid="series-step"]')
    const sliderStep = async () => (await slider.getAttribute('aria-valuetext'))!.replace('step ', '')
    await expect.poll(async () => new Set(await shownSteps()).size).toBe(1)
    const last = await sliderStep()
    expect(await shownSteps()).toEqual([last, last, last])
    expect(Number(last)).toBeGreaterThan(0)
    await slider.fill('0')
    await expect.poll(shownSteps).toEqual(['0', '0', '0'])
    expect(await sliderStep()).toBe('0')
    // each panel is its run's: the titles are the three compared runs
    const titles = await boundaries.locator('h3').allTextContents()
    expect(titles.map((t) => t.replace(/ · step \d+$/, '')).sort()).toEqual(pick.map((i) => names[i].match(/compare e2e · lr=0\.0\d seed=\d/)![0]).sort())
    if (shots) await page.screenshot({ path: `${shots}/compare-series.png` })
    await page.click('[data-testid="tab-curves"]')
  })

  it('exports a run as JSON and imports it back as a new run', async () => {
    await page.goto(engine.url + '#/runs')
    await expect.poll(rowCount, { timeout: 20_000 }).toBe(4)
    const first = page.locator('[data-testid="runs-scroll"] [data-run-id]').first()
    const name = (await first.getAttribute('data-run-id'))!
    await first.locator('[data-testid="row-menu"]').click()
    if (shots) await page.screenshot({ path: `${shots}/run-menu.png` })
    const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="row-export"]')])
    const doc = JSON.parse(await readFile((await d.path())!, 'utf8'))
    expect(doc.format).toBe('phenomenology-lab/run')
    expect(doc.run.id).toBe(name)
    expect(Object.keys(doc.scalars)).toContain('test/accuracy')
    const file = join(dataDir, 'exported-run.json')
    await writeFile(file, JSON.stringify(doc))
    await page.setInputFiles('[data-testid="import-run-file"]', file)
    await expect.poll(rowCount, { timeout: 20_000 }).toBe(5)
    expect(pageErrors).toEqual([])
  })
})
