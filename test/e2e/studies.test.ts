/**
 * End to end, the two phenomenon studies from the gallery: the double-helix local elasticity template
 * (run it, click a base point, see the manifold coloured by S_rel from it) and the neurashed information
 * bottleneck template (its graph in the editor, run it, see the mutual-information curves).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-studies-0123456789'
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

async function launch(cardId: string): Promise<void> {
  await page.goto(`${engine.url}#/experiments`)
  await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
  await page.click(`[data-testid="open-${cardId}-cpu"]`)
  await page.waitForURL(/#\/experiments\/new\?/)
}

describe('phenomenon studies in a browser (serve mode)', () => {
  it('double helix: runs, and clicking a base point colours the manifold by its elasticity', async () => {
    await launch('elasticity-manifold/double-helix')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    await expect.poll(() => page.textContent('.badge'), { timeout: 120_000 }).toBe('completed')
    const canvas = page.locator('[data-testid="manifold-canvas"]')
    await expect.poll(() => canvas.getAttribute('data-coloured'), { timeout: 20_000 }).toBe('true')
    const positions = JSON.parse((await canvas.getAttribute('data-base-positions'))!) as { x: number; y: number }[]
    expect(positions.length).toBeGreaterThan(2)
    const before = await canvas.getAttribute('data-base')
    // Click the base point drawn at positions[2] (drawing coordinates are 400 wide; scale to the shown size).
    await canvas.scrollIntoViewIfNeeded()
    const box = (await canvas.boundingBox())!
    const scale = box.width / 400
    await page.mouse.click(box.x + positions[2].x * scale, box.y + positions[2].y * scale)
    await expect.poll(() => canvas.getAttribute('data-base')).toBe('2')
    expect(before).not.toBe('2')
    expect(await canvas.getAttribute('data-coloured')).toBe('true')
    // The locality index over training is charted for both nets.
    expect(await page.locator('[data-title*="ocality"]').count()).toBeGreaterThan(0)
    if (shots) await page.screenshot({ path: `${shots}/elasticity-helix.png`, fullPage: true })
  })

  it('information bottleneck: the graph opens in the editor, runs, and shows the MI curves', async () => {
    await launch('neurashed/information-bottleneck')
    await expect.poll(() => page.locator('.vue-flow__node').count(), { timeout: 20_000 }).toBeGreaterThan(10)
    if (shots) await page.screenshot({ path: `${shots}/neurashed-editor.png`, fullPage: true })
    expect(await page.locator('[data-testid="error-count"]').count()).toBe(0)
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    await expect.poll(() => page.textContent('.badge'), { timeout: 60_000 }).toBe('completed')
    const mi = page.locator('[data-title="Mutual information per level"]')
    await mi.waitFor({ timeout: 20_000 })
    expect(await mi.textContent()).not.toContain('No points yet')
    if (shots) await page.screenshot({ path: `${shots}/neurashed-ib.png`, fullPage: true })
    expect(pageErrors).toEqual([])
  })

  it('bridge: a trained MLP run shows its hidden units as neurashed features per class, marked as an exploration', async () => {
    await launch('training/xor')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    await expect.poll(() => page.textContent('.badge'), { timeout: 60_000 }).toBe('completed')
    const bridge = page.locator('[data-testid="neurashed-bridge"]')
    await bridge.waitFor({ timeout: 20_000 })
    expect(await bridge.locator('[data-testid="bridge-note"]').textContent()).toMatch(/open question/)
    await bridge.locator('[data-testid="bridge-load"]').click()
    // The engine reloads the saved model and averages the hidden activations per class: one class node per class.
    await expect.poll(() => bridge.locator('[data-testid^="lnode-class"]').count(), { timeout: 20_000 }).toBe(2)
    if (shots) await page.screenshot({ path: `${shots}/neurashed-bridge.png`, fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
