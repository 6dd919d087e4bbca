/**
 * The runs table (RunsView) against a fake engine: filtering (and a malformed filter's message), sorting
 * by a metric, the column chooser, selection → Compare link, organising, live progress, and that 5 000
 * runs put only a window of rows in the DOM.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { decodeCompareState } from '../../src-shared/compare/state'
import type { MetricStats, Run, RunTable } from '../../src-shared/records'

type Handler = (params: any) => unknown
const fake = vi.hoisted(() => ({
  handlers: {} as Record<string, Handler>,
  listeners: {} as Record<string, ((p: unknown) => void)[]>,
  calls: [] as { method: string; params: any }[]
}))

vi.mock('../../src-renderer/api/client', () => ({
  lab: {
    transport: 'websocket',
    files: { mode: 'upload', upload: async (f: { name: string }) => `/uploads/${f.name}` },
    async invoke(method: string, params: unknown) {
      fake.calls.push({ method, params })
      const h = fake.handlers[method]
      if (!h) throw new Error(`no fake for ${method}`)
      return h(params)
    },
    on(event: string, cb: (p: unknown) => void) {
      ;(fake.listeners[event] ??= []).push(cb)
      return () => {}
    }
  }
}))

const { default: RunsView } = await import('../../src-renderer/views/RunsView.vue')

function stats(values: number[]): MetricStats {
  let min = 0
  let max = 0
  values.forEach((v, i) => {
    if (v < values[min]) min = i
    if (v > values[max]) max = i
  })
  return { last: values.at(-1)!, lastStep: (values.length - 1) * 10, min: values[min], minStep: min * 10, max: values[max], maxStep: max * 10, count: values.length }
}

const LRS = [0.001, 0.005, 0.01, 0.05, 0.1]

function makeRun(i: number, extra: Partial<Run> = {}): Run {
  return {
    id: `run-${i}`,
    experimentId: null,
    name: `run ${i}`,
    studyId: 'training',
    config: { optimizer: { kind: i % 2 ? 'adam' : 'sgd', learningRate: LRS[i % LRS.length] }, network: { width: 8 * (1 + (i % 3)) } },
    seed: i,
    status: 'completed',
    backend: 'cpu',
    createdAt: 1_700_000_000_000 + i * 1000,
    startedAt: 1_700_000_000_000 + i * 1000,
    finishedAt: 1_700_000_010_000 + i * 1000,
    error: null,
    summary: null,
    tags: i % 4 === 0 ? ['baseline'] : [],
    notes: '',
    sweepId: null,
    starred: false,
    archived: false,
    progress: 1,
    steps: 100,
    totalSteps: 100,
    environment: null,
    ...extra
  }
}

/** Accuracy that is not monotonic in the index (so sorting has something to do); run 3 logged none. */
const accuracy = (i: number) => [0.5, 0.3 + ((i * 37) % 60) / 100, 0.2 + ((i * 53) % 70) / 100]

function makeTable(n: number, noMetricsFor: number[] = []): RunTable {
  const runs = Array.from({ length: n }, (_, i) => makeRun(i))
  const metrics: RunTable['metrics'] = {}
  for (let i = 0; i < n; i++) {
    if (noMetricsFor.includes(i)) continue
    metrics[`run-${i}`] = { 'test/accuracy': stats(accuracy(i)), 'val/accuracy': stats(accuracy(i + 1)), 'test/loss': stats([1, 0.5 + i / 100, 0.4 + i / 200]), 'train/loss': stats([2, 1]) }
  }
  return { runs, metrics }
}

let table: RunTable
let router: Router
let wrapper: VueWrapper

async function mountView(t: RunTable, path = '/runs') {
  table = t
  fake.handlers['runs.table'] = () => structuredClone(table)
  fake.handlers['sweeps.list'] = () => []
  fake.handlers['runs.update'] = ({ id, ...patch }: any) => {
    const i = table.runs.findIndex((r) => r.id === id)
    table.runs[i] = { ...table.runs[i], ...patch }
    return structuredClone(table.runs[i])
  }
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/runs', component: RunsView },
      { path: '/runs/:id', component: { template: '<div>run page</div>' } },
      { path: '/compare', component: { template: '<div>compare</div>' } }
    ]
  })
  await router.push(path)
  wrapper = mount(RunsView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  await flushPromises()
  return wrapper
}

const shownIds = () => wrapper.findAll('[data-run-id]').map((r) => r.attributes('data-run-id')!)
const filterBox = () => wrapper.get('[data-testid="runs-filter"]')

