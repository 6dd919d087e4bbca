/**
 * End to end, as a researcher: build a 3-layer network in the graph editor by clicks (add nodes from the palette,
 * connect them by dragging handles, set units in the side panel), launch it and watch it train.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-graph-0123456789'
const SHOTS = process.env.LAB_E2E_SCREENSHOTS // a folder to keep screenshots in, when set
let browser: Browser
let page: Page
let engine: ServedEngine
const pageErrors: string[] = []

beforeAll(async () => {
  engine = await startEngine({ dataDir: tempDataDir(), port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

const shot = async (name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/graph-${name}.png`, fullPage: true })
}
const node = (id: string) => page.locator(`.vue-flow__node[data-id="${id}"]`)
const handle = (id: string, pos: 'top' | 'bottom') => page.locator(`.vue-flow__handle[data-nodeid="${id}"][data-handlepos="${pos}"]`)

/** Drag from a node's output handle to another node's input handle, as a user connects them. */
async function connect(from: string, to: string): Promise<void> {
  const a = (await handle(from, 'bottom').boundingBox())!
  const b = (await handle(to, 'top').boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 })
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 })
  await page.mouse.up()
}

it('builds a 3-layer network in the graph editor by clicks, launches it and sees it train', async () => {
  await page.goto(engine.url)
  await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
  await page.click('[data-testid="new-experiment"]')
  await page.fill('[data-testid="experiment-name"]', 'e2e graph')
  await page.selectOption('[data-testid="dataset-kind"]', 'circles')
  await page.fill('[data-testid="dataset-n"]', '400')
  await page.fill('[data-testid="epochs"]', '15')

  // The layer list becomes a chain graph: input → 3 dense → output.
  await page.click('[data-testid="network-mode-graph"]')
  await expect.poll(() => page.locator('.vue-flow__node').count()).toBe(5)
  await shot('1-converted')

  // Start from scratch: remove the three layers (click + Delete key), leaving input and output.
  for (const id of ['layer1', 'layer2', 'layer3']) {
    await node(id).click()
    await page.keyboard.press('Delete')
  }
  await expect.poll(() => page.locator('.vue-flow__node').count()).toBe(2)
  // Not launchable now: the output has no input.
  await expect.poll(() => page.getAttribute('[data-testid="gnode-output"]', 'data-invalid')).toBe('true')
  await expect.poll(() => page.isDisabled('[data-testid="save-run"]')).toBe(true)

  // Add three dense layers from the palette; each new node is selected, its units set in the side panel.
  const units = ['12', '10', '8']
  for (let i = 0; i < 3; i++) {
    await page.click('[data-testid="palette-dense"]')
    await expect.poll(() => node(`dense${i + 1}`).count()).toBe(1)
    await page.fill('[data-testid="param-units"]', units[i])
    await page.press('[data-testid="param-units"]', 'Enter')
    await page.locator('[data-testid="param-units"]').blur()
  }
  await page.click('[data-testid="graph-layout"]')
  await page.waitForTimeout(300)
  await shot('2-added')

  // Connect them by dragging from handle to handle.
  await connect('input', 'dense1')
  await connect('dense1', 'dense2')
  await connect('dense2', 'dense3')
  await connect('dense3', 'output')
  await expect.poll(() => page.locator('.vue-flow__edge').count()).toBe(4)
  await page.click('[data-testid="graph-layout"]')
  await page.waitForTimeout(300)
  await shot('3-connected')

  // Shapes on the edges, params per node and in total; nothing invalid; launch enabled.
  await expect.poll(() => page.locator('[data-invalid="true"]').count()).toBe(0)
  await expect.poll(() => page.locator('.vue-flow__edge-text').allTextContents()).toEqual(expect.arrayContaining(['[2]', '[12]', '[10]', '[8]']))
  expect(await page.textContent('[data-testid="gnode-params-dense1"]')).toContain(String(2 * 12 + 12))
  const total = 2 * 12 + 12 + (12 * 10 + 10) + (10 * 8 + 8) + (8 * 2 + 2)
  expect(await page.textContent('[data-testid="graph-param-count"]')).toContain(`${total} parameters`)
  await expect.poll(() => page.isDisabled('[data-testid="save-run"]')).toBe(false)

  await page.click('[data-testid="save-run"]')
  await page.waitForURL(/#\/runs\//)
  await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 30_000 }).toMatch(/running|completed/)
  await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 120_000 }).toBe('completed')
  await expect.poll(async () => Number(await page.getAttribute('[data-title="Loss"]', 'data-points')), { timeout: 15_000 }).toBeGreaterThan(0)
  await shot('4-trained')
  expect(pageErrors).toEqual([])
})
