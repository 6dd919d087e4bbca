/**
 * End to end, the dataset library as a researcher uses it in the browser (serve mode): generate two
 * spirals and see the scatter; import Fashion-MNIST (the real t10k files) through the upload form and see
 * the image grid with class names; k-filter it from the transform form; train on a library dataset and have its
 * deletion refused with the reason.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, startEngine, stopEngine, tempDataDir, type ServedEngine } from './harness'

const TOKEN = 'e2e-datasets-token-0123456789'
const FASHION = '/usr/share/datasets/fashion-mnist'
const T10K = [`${FASHION}/t10k-images-idx3-ubyte.gz`, `${FASHION}/t10k-labels-idx1-ubyte.gz`]
let browser: Browser
let page: Page
let engine: ServedEngine
const pageErrors: string[] = []
const base = () => engine.url.split('?')[0]

beforeAll(async () => {
  engine = await startEngine({ dataDir: tempDataDir(), port: await freePort(), token: TOKEN })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(engine.url)
  await page.waitForFunction(() => document.querySelector('[data-testid="connection"]')?.textContent === 'engine connected')
})

/** Click a chart's export button and read what it saved. */
async function download(selector: string, button: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`${selector} button:text-is("${button}")`)])
  return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') }
}

afterAll(async () => {
  await browser?.close()
  if (engine) await stopEngine(engine)
})

