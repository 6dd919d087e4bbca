/**
 * Bench section 7: the compare workflow in a real Chromium against the real engine in serve mode.
 *  - runs table: a store with 5 000 runs (each with a few metrics) → time until the table shows rows,
 *    a filter over all rows, and a scroll from top to bottom (frame times of the virtualised body).
 *  - compare: 50 runs × 10 000 points of one metric (plus a sparse epoch metric) → time from opening the
 *    compare link to the chart's first finished render, data fetch included.
 * The store is seeded directly (RunStore), as the lab would after training those runs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { defaultCompareState, encodeCompareState } from '../../src-shared/compare/state'
import { trainingDefaults } from '../../src-shared/studies/training'
import { createRng } from '../../src-shared/rng'
import { openStore } from '../../src-main/engine/store'
import type { ScalarPoint } from '../../src-main/engine/store/runs'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface CompareFigures {
  table: { runs: number; seedSeconds: number; loadMs: number; filterMs: number; filteredRows: number; scroll: { frames: number; rowsPassed: number; seconds: number; meanFrameMs: number; p95FrameMs: number; maxFrameMs: number; domRows: number } }
  compare: { runs: number; pointsPerRun: number; seedSeconds: number; renderMs: number; fetchMs: number; pointsDrawn: number; seriesDrawn: number; rerenderMs: number | null }
}

function startServe(dataDir: string, token: string): Promise<{ child: ChildProcess; port: number }> {
  const engine = fileURLToPath(new URL('./engine.js', import.meta.url))
  const child = spawn(process.execPath, [engine, '--serve', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, LAB_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stderr!.on('data', (d) => (out += String(d)))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d)
      const m = /Lab serving at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m) resolve({ child, port: Number(m[1]) })
    })
    child.once('exit', (code) => reject(new Error(`engine exited (${code}) before serving: ${out}`)))
  })
}

/** 5 000 finished runs of a sweep-like spread (lr × width × seed), 11 epochs of 4 metrics each. */
function seedTable(dataDir: string, n: number): number {
  const t0 = performance.now()
  const store = openStore(dataDir)
  const rng = createRng(7)
  const lrs = [0.001, 0.003, 0.01, 0.03, 0.1]
  const widths = [8, 16, 32, 64]
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const lr = lrs[i % lrs.length]
      const units = widths[Math.floor(i / lrs.length) % widths.length]
      const config = { ...trainingDefaults, optimizer: { ...trainingDefaults.optimizer, learningRate: lr }, network: { ...trainingDefaults.network, layers: [{ units, activation: 'relu' }] }, seed: i }
      const run = store.runs.create({ experimentId: null, name: `bench run ${i}`, studyId: 'training', config, seed: i })
      const points: ScalarPoint[] = []
      const quality = 0.5 + 0.45 * rng.next()
      for (let e = 0; e <= 10; e++) {
        const step = e * 50
        const wall = 1_700_000_000_000 + i * 60_000 + e * 1000
        const acc = quality * (1 - Math.exp(-e / 3))
        points.push({ key: 'test/accuracy', step, wall, value: acc }, { key: 'train/accuracy', step, wall, value: acc + 0.02 })
        points.push({ key: 'test/loss', step, wall, value: 2.3 * Math.exp(-e / 4) + 0.1 * rng.next() }, { key: 'train/loss', step, wall, value: 2.3 * Math.exp(-e / 4) }, { key: 'epoch', step, wall, value: e })
      }
      store.runs.appendBatch(run.id, { scalars: points, progress: { fraction: 1, steps: 500, totalSteps: 500 } })
      store.runs.finish(run.id, 'completed', { summary: { final: { 'test/accuracy': quality }, steps: 500, epochs: 10, wallSeconds: 10, samplesPerSecond: 1000 } })
      if (i % 17 === 0) store.runs.update(run.id, { tags: ['baseline'] })
    }
  })()
  store.close()
  return (performance.now() - t0) / 1000
}

/** `runs` runs with `points` minibatch-loss points each (and an epoch counter every 100 steps). */
function seedCurves(dataDir: string, runs: number, points: number): { ids: string[]; seconds: number } {
  const t0 = performance.now()
  const store = openStore(dataDir)
  const rng = createRng(11)
  const ids: string[] = []
  for (let r = 0; r < runs; r++) {
    const lr = 0.001 * (1 + (r % 10))
    const config = { ...trainingDefaults, optimizer: { ...trainingDefaults.optimizer, learningRate: lr }, seed: Math.floor(r / 10) }
    const run = store.runs.create({ experimentId: null, name: `curve run ${r}`, studyId: 'training', config, seed: Math.floor(r / 10) })
    ids.push(run.id)
    const batch: ScalarPoint[] = []
    for (let s = 1; s <= points; s++) {
      const wall = 1_700_000_000_000 + r * 3_600_000 + s * 20
      batch.push({ key: 'train/batch_loss', step: s, wall, value: 2.3 * Math.exp((-s * lr) / 5) + 0.3 * rng.next() })
      if (s % 100 === 0) batch.push({ key: 'epoch', step: s, wall, value: s / 100 })
      if (batch.length >= 5000) store.runs.appendBatch(run.id, { scalars: batch.splice(0) })
    }
    store.runs.appendBatch(run.id, { scalars: batch.splice(0), progress: { fraction: 1, steps: points, totalSteps: points } })
    store.runs.finish(run.id, 'completed')
  }
  store.close()
  return { ids, seconds: (performance.now() - t0) / 1000 }
}

