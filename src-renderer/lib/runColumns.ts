/**
 * The runs table's columns: what each shows, how a row's values are extracted (once per table load, so
 * sorting and filtering 5 000 rows never re-flattens a config), and how rows sort.
 */
import { flattenConfig, metricDirection } from '../../src-shared/compare/config'
import type { FilterRow } from '../../src-shared/compare/filter'
import { formatDateTime, formatDuration, formatMetric, formatMetricValue } from '../../src-shared/format'
import type { MetricStats, Run, RunTable } from '../../src-shared/records'

export type CellValue = string | number | boolean | null | undefined

export type MetricStat = 'final' | 'best' | 'bestStep' | 'min' | 'max'
export const METRIC_STATS: { stat: MetricStat; label: string }[] = [
  { stat: 'final', label: 'final' },
  { stat: 'best', label: 'best' },
  { stat: 'bestStep', label: 'step of best' },
  { stat: 'min', label: 'min' },
  { stat: 'max', label: 'max' }
]

/** The filter language's name for a metric statistic: `<key>` is the final value, else `<stat>.<key>`. */
export function metricField(stat: MetricStat, key: string): string {
  return stat === 'final' ? key : `${stat}.${key}`
}

function statValue(s: MetricStats, stat: MetricStat, key: string): number {
  const best = metricDirection(key) === 'min'
  switch (stat) {
    case 'final':
      return s.last
    case 'best':
      return best ? s.min : s.max
    case 'bestStep':
      return best ? s.minStep : s.maxStep
    case 'min':
      return s.min
    case 'max':
      return s.max
  }
}

/** One run as the table sees it, computed once per load (or when that run changes). */
export interface TableRow {
  run: Run
  /** What the filter tests; `fields` also feeds the config and metric columns. */
  filter: FilterRow
  sweepName: string
  /** Seconds, or null before it started. */
  duration: number | null
}

export function buildRow(run: Run, stats: Record<string, MetricStats> | undefined, sweepName: string): TableRow {
  const fields: FilterRow['fields'] = { ...flattenConfig(run.config ?? {}) }
  for (const [key, s] of Object.entries(stats ?? {})) {
    for (const { stat } of METRIC_STATS) fields[metricField(stat, key)] = statValue(s, stat, key)
  }
  return {
    run,
    sweepName,
    duration: run.startedAt ? ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000 : null,
    filter: { name: run.name, studyId: run.studyId, status: run.status, tags: run.tags, notes: run.notes, sweep: sweepName, starred: run.starred, archived: run.archived, fields }
  }
}

/** Rows are cached per Run object: after an update of one run, only that run's row is rebuilt. */
export interface RowCache {
  rows: WeakMap<Run, { row: TableRow; stats: Record<string, MetricStats> | undefined }>
}
export const newRowCache = (): RowCache => ({ rows: new WeakMap() })

export interface BuiltTable {
  rows: TableRow[]
  /** Every config path seen in any run, sorted. */
  configFields: string[]
  /** Every scalar key with stats in any run, sorted. */
  metricKeys: string[]
  /** What the filter can resolve: config paths and every metric field. */
  knownFields: string[]
}

export function buildTable(runs: readonly Run[], metrics: RunTable['metrics'], sweepName: (id: string | null) => string, cache: RowCache): BuiltTable {
  const configFields = new Set<string>()
  const metricKeys = new Set<string>()
  const rows = runs.map((run) => {
    const stats = metrics[run.id]
    const sweep = sweepName(run.sweepId)
    const hit = cache.rows.get(run)
    const row = hit && hit.stats === stats && hit.row.sweepName === sweep ? hit.row : buildRow(run, stats, sweep)
    cache.rows.set(run, { row, stats })
    for (const k of Object.keys(stats ?? {})) metricKeys.add(k)
    return row
  })
  for (const row of rows) for (const f of Object.keys(row.filter.fields)) configFields.add(f)
  const keys = [...metricKeys].sort()
  const metricFieldNames = new Set(keys.flatMap((k) => METRIC_STATS.map((m) => metricField(m.stat, k))))
  const config = [...configFields].filter((f) => !metricFieldNames.has(f)).sort()
  return { rows, configFields: config, metricKeys: keys, knownFields: [...config, ...metricFieldNames] }
}

// ---- columns -------------------------------------------------------------------------------------------

export type BuiltinId = 'star' | 'name' | 'study' | 'status' | 'tags' | 'sweep' | 'backend' | 'duration' | 'created'

export interface ColumnDef {
  /** `star`, `name`, …; `config:<path>`; `metric:<stat>:<key>`. Persisted in localStorage. */
  id: string
  kind: 'builtin' | 'config' | 'metric'
  label: string
  /** A second header line (a metric's statistic). */
  sub?: string
  title: string
  numeric: boolean
  /** Pixels; every row uses the same grid, so columns do not jump while scrolling. */
  width: number
  /** The value sorted by (and shown, unless the table renders the cell specially). */
  value(row: TableRow): CellValue
  /** The text shown. */
  text(row: TableRow): string
}

/**
 * Widths (px) sized to their content, so the default columns (DEFAULT_COLUMNS) with the select and row-menu
 * columns fit the table at a 1 400 px window (≈ 1 180 px beside the navigation) and the sticky row menu never
 * sits over a data column there. The name column takes whatever width is left.
 */
