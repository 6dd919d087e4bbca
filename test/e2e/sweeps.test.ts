/**
 * End to end: launch a small sweep from the GUI (an experiment, two learning rates × two seeds), watch
 * its results table fill live, find its runs in the runs list filtered by the sweep.
 */
import { availableParallelism } from 'node:os'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-sweeps-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
const dataDir = tempDataDir()
const pageErrors: string[] = []
const shots = process.env.LAB_E2E_SCREENSHOTS

beforeAll(async () => {
  engine = await startEngine({ dataDir, port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 950 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

describe('sweeps in a browser (serve mode)', () => {
  it('launches a 2×2-seed sweep from an experiment and fills the results table live', async () => {
    const base = engine.url.split('?')[0]
    await page.goto(engine.url)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    // A small experiment to sweep (launching it once, as a researcher would).
    await page.click('[data-testid="new-experiment"]')
    await page.fill('[data-testid="experiment-name"]', 'tiny spirals')
    await page.selectOption('[data-testid="dataset-kind"]', 'two-spirals')
    await page.fill('[data-testid="dataset-n"]', '200')
    await page.fill('[data-testid="epochs"]', '3')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)

    await page.click('a[href="#/sweeps"]')
    await page.click('[data-testid="new-sweep"]')
    await page.waitForURL(/#\/sweeps\/new/)
    await expect.poll(() => page.locator('[data-testid="sweep-experiment"] option').count()).toBe(1)
    await page.check('[data-testid="sweep-field-optimizer.learningRate"]')
    await page.fill('[data-testid="sweep-values-optimizer.learningRate"]', '0.01, 0.03')
    await page.fill('[data-testid="sweep-seeds"]', '2')
    await expect.poll(() => page.textContent('[data-testid="sweep-count"]')).toBe('4 runs')
    // An out-of-range value is named before launching.
    await page.fill('[data-testid="sweep-values-optimizer.learningRate"]', '0.01, 30')
    await expect.poll(() => page.textContent('[data-testid="sweep-problems"]')).toMatch(/optimizer\.learningRate: run "lr=30 seed=0"/)
    expect(await page.isDisabled('[data-testid="launch-sweep"]')).toBe(true)
    await page.fill('[data-testid="sweep-values-optimizer.learningRate"]', '0.01, 0.03')
    // A sweep starts at one run per core (each with its share of the cores: one thread here on 2 cores); one at a
    // time gives that run every core.
    const cores = Math.min(8, availableParallelism())
    expect(await page.inputValue('[data-testid="sweep-concurrency"]')).toBe(String(cores))
    await page.selectOption('[data-testid="sweep-concurrency"]', '1')
    await expect.poll(() => page.textContent('[data-testid="sweep-threads"]')).toMatch(new RegExp(`^${availableParallelism()} compute threads? each on blas`))
    // This sweep's own runs in parallel (the global setting is 1 and stays 1).
    await page.selectOption('[data-testid="sweep-concurrency"]', '2')
    await expect.poll(() => page.textContent('[data-testid="sweep-threads"]')).toMatch(new RegExp(`^${Math.max(1, Math.floor(availableParallelism() / 2))} compute threads? each`))
    if (shots) await page.screenshot({ path: `${shots}/sweep-new.png`, fullPage: true })
    await page.click('[data-testid="launch-sweep"]')
    await page.waitForURL(/#\/sweeps\/[0-9a-f-]{36}$/)
    const sweepId = page.url().split('#/sweeps/')[1]

    const rows = page.locator('[data-testid="sweep-results"] tbody tr')
    await expect.poll(() => rows.count()).toBe(4)
    const names = ['tiny spirals · lr=0.01 seed=0', 'tiny spirals · lr=0.01 seed=1', 'tiny spirals · lr=0.03 seed=0', 'tiny spirals · lr=0.03 seed=1']
    // The page names the experiment once; each run link shows its setting, with the full name as its title.
    expect(await rows.locator('td:last-child a').allTextContents()).toEqual(names.map((n) => n.split(' · ')[1]))
    expect(await rows.locator('td:last-child a').evaluateAll((as) => as.map((a) => a.getAttribute('title')))).toEqual(names)
    // Live: statuses move to completed and the accuracy column fills, without a reload.
    await expect.poll(() => page.locator('[data-testid="sweep-run-status"]:text-is("completed")').count(), { timeout: 60_000 }).toBe(4)
    await expect.poll(() => page.locator('[data-metric="test/accuracy"]', { hasText: '%' }).count()).toBe(4)
    await expect.poll(() => page.getAttribute('[data-testid="sweep-progress"]', 'aria-valuenow')).toBe('100')
    expect(await page.textContent('[data-testid="sweep-counts"]')).toContain('4 completed')
    if (shots) await page.screenshot({ path: `${shots}/sweep-page.png`, fullPage: true })

    // The sweeps list shows it done; the runs list filters by it.
    await page.goto(`${base}#/sweeps`)
    const listRow = page.locator(`[data-sweep-id="${sweepId}"]`)
    await expect.poll(() => listRow.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('100')
    if (shots) await page.screenshot({ path: `${shots}/sweeps-list.png` })
    await page.goto(`${base}#/runs?sweep=${sweepId}`)
    await expect.poll(() => page.locator('[data-testid="runs-scroll"] [data-run-id]').count()).toBe(4)
    // Named with their experiment, in cell order (one creation time for the launch).
    expect(await page.locator('[data-testid="runs-scroll"] [data-run-id] a.ellipsis').allTextContents()).toEqual(names)
    // Choosing 2 in parallel for the sweep did not touch Settings → runs in parallel.
    await page.goto(`${base}#/settings`)
    await expect.poll(() => page.inputValue('#s-conc')).toBe('1')
    await page.goto(`${base}#/runs`)
    await expect.poll(() => page.locator('[data-testid="runs-scroll"] [data-run-id]').count()).toBe(5)
    if (shots) await page.screenshot({ path: `${shots}/runs-list.png` })
    expect(pageErrors).toEqual([])
  })
})
