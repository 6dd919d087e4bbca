/**
 * End to end, one template of each thesis chapter built so far, from the gallery: ch. 3 (accuracy vs quantisation
 * bits: its box plot over seeds with the baseline line) and ch. 4 (Table 4.1: the curvature explainer and the
 * table beside the thesis's numbers) — opened from their cards, shrunk in the JSON view so they finish in
 * seconds, run, and their main charts drawn from what the runs logged; visible again after a reload.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-thesis-0123456789'
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

/** Open a card's CPU preset, patch its config in the JSON view (small nets, one or two epochs), save & run, wait for the end. */
async function runCard(cardId: string, patch: (c: any) => void): Promise<void> {
  await page.goto(`${engine.url}#/experiments`)
  await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
  await page.click(`[data-testid="open-${cardId}-cpu"]`)
  await page.waitForURL(/#\/experiments\/new\?/)
  await page.click('[data-testid="view-json"]')
  const json = page.locator('[data-testid="config-json"]')
  const cfg = JSON.parse(await json.inputValue())
  patch(cfg)
  await json.fill(JSON.stringify(cfg, null, 2))
  await expect.poll(() => page.textContent('[data-testid="json-status"]')).toContain('applied')
  await page.click('[data-testid="view-form"]')
  // The generic form: the dataset field is the library picker, on the built-in digits.
  await expect.poll(() => page.inputValue('[data-testid="stored-dataset"]'), { timeout: 20_000 }).toBe('builtin-mnist')
  await page.click('[data-testid="save-run"]')
  await page.waitForURL(/#\/runs\//)
  await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 180_000 }).toBe('completed')
}

const small = [{ type: 'dense', units: 16, activation: 'tanh' }]

describe('thesis ch. 3 and 4 from the gallery (serve mode)', () => {
  it('ch. 3, accuracy vs quantisation bits: the box plot over seeds with the baseline line', async () => {
    await runCard('weight-compression/fixed-quantisation', (c) => {
      c.layers = small
      c.epochs = 1
      c.trials = 2
      c.batchSize = 256
      c.compression = { kind: 'fixed', bits: [2, 8] }
    })
    const box = panel('accuracy-vs-arm:compression/accuracy')
    await expect.poll(() => box.locator('[data-kind="boxplot"] .chart').count(), { timeout: 20_000 }).toBe(1)
    expect(await box.locator('.chart').getAttribute('data-groups')).toBe('2')
    expect(await box.locator('.chart').getAttribute('data-values')).toBe('4')
    expect(await box.locator('canvas').count()).toBeGreaterThan(0)
    // Bits per parameter per sync point, and the table beside the thesis.
    await expect.poll(() => panel('arm-bits').count()).toBe(1)
    await expect.poll(() => panel('table:compression/table').locator('td', { hasText: 'bits at which the baseline is recovered' }).count()).toBe(1)
    if (shots) await box.screenshot({ path: `${shots}/thesis-ch3-box.png` })
    // After a reload, the stored run draws the same.
    await page.reload()
    await expect.poll(() => panel('accuracy-vs-arm:compression/accuracy').locator('.chart').getAttribute('data-groups'), { timeout: 20_000 }).toBe('2')
  })

  it('ch. 4, Table 4.1: the curvature explainer and the table with the thesis\'s numbers beside', async () => {
    await runCard('gradient-amplification/mnist-mlp', (c) => {
      c.layers = [{ type: 'dense', units: 16, activation: 'relu' }]
      c.epochs = 1
      c.trials = 1
      c.batchSize = 256
      c.probes = []
    })
    const curvature = panel('curvature:ga/curvature')
    await expect.poll(() => curvature.locator('[data-kind="curves"] .chart').count(), { timeout: 20_000 }).toBe(1)
    expect(await curvature.locator('.chart').getAttribute('data-curves')).toBe('3')
    const table = panel('table:ga/table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3)
    const linear = table.locator('tbody tr', { hasText: 'linear-mse' })
    // The thesis's linear + MSE row: 1.7 % error, 73.5 epochs to the best validation error.
    expect(await linear.textContent()).toContain('73.5')
    expect(await linear.textContent()).toMatch(/1\.70?\s?%/)
    await expect.poll(() => panel('errors:ga/errors').locator('.chart').getAttribute('data-groups')).toBe('3')
    if (shots) {
      await curvature.screenshot({ path: `${shots}/thesis-ch4-curvature.png` })
      await table.screenshot({ path: `${shots}/thesis-ch4-table.png` })
    }
    expect(pageErrors).toEqual([])
  })
})
