/**
 * End to end, thesis ch. 6–7 from the gallery: the deep narrow MLP card (layer-wise training beside backprop)
 * and the two-spirals card (closed-form platonic fits), each opened from its card, shrunk in the JSON view so it
 * finishes in seconds, run, and drawn by the generic views from what the run logged — the per-block table with
 * peak memory against backprop's, accuracy by depth, stable ranks; the platonic table beside Table 7.1 and the
 * decision regions — and visible again after a reload.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-closed-form-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
const pageErrors: string[] = []
const shots = process.env.LAB_E2E_SCREENSHOTS

beforeAll(async () => {
  engine = await startEngine({ dataDir: tempDataDir(), port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

const panel = (id: string) => page.locator(`[data-testid="output-${id}"]`)

/** Open a card's CPU preset, patch its config in the JSON view, run it and wait for the end. */
async function runCard(card: string, patch: (cfg: any) => void): Promise<void> {
  await page.goto(`${engine.url}#/experiments`)
  await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
  await page.click(`[data-testid="open-${card}-cpu"]`)
  await page.waitForURL(/#\/experiments\/new\?/)
  await page.click('[data-testid="view-json"]')
  const json = page.locator('[data-testid="config-json"]')
  const cfg = JSON.parse(await json.inputValue())
  patch(cfg)
  await json.fill(JSON.stringify(cfg, null, 2))
  await expect.poll(() => page.textContent('[data-testid="json-status"]')).toContain('applied')
  await page.click('[data-testid="save-run"]')
  await page.waitForURL(/#\/runs\//)
  await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 180_000 }).toBe('completed')
}

describe('thesis ch. 6–7 from the gallery (serve mode)', () => {
  it('the deep narrow MLP: per-block table with memory against backprop, accuracy by depth, stable ranks', async () => {
    await runCard('layerwise/deep-mlp', (cfg) => {
      expect(cfg.layers).toHaveLength(100)
      cfg.layers = cfg.layers.slice(0, 6)
      cfg.backpropDepths = [2, 4]
      cfg.backpropEpochs = 2
      cfg.dataset.testFraction = 0.5
    })
    const table = panel('table:layerwise/table')
    // 6 blocks, backprop, backprop at 2 depths, the thesis's claim.
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(10)
    expect(await table.textContent()).toContain('full backprop fails past')
    expect(await table.locator('tbody tr', { hasText: '★' }).count()).toBe(1)
    const byDepth = panel('per-layer:layerwise/accuracy')
    await expect.poll(() => byDepth.locator('.chart').getAttribute('data-curves'), { timeout: 20_000 }).toBe('3')
    expect(await byDepth.locator('.chart').getAttribute('data-points')).toBe('6')
    const ranks = panel('stable-rank:layerwise/stable-rank')
    await expect.poll(() => ranks.locator('.chart').getAttribute('data-curves'), { timeout: 20_000 }).toBe('2')
    if (shots) {
      await table.screenshot({ path: `${shots}/ch6-table.png` })
      await byDepth.screenshot({ path: `${shots}/ch6-depth.png` })
      await panel('memory:layerwise/memory').screenshot({ path: `${shots}/ch6-memory.png` })
    }
    await page.reload()
    await expect.poll(() => panel('table:layerwise/table').locator('tbody tr').count(), { timeout: 20_000 }).toBe(10)
    expect(pageErrors).toEqual([])
  })

  it('two spirals in closed form: the table beside Table 7.1 and the decision regions', async () => {
    await runCard('platonic/two-spirals', (cfg) => {
      cfg.rows = cfg.rows.slice(0, 2)
      cfg.seeds = 2
      cfg.dataset.params.n = 600
    })
    const table = panel('table:platonic/table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(2)
    // The thesis's Table 7.1 figure for 2-32-32-32-32-1 with N_tries = 1 beside the lab's.
    expect(await table.textContent()).toContain('99.99')
    await expect.poll(() => panel('regions').locator('canvas').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    if (shots) await table.screenshot({ path: `${shots}/ch7-table.png` })
    expect(pageErrors).toEqual([])
  })
})
