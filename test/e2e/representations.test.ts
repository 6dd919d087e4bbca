/**
 * End to end, thesis ch. 5 from the gallery: the checkerboard conundrum card (k-filtering on 2-D data) opened
 * from its card, shrunk in the JSON view so it finishes in seconds, run, and its pictures drawn by the generic
 * scatter view from what the run logged — the data before / after filtering, the quiver of −∂ℒ/∂x, a unit's
 * correlation filter — and the table beside the thesis's claim; visible again after a reload.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-representations-0123456789'
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

describe('thesis ch. 5 from the gallery (serve mode)', () => {
  it('the checkerboard conundrum: data before / after k-filtering, the quiver, the correlation filter, the table', async () => {
    await page.goto(`${engine.url}#/experiments`)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    await page.click('[data-testid="open-representations/checkerboard-conundrum-cpu"]')
    await page.waitForURL(/#\/experiments\/new\?/)
    await page.click('[data-testid="view-json"]')
    const json = page.locator('[data-testid="config-json"]')
    const cfg = JSON.parse(await json.inputValue())
    expect(cfg.optimizers.map((o: any) => o.kind)).toEqual(['sgd', 'adam'])
    cfg.dataset.n = 800
    cfg.layers = [{ type: 'dense', units: 16, activation: 'relu' }]
    cfg.epochs = 2
    cfg.quiverEvery = 1
    await json.fill(JSON.stringify(cfg, null, 2))
    await expect.poll(() => page.textContent('[data-testid="json-status"]')).toContain('applied')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 120_000 }).toBe('completed')

    const data = panel('data:kfilter/data/k5')
    await expect.poll(() => data.locator('[data-kind="scatter"] .chart').count(), { timeout: 20_000 }).toBe(1)
    // Two classes and the dropped points.
    expect(await data.locator('.chart').getAttribute('data-groups')).toBe('3')
    const quiver = panel('quiver:quiver/sgd/baseline')
    await expect.poll(() => quiver.locator('.chart').getAttribute('data-arrows'), { timeout: 20_000 }).not.toBe('0')
    const filter = panel('filter:filter/sgd/baseline')
    await expect.poll(() => filter.locator('.chart').getAttribute('data-lines'), { timeout: 20_000 }).toBe('1')
    const table = panel('table:kfilter/table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(5)
    expect(await table.textContent()).toContain('stalls at 51–53 %')
    if (shots) {
      await data.screenshot({ path: `${shots}/ch5-kfilter-data.png` })
      await quiver.screenshot({ path: `${shots}/ch5-quiver.png` })
      await filter.screenshot({ path: `${shots}/ch5-filter.png` })
      await table.screenshot({ path: `${shots}/ch5-table.png` })
    }
    await page.reload()
    await expect.poll(() => panel('data:kfilter/data/k5').locator('.chart').getAttribute('data-groups'), { timeout: 20_000 }).toBe('3')
    expect(pageErrors).toEqual([])
  })
})