async function measureTable(page: Page, base: string): Promise<Omit<CompareFigures['table'], 'runs' | 'seedSeconds'>> {
  const t0 = Date.now()
  await page.goto(`${base}#/runs`)
  await page.waitForSelector('[data-testid="runs-scroll"] [data-run-id]', { timeout: 60_000 })
  const loadMs = Date.now() - t0
  // Filter: type an expression, time until the body shows the narrowed rows.
  const filterMs = await page.evaluate(async () => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="runs-filter"]')
    if (!input) return -1
    const before = document.querySelector('[data-testid="runs-count"]')?.textContent
    const t = performance.now()
    input.value = 'lr < 0.01 test/accuracy > 0.6'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => requestAnimationFrame(r))
      if (document.querySelector('[data-testid="runs-count"]')?.textContent !== before) break
    }
    return performance.now() - t
  })
  const filteredRows = await page.evaluate(() => Number(/\d[\d,]*/.exec(document.querySelector('[data-testid="runs-count"]')?.textContent ?? '')?.[0]?.replace(/,/g, '') ?? NaN))
  await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="runs-filter"]')
    if (input) {
      input.value = ''
      input.dispatchEvent(new Event('input', { bubbles: true }))
    }
  })
  await page.waitForTimeout(300)
  // Scroll top → bottom, 3 rows' height per frame, recording every frame's duration.
  const scroll = await page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>('[data-testid="runs-scroll"]')!
    const rowHeight = (el.querySelector('[data-run-id]') as HTMLElement | null)?.getBoundingClientRect().height || 28
    const frames: number[] = []
    let domRows = 0
    let last = performance.now()
    const t = last
    el.scrollTop = 0
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && frames.length < 5000) {
      el.scrollTop += rowHeight * 3
      await new Promise((r) => requestAnimationFrame(r))
      const now = performance.now()
      frames.push(now - last)
      last = now
      domRows = Math.max(domRows, el.querySelectorAll('[data-run-id]').length)
    }
    const sorted = [...frames].sort((a, b) => a - b)
    return {
      frames: frames.length,
      rowsPassed: Math.round(el.scrollTop / rowHeight),
      seconds: (performance.now() - t) / 1000,
      meanFrameMs: frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length),
      p95FrameMs: sorted[Math.floor(0.95 * (sorted.length - 1))] ?? NaN,
      maxFrameMs: sorted[sorted.length - 1] ?? NaN,
      domRows
    }
  })
  return { loadMs, filterMs, filteredRows, scroll }
}

async function measureCompare(page: Page, base: string, ids: string[]): Promise<{ renderMs: number; fetchMs: number; pointsDrawn: number; seriesDrawn: number; rerenderMs: number | null }> {
  await page.goto(`${base}#/runs`)
  await page.waitForSelector('[data-testid="runs-scroll"]', { timeout: 60_000 })
  const state = { ...defaultCompareState(), runIds: ids, metrics: ['train/batch_loss'], smoothing: { kind: 'ema' as const, weight: 0.6, sigma: 1 } }
  const hash = `#/compare?s=${encodeCompareState(state)}`
  const start = await page.evaluate((h) => {
    ;(window as any).__compareRendered = undefined
    const t = performance.now()
    location.hash = h
    return t
  }, hash)
  await page.waitForFunction(() => (window as any).__compareRendered?.points > 0, undefined, { timeout: 120_000, polling: 50 })
  const done = await page.evaluate(() => (window as any).__compareRendered as { at: number; points: number; series?: number })
  const fetchMs = await page.evaluate(() => performance.getEntriesByName('compare:fetch').reduce((a, m) => a + m.duration, 0))
  // Re-render after a smoothing change (the data is cached; smoothing + downsampling + drawing only).
  let rerenderMs: number | null = null
  const slider = await page.$('[data-testid="smoothing-weight"]')
  if (slider) {
    rerenderMs = await page.evaluate(async () => {
      const el = document.querySelector<HTMLInputElement>('[data-testid="smoothing-weight"]')!
      const before = (window as any).__compareRendered.at
      const t = performance.now()
      el.value = '0.9'
      el.dispatchEvent(new Event('input', { bubbles: true }))
      el.dispatchEvent(new Event('change', { bubbles: true }))
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 10))
        if ((window as any).__compareRendered.at !== before) return (window as any).__compareRendered.at - t
      }
      return -1
    })
  }
  return { renderMs: done.at - start, fetchMs, pointsDrawn: done.points, seriesDrawn: done.series ?? 0, rerenderMs }
}

export async function compareFigures(dataDir: string, opts: { quick: boolean; log: (m: string) => void }): Promise<CompareFigures> {
  const tableRuns = opts.quick ? 1000 : 5000
  const curveRuns = opts.quick ? 10 : 50
  const pointsPerRun = opts.quick ? 2000 : 10_000
  opts.log(`seeding ${tableRuns} runs for the table`)
  const tableDir = `${dataDir}-table`
  const tableSeed = seedTable(tableDir, tableRuns)
  opts.log(`seeding ${curveRuns} runs × ${pointsPerRun} points for the compare`)
  const curves = seedCurves(dataDir, curveRuns, pointsPerRun)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    const token = randomBytes(16).toString('hex')
    let figuresTable: CompareFigures['table']
    {
      const engine = await startServe(tableDir, token)
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
        const t = await measureTable(page, `http://127.0.0.1:${engine.port}/?token=${token}`)
        figuresTable = { runs: tableRuns, seedSeconds: tableSeed, ...t }
        await page.close()
      } finally {
        engine.child.kill('SIGTERM')
      }
    }
    const engine = await startServe(dataDir, token)
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
      const c = await measureCompare(page, `http://127.0.0.1:${engine.port}/?token=${token}`, curves.ids)
      return { table: figuresTable, compare: { runs: curveRuns, pointsPerRun, seedSeconds: curves.seconds, ...c } }
    } finally {
      engine.child.kill('SIGTERM')
    }
  } finally {
    await browser.close()
  }
}