beforeEach(() => {
  setActivePinia(createPinia())
  fake.handlers = {}
  fake.listeners = {}
  fake.calls = []
  localStorage.clear()
  // happy-dom lays nothing out: give the scroll box a viewport so the virtualiser has rows to show.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.dataset?.testid === 'runs-scroll' ? 600 : 0
  })
})
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
})

describe('runs table: filter', () => {
  it('narrows the rows with a field expression and keeps the last good result under a malformed one', async () => {
    await mountView(makeTable(20))
    expect(shownIds()).toHaveLength(20)
    expect(wrapper.get('[data-testid="runs-count"]').text()).toBe('20 runs')

    await filterBox().setValue('lr < 0.01')
    const expected = table.runs.filter((r) => (r.config as any).optimizer.learningRate < 0.01).map((r) => r.id)
    expect(expected.length).toBeGreaterThan(0)
    expect(new Set(shownIds())).toEqual(new Set(expected))
    expect(wrapper.get('[data-testid="runs-count"]').text()).toBe(`${expected.length} of 20 runs`)
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)

    await filterBox().setValue('lr < ')
    const alert = wrapper.get('[data-testid="filter-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text().length).toBeGreaterThan(10)
    expect(new Set(shownIds())).toEqual(new Set(expected))

    await filterBox().setValue('tag:baseline test/accuracy > 0.5')
    const tagged = table.runs.filter((r, i) => r.tags.includes('baseline') && accuracy(i).at(-1)! > 0.5).map((r) => r.id)
    expect(new Set(shownIds())).toEqual(new Set(tagged))
    expect(wrapper.find('[data-testid="filter-error"]').exists()).toBe(false)
  })

  it('hides archived runs unless the filter asks for them or "show archived" is on', async () => {
    const t = makeTable(6)
    t.runs[2].archived = true
    await mountView(t)
    expect(shownIds()).not.toContain('run-2')
    expect(shownIds()).toHaveLength(5)
    await filterBox().setValue('is:archived')
    expect(shownIds()).toEqual(['run-2'])
    await filterBox().setValue('')
    await wrapper.get('[data-testid="show-archived"]').setValue(true)
    expect(shownIds()).toHaveLength(6)
  })

  it('keeps the ?sweep= route filter as a chip', async () => {
    const t = makeTable(6)
    t.runs[1].sweepId = 'sw1'
    t.runs[4].sweepId = 'sw1'
    await mountView(t, '/runs?sweep=sw1')
    expect(wrapper.find('[data-testid="sweep-filter"]').exists()).toBe(true)
    expect(shownIds().sort()).toEqual(['run-1', 'run-4'])
  })
})

describe('runs table: columns and sorting', () => {
  it('sorts by a metric column numerically, both ways, with missing values last', async () => {
    await mountView(makeTable(12, [3]))
    const header = () => wrapper.get('[data-sort="metric:final:test/accuracy"]')
    await header().trigger('click')
    const final = (id: string) => table.metrics[id]?.['test/accuracy']?.last
    const asc = shownIds()
    expect(asc.at(-1)).toBe('run-3')
    const values = asc.slice(0, -1).map(final) as number[]
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(wrapper.get('[role="columnheader"][aria-sort="ascending"]').text()).toContain('test/accuracy')

    await header().trigger('click')
    const desc = shownIds()
    expect(desc.at(-1)).toBe('run-3')
    expect(desc.slice(0, -1).map(final)).toEqual([...values].reverse())
  })

  it('adds a config column from the chooser, shows its values and remembers the choice', async () => {
    await mountView(makeTable(5))
    expect(wrapper.find('[data-sort="config:network.width"]').exists()).toBe(false)
    await wrapper.get('[data-testid="columns-button"]').trigger('click')
    await wrapper.get('[data-testid="column-search"]').setValue('width')
    const options = wrapper.findAll('[data-testid="column-chooser"] input[type="checkbox"]')
    expect(options.map((o) => o.attributes('data-column'))).toEqual(['config:network.width'])
    await options[0].setValue(true)

    expect(wrapper.find('[data-sort="config:network.width"]').exists()).toBe(true)
    const row = wrapper.get('[data-run-id="run-2"]')
    const widthCell = row.findAll('[role="cell"]').at(-2)! // the last data column, before the row menu
    expect(widthCell.text()).toBe('24')
    expect(JSON.parse(localStorage.getItem('lab.runs.columns')!)).toContain('config:network.width')
  })
})

