/**
 * End to end, the platform in a browser: a training run built in the form with all nine probes and
 * checkpoints shows every probe's output live on its run page (drawn from the declared outputs) and in Compare;
 * cancelled, it resumes from its checkpoint with the Resume button and completes. New experiment offers every
 * study, and the JSON view blocks saving while it is invalid.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeCompareState, defaultCompareState } from '../../src-shared/compare/state'
import { STUDY_LIST } from '../../src-shared/studies'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-token-probes-0123456789'
let browser: Browser
let page: Page
let engine: ServedEngine
const pageErrors: string[] = []
const shots = process.env.LAB_E2E_SCREENSHOTS
const PROBE_IDS = ['weight-histogram', 'gradient-rms', 'activation-stats', 'confusion', 'local-elasticity', 'weight-entropy', 'output-delta', 'softmax-normaliser', 'entropy-gradient']

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

const status = () => page.textContent('[data-testid="run-status"]')
const panel = (id: string) => page.locator(`[data-testid="output-${id}"]`)
let runUrl = ''

describe('probes, outputs and resume in a browser (serve mode)', () => {
  it('New experiment offers every study; the JSON view blocks saving while it is invalid', async () => {
    await page.goto(`${engine.url}#/experiments/new`)
    await expect.poll(() => page.textContent('[data-testid="connection"]')).toBe('engine connected')
    const offered = await page.locator('[data-testid="study-select"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(offered.sort()).toEqual(STUDY_LIST.map((s) => s.id).sort())
    await page.selectOption('[data-testid="study-select"]', 'elasticity-manifold')
    await expect.poll(() => page.locator('[data-study="elasticity-manifold"]').count()).toBe(1)
    await page.selectOption('[data-testid="study-select"]', 'training')
    await page.click('[data-testid="view-json"]')
    const json = page.locator('[data-testid="config-json"]')
    await json.fill((await json.inputValue()).replace('"epochs": 50', '"epochs": 50,,'))
    await expect.poll(() => page.locator('[data-testid="json-blocked"]').count()).toBe(1)
    expect(await page.locator('[data-testid="save-run"]').isDisabled()).toBe(true)
    expect(await page.locator('[data-testid="save"]').isDisabled()).toBe(true)
    // The problem names its line, a click away.
    expect(await page.textContent('[data-testid="json-error-line-0"]')).toMatch(/^line \d+$/)
    await json.fill((await json.inputValue()).replace('"epochs": 50,,', '"epochs": 50'))
    await expect.poll(() => page.locator('[data-testid="json-blocked"]').count()).toBe(0)
    expect(await page.locator('[data-testid="save-run"]').isDisabled()).toBe(false)
  })

  it('a run with the nine probes shows each of them live on its run page', async () => {
    await page.goto(`${engine.url}#/experiments/new?template=training/xor`)
    await page.click('[data-testid="view-form"]')
    await page.waitForSelector('[data-testid="probes-section"]')
    for (const id of PROBE_IDS) {
      await page.selectOption('[data-testid="add-probe-select"]', id)
      await page.click('[data-testid="add-probe"]')
      await page.fill(`[data-testid="probe-every-${id}"]`, '1')
    }
    // Long enough to watch it live (cancelled below), with a checkpoint every 2 epochs.
    await page.fill('[data-testid="epochs"]', '400')
    await page.fill('[data-testid="checkpoint-every"]', '2')
    await page.fill('[data-testid="probe-local-elasticity-testPoints"]', '60')
    await page.fill('[data-testid="probe-local-elasticity-basePoints"]', '5')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)
    runUrl = page.url()
    await expect.poll(status, { timeout: 60_000 }).toBe('running')
    // Each probe's declared outputs appear while the run trains.
    await expect.poll(() => panel('weight-histogram:histograms:weight-histogram/dense1').count(), { timeout: 60_000 }).toBe(1)
    await expect.poll(() => panel('gradient-rms:rms').count()).toBe(1)
    await expect.poll(() => panel('activation-stats:dead').count()).toBe(1)
    await expect.poll(() => panel('confusion:matrix:confusion/matrix').count()).toBe(1)
    await expect.poll(() => panel('local-elasticity:locality').count()).toBe(1)
    await expect.poll(() => panel('local-elasticity:matrix:local-elasticity/matrix').count()).toBe(1)
    await expect.poll(() => panel('weight-entropy:entropy').count()).toBe(1)
    await expect.poll(() => panel('output-delta:histograms:output-delta/true').count()).toBe(1)
    await expect.poll(() => panel('softmax-normaliser:normaliser').count()).toBe(1)
    await expect.poll(() => panel('entropy-gradient:correlation').count(), { timeout: 30_000 }).toBe(1)
    expect(await status()).toBe('running')
    // The gradient RMS chart has one line per weighted layer (two hidden dense layers and the output).
    expect(await panel('gradient-rms:rms').getAttribute('data-title')).toBe('Gradient RMS per layer')
    // The step slider of a histogram moves through the logged steps.
    await expect.poll(async () => Number(await panel('weight-histogram:histograms:weight-histogram/dense1').locator('[data-testid="series-step"]').getAttribute('max')), { timeout: 30_000 }).toBeGreaterThan(1)
    if (shots) await page.screenshot({ path: `${shots}/run-probes.png`, fullPage: true })
  })

  it('cancelled, it resumes from its checkpoint with the Resume button', async () => {
    await expect.poll(() => page.locator('[data-testid="artifacts"] td:text-is("checkpoint")').count(), { timeout: 60_000 }).toBe(1)
    await page.click('[data-testid="cancel-run"]')
    await expect.poll(status, { timeout: 20_000 }).toBe('cancelled')
    await page.waitForSelector('[data-testid="resume-run"]')
    await page.click('[data-testid="resume-run"]')
    await expect.poll(status, { timeout: 30_000 }).toMatch(/^(queued|running)$/)
    // Resumed, it goes on logging: the probes' panels come back and the run keeps its steps.
    await expect.poll(() => panel('gradient-rms:rms').count(), { timeout: 60_000 }).toBe(1)
    await page.click('[data-testid="cancel-run"]')
    await expect.poll(status, { timeout: 20_000 }).toBe('cancelled')
  })

  it('the probes appear in Compare: their scalars as curves, their series in the series grid', async () => {
    const runId = runUrl.split('#/runs/')[1]
    const state = { ...defaultCompareState(), runIds: [runId], tab: 'series' as const, series: { key: 'weight-histogram/dense1', step: null } }
    await page.goto(`${engine.url}#/compare?s=${encodeCompareState(state)}`)
    const keys = page.locator('[data-testid="series-key"] option')
    await expect.poll(() => keys.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), { timeout: 20_000 }).toEqual(
      expect.arrayContaining(['weight-histogram/dense1', 'confusion/matrix', 'local-elasticity/matrix'])
    )
    // The generic histogram view draws the payload (not the "no viewer" fallback).
    await expect.poll(() => page.locator('[data-testid="series-fallback"]').count()).toBe(0)
    await expect.poll(() => page.locator('.grid [data-kind], .grid section.chart, .grid canvas').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const curves = { ...defaultCompareState(), runIds: [runId], metrics: ['gradient-rms/dense1'] }
    await page.goto(`${engine.url}#/compare?s=${encodeCompareState(curves)}`)
    await expect.poll(() => page.locator('[data-testid="compare-chart"][data-metric="gradient-rms/dense1"]').getAttribute('data-series-count'), { timeout: 20_000 }).toBe('1')
    expect(pageErrors).toEqual([])
  })
})