const BUILTINS: Record<BuiltinId, Omit<ColumnDef, 'id' | 'kind' | 'title' | 'text'> & { text?: ColumnDef['text'] }> = {
  star: { label: '★', numeric: false, width: 34, value: (r) => r.run.starred },
  name: { label: 'Name', numeric: false, width: 160, value: (r) => r.run.name },
  study: { label: 'Study', numeric: false, width: 90, value: (r) => r.run.studyId },
  status: { label: 'Status', numeric: false, width: 104, value: (r) => r.run.status },
  tags: { label: 'Tags', numeric: false, width: 110, value: (r) => r.run.tags.join(', ') || undefined },
  sweep: { label: 'Sweep', numeric: false, width: 120, value: (r) => r.sweepName || undefined },
  backend: { label: 'Backend', numeric: false, width: 80, value: (r) => r.run.backend ?? undefined },
  duration: { label: 'Duration', numeric: true, width: 90, value: (r) => r.duration, text: (r) => formatDuration(r.duration) },
  created: { label: 'Created', numeric: true, width: 146, value: (r) => r.run.createdAt, text: (r) => formatDateTime(r.run.createdAt) }
}

/** Select-box and row-menu columns either side of the data columns (RunsTable draws them). */
export const SELECT_WIDTH = 34
export const MENU_WIDTH = 44

/** The narrowest the table can be with these columns (the name column at its minimum). */
export function tableMinWidth(columns: readonly Pick<ColumnDef, 'width'>[]): number {
  return SELECT_WIDTH + MENU_WIDTH + columns.reduce((n, c) => n + c.width, 0)
}
export const BUILTIN_IDS = Object.keys(BUILTINS) as BuiltinId[]

export const DEFAULT_COLUMNS = [
  'star',
  'name',
  'study',
  'status',
  'tags',
  'metric:final:test/accuracy',
  // Best on validation, never on test: choosing the best epoch by its test accuracy would report an optimistic
  // test figure (a test column's best is still one click away in the column chooser).
  'metric:best:val/accuracy',
  'metric:final:test/loss',
  'config:optimizer.learningRate',
  'created'
]

export const configColumnId = (path: string) => `config:${path}`
export const metricColumnId = (stat: MetricStat, key: string) => `metric:${stat}:${key}`

function plainText(v: CellValue): string {
  if (v == null || v === '') return '—'
  if (typeof v === 'number') return formatMetric(v)
  return String(v)
}

/** The column for an id, or null for an id that is not a column (e.g. a stale localStorage entry). */
export function columnFor(id: string): ColumnDef | null {
  if (id in BUILTINS) {
    const b = BUILTINS[id as BuiltinId]
    return { id, kind: 'builtin', title: b.label === '★' ? 'Starred' : b.label, text: (r) => plainText(b.value(r)), ...b }
  }
  if (id.startsWith('config:') && id.length > 7) {
    const path = id.slice(7)
    const v = (r: TableRow) => r.filter.fields[path]
    return { id, kind: 'config', label: path, title: `config ${path}`, numeric: false, width: 110, value: v, text: (r) => plainText(v(r)) }
  }
  const m = /^metric:(final|best|bestStep|min|max):(.+)$/.exec(id)
  if (m) {
    const stat = m[1] as MetricStat
    const key = m[2]
    const field = metricField(stat, key)
    const v = (r: TableRow) => r.filter.fields[field]
    // The metric's own format (accuracy as "99.90 %", as everywhere else); the step of the best is a step.
    const text = (r: TableRow) => {
      const x = v(r)
      if (typeof x !== 'number') return plainText(x)
      return stat === 'bestStep' ? String(x) : formatMetricValue(key, x)
    }
    const statLabel = METRIC_STATS.find((s) => s.stat === stat)!.label
    return { id, kind: 'metric', label: key, sub: statLabel, title: `${key}, ${statLabel} (filter field ${field})`, numeric: true, width: 100, value: v, text }
  }
  return null
}

export function columnsFor(ids: readonly string[]): ColumnDef[] {
  return ids.map(columnFor).filter((c): c is ColumnDef => c !== null)
}

// ---- sorting -------------------------------------------------------------------------------------------

export interface SortState {
  column: string
  dir: 'asc' | 'desc'
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
const missing = (v: CellValue) => v == null || v === '' || (typeof v === 'number' && Number.isNaN(v))

/** Ascending order of two present values: numbers numerically and before text; booleans as 0/1. */
function compareValues(a: CellValue, b: CellValue): number {
  const na = typeof a === 'boolean' ? Number(a) : a
  const nb = typeof b === 'boolean' ? Number(b) : b
  if (typeof na === 'number' && typeof nb === 'number') return na - nb
  if (typeof na === 'number') return -1
  if (typeof nb === 'number') return 1
  return collator.compare(String(na), String(nb))
}

/** A sorted copy; missing values go last in both directions; ties keep the incoming order. */
export function sortRows(rows: readonly TableRow[], column: ColumnDef, dir: 'asc' | 'desc'): TableRow[] {
  const sign = dir === 'asc' ? 1 : -1
  const keyed = rows.map((row, i) => ({ row, i, v: column.value(row) }))
  keyed.sort((a, b) => {
    const ma = missing(a.v)
    const mb = missing(b.v)
    if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1
    return sign * compareValues(a.v, b.v) || a.i - b.i
  })
  return keyed.map((k) => k.row)
}

// ---- persistence ---------------------------------------------------------------------------------------

const COLUMNS_KEY = 'lab.runs.columns'

/** The chosen column ids from localStorage, or the defaults when none (or something unreadable) is stored. */
export function loadColumnIds(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string[] {
  try {
    const v: unknown = JSON.parse(storage?.getItem(COLUMNS_KEY) ?? 'null')
    if (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length) return v.filter((id) => columnFor(id) !== null)
  } catch {
    // unreadable: fall back to the defaults
  }
  return [...DEFAULT_COLUMNS]
}

export function saveColumnIds(ids: readonly string[], storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(COLUMNS_KEY, JSON.stringify(ids))
  } catch {
    // storage full or disabled: the choice lasts for this session only
  }
}