describe('runs table: selection and compare', () => {
  it('selects with clicks and shift-click ranges, then Compare opens an encoded state with the selected ids', async () => {
    await mountView(makeTable(10))
    const box = (id: string) => wrapper.get(`[data-run-id="${id}"] [data-testid="select-row"]`)
    await box('run-1').trigger('click')
    await box('run-4').trigger('click', { shiftKey: true })
    expect(wrapper.get('[data-testid="selection-count"]').text()).toBe('4 selected')
    await box('run-8').trigger('click')
    await box('run-3').trigger('click') // toggles one off
    const compare = wrapper.get('[data-testid="compare"]')
    expect(compare.text()).toBe('Compare (4)')

    await compare.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/compare')
    const decoded = decodeCompareState(String(router.currentRoute.value.query.s))
    if (!decoded.ok) throw new Error(decoded.error)
    expect(decoded.state.runIds).toEqual(['run-1', 'run-2', 'run-4', 'run-8'])
    expect(decoded.state.metrics).toEqual(['test/accuracy', 'train/loss'])
  })

  it('selects all shown runs and none; Space on a focused row toggles it and Enter opens it', async () => {
    await mountView(makeTable(8))
    await filterBox().setValue('optimizer.kind = adam')
    await wrapper.get('[data-testid="select-all"]').trigger('click')
    expect(wrapper.get('[data-testid="selection-count"]').text()).toBe('4 selected')
    await wrapper.get('[data-testid="select-none"]').trigger('click')
    expect(wrapper.get('[data-testid="selection-count"]').text()).toBe('0 selected')

    const row = wrapper.get('[data-run-id="run-3"]')
    await row.trigger('keydown', { key: ' ' })
    expect(row.attributes('aria-selected')).toBe('true')
    await row.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/runs/run-3')
  })
})

describe('runs table: organise and live updates', () => {
  it('stars a run and adds a tag through runs.update', async () => {
    await mountView(makeTable(3))
    const row = () => wrapper.get('[data-run-id="run-1"]')
    await row().get('button[aria-label="Star"]').trigger('click')
    await flushPromises()
    expect(fake.calls.find((c) => c.method === 'runs.update')?.params).toEqual({ id: 'run-1', starred: true })
    expect(row().find('button[aria-label="Unstar"]').exists()).toBe(true)

    await row().get('button[aria-label="Add tag"]').trigger('click')
    await row().get('input[aria-label="New tag"]').setValue('keep')
    await row().get('input[aria-label="New tag"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(fake.calls.filter((c) => c.method === 'runs.update').at(-1)?.params).toEqual({ id: 'run-1', tags: ['keep'] })
    expect(row().findAll('[data-testid="tag"]').map((t) => t.text().replace('×', ''))).toEqual(['keep'])
  })

  it('moves a running run’s progress bar from run.progress events without reloading the table', async () => {
    const t = makeTable(3)
    t.runs[0] = { ...t.runs[0], status: 'running', progress: 0.1, finishedAt: null }
    await mountView(t)
    const bar = () => wrapper.get('[data-run-id="run-0"] [role="progressbar"]')
    expect(bar().attributes('aria-valuenow')).toBe('10')
    const loads = fake.calls.filter((c) => c.method === 'runs.table').length
    for (const cb of fake.listeners['run.progress']) cb({ runId: 'run-0', fraction: 0.65, step: 65, totalSteps: 100, etaSeconds: 3, message: '', samplesPerSecond: null })
    await flushPromises()
    expect(bar().attributes('aria-valuenow')).toBe('65')
    expect(fake.calls.filter((c) => c.method === 'runs.table').length).toBe(loads)
  })
})

describe('runs table: 5 000 runs', () => {
  it('renders only a window of rows, and the window follows the scroll position', async () => {
    await mountView(makeTable(5000))
    expect(wrapper.get('[data-testid="runs-count"]').text()).toBe('5000 runs')
    const first = wrapper.findAll('[data-run-id]')
    expect(first.length).toBeGreaterThan(5)
    expect(first.length).toBeLessThan(40)
    expect(first[0].attributes('data-run-id')).toBe('run-0')

    const scroller = wrapper.get('[data-testid="runs-scroll"]').element as HTMLElement
    scroller.scrollTop = 2500 * 34
    scroller.dispatchEvent(new Event('scroll'))
    await flushPromises()
    const indexes = wrapper.findAll('[data-run-id]').map((r) => Number(r.attributes('data-index')))
    expect(indexes.length).toBeLessThan(40)
    expect(Math.min(...indexes)).toBeGreaterThan(2480)
    expect(Math.max(...indexes)).toBeLessThan(2530)
  })
})

describe('runs table: export and import', () => {
  it('in a browser, exports a run from its row menu as a download the engine streams (GET /export/run), not one message', async () => {
    await mountView(makeTable(3))
    const clicked: { href: string; download: string }[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href')!, download: this.download })
    })
    await wrapper.get('[data-run-id="run-1"] [data-testid="row-menu"]').trigger('click')
    document.querySelector<HTMLButtonElement>('[data-testid="row-export"]')!.click()
    await flushPromises()
    // the engine names the file (Content-Disposition); the page only starts the download
    expect(clicked).toEqual([{ href: '/export/run?id=run-1', download: '' }])
    expect(fake.calls.some((c) => c.method === 'runs.export')).toBe(false)
    expect(document.querySelector('[data-testid="run-menu"]')).toBeNull()
  })

  it('in the desktop app, exports a run from its row menu as <name>.json holding the engine’s document', async () => {
    const { lab } = await import('../../src-renderer/api/client')
    ;(lab as { transport: string }).transport = 'ipc'
    onTestFinished(() => void ((lab as { transport: string }).transport = 'websocket'))
    await mountView(makeTable(3))
    const doc = { format: 'phenomenology-lab/run', version: 1, exportedAt: 1, run: { ...makeRun(1), name: 'run 1/a' }, scalars: {}, series: [], artifacts: [] }
    fake.handlers['runs.export'] = ({ id }: { id: string }) => (id === 'run-1' ? doc : null)
    const blobs: Blob[] = []
    const createUrl = vi.fn((b: Blob) => (blobs.push(b), 'blob:fake'))
    Object.assign(URL, { createObjectURL: createUrl, revokeObjectURL: () => {} })
    const saved: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download)
    })

    await wrapper.get('[data-run-id="run-1"] [data-testid="row-menu"]').trigger('click')
    const item = document.querySelector<HTMLButtonElement>('[data-testid="row-export"]')!
    item.click()
    await flushPromises()
    expect(saved).toEqual(['run_1_a.json'])
    expect(JSON.parse(await blobs[0].text())).toEqual(doc)
    expect(document.querySelector('[data-testid="run-menu"]')).toBeNull()
  })

  it('uploads a chosen file and imports it by the uploaded path; a refused file shows a readable error', async () => {
    await mountView(makeTable(2))
    fake.handlers['runs.import'] = ({ path }: { path: string }) => {
      if (path.endsWith('bad.json')) throw new Error('not a run export: format must be phenomenology-lab/run')
      table.runs.push(makeRun(7, { name: 'imported one' }))
      return structuredClone(table.runs.at(-1))
    }
    const input = wrapper.get('[data-testid="import-run-file"]')
    const choose = async (name: string) => {
      Object.defineProperty(input.element, 'files', { configurable: true, value: [new File(['{}'], name, { type: 'application/json' })] })
      await input.trigger('change')
      await flushPromises()
      await flushPromises()
    }
    await choose('good.json')
    expect(fake.calls.find((c) => c.method === 'runs.import')?.params).toEqual({ path: '/uploads/good.json' })
    expect(wrapper.text()).toContain('Imported “imported one”')
    expect(shownIds()).toContain('run-7')

    await choose('bad.json')
    expect(wrapper.get('[data-testid="runs-error"]').text()).toContain('Import failed: not a run export')
  })
})