describe('datasets in a browser (serve mode)', () => {
  it('generates two spirals from the form (with inline validation) and shows them as a scatter', async () => {
    await page.click('a[href="#/datasets"]')
    await page.waitForURL(/#\/datasets$/)
    await expect.poll(() => page.locator('[data-testid="generator"] option').count()).toBeGreaterThan(5)
    await page.selectOption('[data-testid="generator"]', 'two-spirals')

    // The form is built from the generator's ParamSpec: an out-of-range count is named and blocks generating.
    await page.fill('[data-testid="generate-panel"] [data-param="n"]', '1')
    await expect.poll(() => page.isDisabled('[data-testid="generate"]')).toBe(true)
    expect(await page.textContent('#gp-n-error')).toMatch(/≥/)
    await page.fill('[data-testid="generate-panel"] [data-param="n"]', '1500')
    await page.fill('[data-testid="generate-seed"]', '7')
    await page.fill('[data-testid="generate-name"]', 'e2e spirals')
    await expect.poll(() => page.isDisabled('[data-testid="generate"]')).toBe(false)
    await page.click('[data-testid="generate"]')

    await page.waitForURL(/#\/datasets\/[^/]+$/)
    await expect.poll(() => page.textContent('[data-testid="dataset-name"]')).toContain('e2e spirals')
    expect(await page.textContent('[data-testid="dataset-shape"]')).toContain('1,500 × 2')
    await expect.poll(() => page.getAttribute('[data-testid="scatter-2d"]', 'data-points'), { timeout: 10_000 }).toBe('1500')
    // What the scatter shows, from its own data: 1 500 points of two spirals, 750 per class, spread over
    // the plane (not all at one place), each point finite.
    const scatter = await download('[data-testid="scatter-2d"]', 'CSV')
    const [sHeader, ...points] = scatter.text.trim().split('\n').map((l) => l.split(','))
    expect(sHeader.at(-1)).toBe('label')
    expect(points).toHaveLength(1500)
    const perLabel = new Map<string, number>()
    for (const p of points) perLabel.set(p[2], (perLabel.get(p[2]) ?? 0) + 1)
    expect(Object.fromEntries(perLabel)).toEqual({ 0: 750, 1: 750 })
    const xs = points.map((p) => Number(p[0]))
    const ys = points.map((p) => Number(p[1]))
    for (const v of [...xs, ...ys]) expect(Number.isFinite(v)).toBe(true)
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(1)
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(1)
    expect(await page.textContent('[data-testid="dataset-spec"]')).toContain('"seed": 7')
    await expect.poll(() => page.locator('[data-testid="feature-stats"] tbody tr').count()).toBe(2)

    // …and it is in the library.
    await page.click('a[href="#/datasets"]')
    await expect.poll(() => page.locator('[data-testid="datasets-table"] tbody tr', { hasText: 'e2e spirals' }).count()).toBe(1)
    expect(pageErrors).toEqual([])
  })

  it('imports Fashion-MNIST t10k through the upload form and shows the image grid with class names', async () => {
    expect(existsSync(T10K[0]), `${T10K[0]} is missing: apt-get install dataset-fashion-mnist`).toBe(true)
    await page.goto(`${base()}#/datasets`)
    await page.setInputFiles('[data-testid="import-files"]', T10K)
    await expect.poll(() => page.textContent('[data-testid="import-chosen"]')).toContain('t10k-labels-idx1-ubyte.gz')
    await page.fill('[data-testid="import-name"]', 'e2e fashion t10k')
    // Uploaded files lose their folder (…/fashion-mnist/), so the class names are chosen here.
    await page.selectOption('[data-testid="import-class-names"]', 'fashion-mnist')
    await page.click('[data-testid="import-start"]')

    // The upload shows its progress, then the engine's import job its own; an error would show instead.
    const job = page.locator('[data-testid="dataset-job"]', { hasText: 't10k' })
    await expect
      .poll(async () => ((await page.isVisible('[data-testid="import-error"]')) ? await page.textContent('[data-testid="import-error"]') : await job.first().getAttribute('data-job-status', { timeout: 500 }).catch(() => null)), { timeout: 60_000 })
      .toBe('done')
    await job.locator('[data-testid="job-open"]').click()
    await page.waitForURL(/#\/datasets\/[^/]+$/)
    await expect.poll(() => page.textContent('[data-testid="dataset-shape"]')).toContain('10,000 × 28×28×1')
    await expect.poll(() => page.getAttribute('[data-testid="image-grid"]', 'data-images'), { timeout: 10_000 }).toBe('60')
    const labels = await page.locator('[data-testid="image-labels"] li').allTextContents()
    expect(labels).toHaveLength(60)
    expect(labels.some((l) => /Ankle boot|Trouser|Sneaker|Pullover|Bag/.test(l))).toBe(true)
    await expect.poll(() => page.getAttribute('[data-title$="samples per class"]', 'data-bars')).toBe('10')
    // …and the bars say what t10k holds: 1 000 images of each of the ten named classes.
    const bars = await download('[data-title$="samples per class"]', 'CSV')
    const [, ...perClass] = bars.text.trim().split('\n').map((l) => l.split(','))
    expect(perClass.map((r) => r[0].replace(/^"|"$/g, ''))).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'])
    expect(perClass.map((r) => Number(r[1]))).toEqual(new Array(10).fill(1000))
    expect(pageErrors).toEqual([])
  })

  it('k-filters the imported set from the transform form into a new dataset that records its parent, k and the kept fraction', async () => {
    // Still on the t10k dataset's page.
    await expect.poll(() => page.textContent('[data-testid="dataset-shape"]')).toContain('10,000 × 28×28×1')
    await page.selectOption('[data-testid="transform-op"]', 'k-filter')
    await page.fill('[data-testid="transform-filter-k"]', '10')
    await page.fill('[data-testid="transform-filter-chunk"]', '5')
    // A chunk that cannot hold k neighbours is refused in the form.
    await expect.poll(() => page.isDisabled('[data-testid="transform-start"]')).toBe(true)
    await page.fill('[data-testid="transform-filter-chunk"]', '2000')
    await page.click('[data-testid="transform-start"]')
    const job = page.locator('[data-testid="dataset-job"]', { hasText: 'k-filter' })
    await expect.poll(() => job.first().getAttribute('data-job-status', { timeout: 500 }).catch(() => null), { timeout: 60_000 }).toBe('done')
    expect(await job.first().textContent()).toMatch(/% kept/)
    await job.locator('[data-testid="job-open"]').click()
    await expect.poll(() => page.textContent('[data-testid="dataset-provenance"]'), { timeout: 10_000 }).toContain('"kept"')
    const provenance = JSON.parse((await page.textContent('[data-testid="dataset-provenance"]'))!)
    expect(provenance).toMatchObject({ parent: { name: 'e2e fashion t10k' }, k: 10, chunk: 2000, of: 10_000 })
    expect(provenance.kept).toBeGreaterThan(0.2)
    expect(provenance.kept).toBeLessThan(1)
    await expect.poll(() => page.textContent('[data-testid="dataset-shape"]')).toContain(`${provenance.keptSamples.toLocaleString('en-US')} × 28×28×1`)
    expect(pageErrors).toEqual([])
  })

  it('refuses to delete a dataset while a run uses it, and says why', async () => {
    await page.goto(`${base()}#/experiments/new`)
    await page.fill('[data-testid="experiment-name"]', 'e2e on stored spirals')
    await page.selectOption('[data-testid="dataset-kind"]', 'stored')
    await expect.poll(() => page.locator('[data-testid="stored-dataset"] option', { hasText: 'e2e spirals' }).count()).toBe(1)
    const value = await page.locator('[data-testid="stored-dataset"] option', { hasText: 'e2e spirals' }).getAttribute('value')
    await page.selectOption('[data-testid="stored-dataset"]', value!)
    await expect.poll(() => page.textContent('[data-testid="stored-dataset-info"]')).toContain('1,500 × 2')
    await page.fill('[data-testid="epochs"]', '2')
    await page.click('[data-testid="save-run"]')
    await page.waitForURL(/#\/runs\//)

    await page.goto(`${base()}#/datasets`)
    const row = page.locator('[data-testid="datasets-table"] tbody tr', { hasText: 'e2e spirals' })
    page.once('dialog', (d) => void d.accept())
    await row.locator('[data-testid="dataset-delete"]').click()
    await expect.poll(() => page.textContent('[data-testid="datasets-error"]')).toMatch(/used by 1 run.*e2e on stored spirals/)
    expect(await row.count()).toBe(1)
    expect(pageErrors).toEqual([])
  })
})
