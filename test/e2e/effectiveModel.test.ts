/**
 * End to end, the effective-model study from the gallery: the shallow-hysteresis card opened, shrunk in the JSON
 * view so it finishes in seconds, run with its progress shown, and drawn by the generic views from what the run
 * logged — the collection table, the correlation histogram with its 1/√M noise floor, the fit error, model vs data
 * moments, d(x) both ways, s(d) with the bound, the landscape table beside seed 004 — and visible after a reload.
 */
import { describe, expect, it } from 'vitest'
import { servedPage } from './harness'

const lab = servedPage('e2e-token-effective-model-0123456789')
const shots = process.env.LAB_E2E_SCREENSHOTS

const panel = (id: string) => lab.page.locator(`[data-testid="output-${id}"]`)

describe('effective (Ising) model from the gallery (serve mode)', () => {
  it('the shallow card: sampled, fitted and its landscape drawn, the table beside seed 004, still there after a reload', async () => {
    const page = lab.page
    await page.goto(`${lab.engine.url}#/experiments`)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    await page.selectOption('[data-testid="gallery-study"]', 'effective-model')
    const card = page.locator('[data-testid="card-effective-model/shallow-hysteresis"]')
    expect(await card.getAttribute('data-built')).toBe('true')
    await page.click('[data-testid="open-effective-model/shallow-hysteresis-cpu"]')
    await page.waitForURL(/#\/experiments\/new\?/)
    await page.click('[data-testid="view-json"]')
    const json = page.locator('[data-testid="config-json"]')
    const cfg = JSON.parse(await json.inputValue())
    expect(cfg.scenarios).toEqual([{ kind: 'shallow', trials: 1000, epochs: 4, threshold: 0.65 }])
    cfg.scenarios = [{ kind: 'shallow', trials: 60, epochs: 1, threshold: 0 }]
    cfg.fit.maxSteps = 20
    cfg.fit.crossCheck = 'pseudo-likelihood'
    cfg.landscape = { referencesPerClass: 1, xMax: 2, step: 0.25 }
    await json.fill(JSON.stringify(cfg, null, 2))
    await expect.poll(() => page.textContent('[data-testid="json-status"]')).toContain('applied')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    // Progress while it runs: trials with the live throughput, then the fit and the landscape.
    await expect.poll(() => page.locator('[role="progressbar"]').first().textContent({ timeout: 500 }).catch(() => ''), { timeout: 60_000, interval: 100 }).toMatch(/trial \d+\/60, \d+ kept, [\d,]+ networks\/hour|fitting the all model|entropy landscape of all/)
    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 180_000 }).toBe('completed')

    const sampling = panel('sampling-table:sampling/table')
    await expect.poll(() => sampling.locator('tbody tr').count(), { timeout: 20_000 }).toBe(1)
    expect(await sampling.textContent()).toContain('shallow-')
    const corr = panel('correlations:moments/shallow/all/correlations')
    await expect.poll(() => corr.locator('[data-lines]').getAttribute('data-lines'), { timeout: 20_000 }).toBe('2')
    await expect.poll(() => panel('fit-delta:fit/shallow/delta').locator('.chart').getAttribute('data-curves'), { timeout: 20_000 }).toBe('1')
    await expect.poll(() => panel('fit-moments:fit/shallow/all/moments').locator('canvas, svg').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    // Both sweep directions of the three energy classes.
    await expect.poll(() => panel('d-x:landscape/shallow/all/d-x').locator('.chart').getAttribute('data-curves'), { timeout: 20_000 }).toBe('6')
    await expect.poll(() => panel('s-d:landscape/shallow/all/s-d').locator('canvas, svg').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const table = panel('landscape-table:landscape/table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3)
    expect(await table.textContent()).toContain('jumps near x ≈ −1.55…−1.75')
    expect(await panel('crosscheck:fit/shallow/crosscheck').locator('tbody tr').count()).toBe(1)
    if (shots) {
      await corr.screenshot({ path: `${shots}/ising-correlations.png` })
      await panel('d-x:landscape/shallow/all/d-x').screenshot({ path: `${shots}/ising-d-x.png` })
      await panel('s-d:landscape/shallow/all/s-d').screenshot({ path: `${shots}/ising-s-d.png` })
      await table.screenshot({ path: `${shots}/ising-table.png` })
    }
    await page.reload()
    await expect.poll(() => panel('landscape-table:landscape/table').locator('tbody tr').count(), { timeout: 20_000 }).toBe(3)
    expect(lab.pageErrors).toEqual([])
  })
})