describe('runs table: layout and formats', () => {
  it('fits its default columns beside the navigation at a 1 400 px window, so the row menu covers no data', async () => {
    await mountView(makeTable(3))
    // 1 400 px less the navigation (170), the content padding (2 × 22) and the table border (2). Before, the
    // default columns needed 1 472 px and the sticky row menu sat over the learning-rate column.
    const available = 1400 - 170 - 44 - 2
    const head = wrapper.get('[data-testid="runs-scroll"] [role="row"]').element as HTMLElement
    expect(parseFloat(head.style.minWidth)).toBeLessThanOrEqual(available)
    expect(wrapper.findAll('[data-testid="runs-scroll"] [role="columnheader"]').length).toBe(2 + 10) // select, 10 default columns, menu
  })

  it('shows accuracy in the same percentage format as every other view, and dates in one fixed form', async () => {
    await mountView(makeTable(3))
    const row = wrapper.get('[data-run-id="run-1"]')
    const cells = row.findAll('[role="cell"]').map((c) => c.text())
    const header = wrapper.findAll('[data-testid="runs-scroll"] [role="columnheader"]').map((h) => h.attributes('title') ?? '')
    const at = (title: string) => cells[header.findIndex((t) => t.startsWith(title))]
    const acc = accuracy(1)
    expect(at('test/accuracy, final')).toBe(`${(acc[2] * 100).toFixed(2)} %`)
    // The default best column is validation's: a best chosen on test would flatter the test figure.
    expect(header.some((t) => t.startsWith('test/accuracy, best'))).toBe(false)
    expect(at('val/accuracy, best')).toBe(`${(Math.max(...accuracy(2)) * 100).toFixed(2)} %`)
    expect(at('test/loss, final')).toBe(String(Number((0.4 + 1 / 200).toFixed(4))))
    expect(at('Created')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
  })
})
