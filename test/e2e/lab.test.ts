/**
 * End to end, as a researcher: create an experiment in the real renderer served by the real engine,
 * launch it, watch the curve grow live, restart the engine, and find the run with its curve again.
 */
import { availableParallelism } from 'node:os'
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
let port: number
const dataDir = tempDataDir()
const pageErrors: string[] = []

const lossPoints = async () => Number(await page.getAttribute('[data-title="Loss"]', 'data-points'))

beforeAll(async () => {
  port = await freePort()
  engine = await startEngine({ dataDir, port, token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 950 }, acceptDownloads: true })
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

describe('the lab in a browser (serve mode)', () => {
  it('creates an experiment, validates inline, runs it live, and finds it again after an engine restart', async () => {
    await page.goto(engine.url)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    expect(await page.textContent('[data-testid="backend"]')).toMatch(/backend: (blas|wasm)/)

    await page.click('[data-testid="new-experiment"]')
    await page.fill('[data-testid="experiment-name"]', 'e2e spirals')
    await page.selectOption('[data-testid="dataset-kind"]', 'two-spirals')
    await page.fill('[data-testid="dataset-n"]', '3000')
    await page.fill('[data-testid="epochs"]', '40')

    // Inline validation: an out-of-range learning rate is named and blocks the launch.
    await page.fill('[data-testid="learning-rate"]', '-1')
    await expect.poll(() => page.isDisabled('[data-testid="save-run"]')).toBe(true)
    expect(await page.textContent('[data-testid="error-count"]')).toContain('1 field')
    await page.fill('[data-testid="learning-rate"]', '0.01')
    await expect.poll(() => page.isDisabled('[data-testid="save-run"]')).toBe(false)

    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    const runId = page.url().split('#/runs/')[1]
    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 30_000 }).toBe('running')

    // The curve grows while the run trains (pushed events, no reload).
    await expect.poll(lossPoints, { timeout: 30_000 }).toBeGreaterThan(0)
    const early = await lossPoints()
    await expect.poll(lossPoints, { timeout: 30_000 }).toBeGreaterThan(early)
    await expect.poll(() => page.getAttribute('[data-testid="boundary"]', 'data-step'), { timeout: 30_000 }).not.toBe('')

    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 120_000 }).toBe('completed')
    const finalPoints = await lossPoints()
    expect(finalPoints).toBeGreaterThan(early)
    const accuracy = await page.textContent('[data-testid="metric-test/accuracy"]')
    expect(parseFloat(accuracy!)).toBeGreaterThan(90)
    // What it ran with, threads included (one run alone gets every core on blas).
    await expect.poll(() => page.textContent('[data-testid="run-environment"]')).toMatch(new RegExp(`^lab \\S+ · tfjs \\S+ · ${availableParallelism()} compute threads?$`))

    // The trained model is kept with the run.
    await expect.poll(() => page.locator('[data-testid="artifacts"] tr', { hasText: 'model.json' }).count(), { timeout: 10_000 }).toBe(1)

    // Exports: the loss chart's CSV holds every plotted point; SVG and PNG are real images.
    const download = async (chart: string, button: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click(`${chart} button:text-is("${button}")`)])
      return { name: d.suggestedFilename(), text: await readFile((await d.path())!, button === 'PNG' ? 'latin1' : 'utf8') }
    }
    const csv = await download('[data-title="Loss"]', 'CSV')
    const lines = csv.text.trim().split('\n')
    expect(lines[0]).toBe('series,step,loss')
    expect(lines.length - 1).toBe(finalPoints)
    // One series per split (a new experiment holds out 10 % for validation), named within the Loss chart.
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['minibatch', 'train', 'validation', 'test']))
    const svg = await download('[data-title="Loss"]', 'SVG')
    expect(svg.name).toBe('Loss.svg')
    expect(svg.text).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect((await download('[data-testid="boundary"]', 'PNG')).text.slice(1, 4)).toBe('PNG')
    const grid = await download('[data-testid="boundary"]', 'CSV')
    expect(grid.text.trim().split('\n')).toHaveLength(1 + 100 * 100)

    // Restart the engine: the page shows the lost connection, then recovers by itself.
    await stopEngine(engine, 'SIGKILL')
    await expect.poll(() => page.isVisible('[data-testid="connection-banner"]'), { timeout: 10_000 }).toBe(true)
    engine = await startEngine({ dataDir, port, token: TOKEN })
    await expect.poll(() => page.textContent('[data-testid="connection"]'), { timeout: 15_000 }).toBe('engine connected')
    await expect.poll(() => page.isVisible('[data-testid="connection-banner"]')).toBe(false)

    // The run is listed, and its page shows the same curve from the store.
    await page.goto(`${engine.url.split('?')[0]}#/runs`)
    const row = page.locator('[data-testid="runs-scroll"] [data-run-id]', { hasText: 'e2e spirals #1' })
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.locator('.badge').textContent()).toBe('completed')
    await row.locator('a', { hasText: 'e2e spirals #1' }).click()
    await page.waitForURL(new RegExp(`#/runs/${runId}$`))
    await expect.poll(lossPoints, { timeout: 15_000 }).toBe(finalPoints)
    expect(pageErrors).toEqual([])
  })

  it('starts a template from the gallery, shows it in the queue with progress and ETA, and cancels it keeping its curve', async () => {
    await page.goto(`${engine.url.split('?')[0]}#/experiments`)
    await page.click('[data-testid="template-training/checkerboard"]')
    await expect.poll(() => page.inputValue('[data-testid="experiment-name"]')).toBe('Checkerboard 8×8')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    const runId = page.url().split('#/runs/')[1]
    await expect.poll(lossPoints, { timeout: 30_000 }).toBeGreaterThan(0)

    await page.click('a[href="#/queue"]')
    const row = page.locator('[data-testid="queue-table"] tbody tr', { hasText: 'Checkerboard 8×8' })
    await expect.poll(() => row.locator('[role="progressbar"]').textContent(), { timeout: 10_000 }).toMatch(/\d+% · ETA \d/)

    await page.goto(`${engine.url.split('?')[0]}#/runs/${runId}`)
    await expect.poll(() => page.textContent('[data-testid="run-status"]')).toBe('running')
    const before = await lossPoints()
    const clicked = Date.now()
    await page.click('[data-testid="cancel-run"]')
    await expect.poll(() => page.textContent('[data-testid="run-status"]'), { timeout: 5_000, interval: 50 }).toBe('cancelled')
    expect(Date.now() - clicked).toBeLessThan(3_000)
    // What was logged stays: reload the page from the store.
    await page.reload()
    await expect.poll(lossPoints, { timeout: 10_000 }).toBeGreaterThanOrEqual(before)

    // Rename it from its row's menu (keyboard), then delete it.
    await page.goto(`${engine.url.split('?')[0]}#/runs`)
    const runRow = page.locator(`[data-run-id="${runId}"]`)
    await runRow.locator('[data-testid="row-menu"]').click()
    await page.click('[data-testid="run-menu"] button:text-is("Rename")')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('cancelled board')
    await page.keyboard.press('Enter')
    await expect.poll(() => runRow.locator('a', { hasText: 'cancelled board' }).count()).toBe(1)
    page.once('dialog', (d) => void d.accept())
    await runRow.locator('[data-testid="row-menu"]').click()
    await page.click('[data-testid="run-menu"] button:text-is("Delete")')
    await expect.poll(() => runRow.count()).toBe(0)
    expect(await page.locator('[data-testid="runs-scroll"] [data-run-id]', { hasText: 'e2e spirals #1' }).count()).toBe(1)
    expect(pageErrors).toEqual([])
  })
})
