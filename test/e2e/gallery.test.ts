/**
 * End to end, from the gallery: filter and search the cards, see that unbuilt studies cannot launch, open a card with
 * a preset, change a field (changed marker), edit the config as JSON (an invalid edit names its path, a valid one is
 * applied), Save & run, see it train with the exact config, and duplicate the experiment.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-gallery-token-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
const pageErrors: string[] = []
const shots = process.env.LAB_E2E_SHOTS // a folder: save screenshots there

const shot = async (name: string) => {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: false })
}
const lossPoints = async () => Number(await page.getAttribute('[data-title="Loss"]', 'data-points'))

beforeAll(async () => {
  engine = await startEngine({ dataDir: tempDataDir(), port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 950 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

describe('template gallery (serve mode)', () => {
  it('filters cards, refuses unbuilt ones, and opens a card with its paper-scale preset', async () => {
    await page.goto(`${engine.url.split('#')[0]}#/experiments`)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    await page.selectOption('[data-testid="gallery-study"]', 'landscape')
    const card = page.locator('[data-testid="card-landscape/filter-normalised-2d"]')
    expect(await card.getAttribute('data-built')).toBe('false')
    expect(await card.textContent()).toContain('not built yet')
    expect(await page.isDisabled('[data-testid="open-landscape/filter-normalised-2d-cpu"]')).toBe(true)
    expect(await page.locator('[data-testid^="card-training/"]').count()).toBe(0)
    await shot('gallery-landscape')

    await page.selectOption('[data-testid="gallery-study"]', '')
    await page.fill('[data-testid="gallery-search"]', 'spirals')
    const ids = await page.locator('[data-testid^="card-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    expect(ids).toEqual(expect.arrayContaining(['card-training/two-spirals', 'card-platonic/two-spirals']))
    expect(ids).not.toContain('card-training/xor')

    await page.click('[data-testid="open-training/two-spirals-paper"]')
    await page.waitForURL(/#\/experiments\/new\?/)
    await expect.poll(() => page.inputValue('[data-testid="preset-select"]')).toBe('card:paper')
    expect(await page.inputValue('[data-testid="epochs"]')).toBe('75')
    expect(await page.inputValue('#f-opt')).toBe('sgd')
    expect(await page.textContent('[data-testid="changed-count"]')).toContain('same as the preset')

    // A card meant for a library dataset says which, and cannot launch until there is one.
    await page.goto(`${engine.url.split('#')[0]}#/experiments`)
    await page.click('[data-testid="open-training/fashion-mnist-cnn-cpu"]')
    await expect.poll(() => page.textContent('[data-testid="dataset-hint"]')).toMatch(/Meant for Fashion-MNIST — none in the library yet/)
    expect(await page.isDisabled('[data-testid="save-run"]')).toBe(true)
  })

  it('opens a card, changes a field, round-trips through the JSON view, saves & runs, and duplicates', async () => {
    await page.goto(`${engine.url.split('#')[0]}#/experiments`)
    await page.click('[data-testid="open-training/xor-cpu"]')
    await expect.poll(() => page.inputValue('[data-testid="experiment-name"]')).toBe('XOR')
    await page.fill('[data-testid="experiment-name"]', 'gallery xor')

    // A changed field is marked, with its own reset.
    await page.fill('[data-testid="epochs"]', '6')
    await page.locator('[data-testid="changed-epochs"]').waitFor()
    expect(await page.textContent('[data-testid="changed-count"]')).toContain('1 field changed')
    await shot('editor-changed')

    // JSON view: an invalid edit names the path and is not applied; a valid one is.
    await page.click('[data-testid="view-json"]')
    const json = page.locator('[data-testid="config-json"]')
    const cfg = JSON.parse(await json.inputValue())
    expect(cfg.epochs).toBe(6)
    await json.fill(JSON.stringify({ ...cfg, optimizer: { ...cfg.optimizer, learningRate: -1 } }, null, 2))
    await expect.poll(() => page.textContent('[data-testid="json-errors"]')).toMatch(/optimizer\.learningRate/)
    await shot('editor-json-invalid')
    await json.fill(JSON.stringify({ ...cfg, dataset: { ...cfg.dataset, n: 600 } }, null, 2))
    await expect.poll(() => page.textContent('[data-testid="json-status"]')).toContain('applied')

    await page.click('[data-testid="view-form"]')
    expect(await page.inputValue('[data-testid="dataset-n"]')).toBe('600')
    expect(await page.inputValue('[data-testid="epochs"]')).toBe('6')
    await page.locator('[data-testid="changed-dataset.n"]').waitFor()
    expect(await page.textContent('[data-testid="changed-count"]')).toContain('2 fields changed')

    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    await expect.poll(lossPoints, { timeout: 60_000 }).toBeGreaterThan(0)
    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 120_000 }).toBe('completed')
    await page.click('h2 button.small')
    const ran = JSON.parse((await page.textContent('pre.config'))!)
    expect(ran).toMatchObject({ epochs: 6, dataset: { kind: 'xor', n: 600 } })
    await shot('run-completed')

    // Duplicate from the experiments table: the copy opens in the editor with the same config.
    await page.goto(`${engine.url.split('#')[0]}#/experiments`)
    const row = page.locator('[data-testid="experiments-table"] tbody tr', { hasText: 'gallery xor' })
    await row.locator('button', { hasText: 'Duplicate' }).click()
    await expect.poll(() => page.inputValue('[data-testid="experiment-name"]')).toBe('gallery xor (copy)')
    expect(await page.inputValue('[data-testid="epochs"]')).toBe('6')
    expect(await page.inputValue('[data-testid="preset-select"]')).toBe('saved')
    expect(pageErrors).toEqual([])
  })
})
