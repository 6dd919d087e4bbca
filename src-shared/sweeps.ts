/**
 * Sweeps: grid or random search over config fields plus N seeds, as one launch. Pure (no Node, no DOM):
 * the spec schema, the expansion of a spec into the full configs of its runs (each validated by the
 * study), run names that say their values, and the aggregate progress of a sweep's runs.
 */
import { z } from 'zod'
import type { Run, RunStatus } from './records'
import { createRng } from './rng'
import { ownValue, pathProblem } from './jsonGuard'

const id = z.string().min(1).max(100)
/** A dotted config path; array indices are numbers (`network.layers.0.units`), `*` means every element. */
const path = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_*]+(\.[A-Za-z0-9_*]+)*$/, 'a dotted config path, e.g. optimizer.learningRate or network.layers.0.units')
  .superRefine((p, ctx) => {
    const why = pathProblem(p)
    if (why) ctx.addIssue({ code: 'custom', message: why })
  })
const scalar = z.union([z.number(), z.string().max(200), z.boolean()])

export const sweepValuesParamSchema = z.strictObject({
  path,
  values: z.array(scalar).min(1).max(1000),
  /** Short name in run names (default: derived from the path, `learningRate` → `lr`). */
  label: z.string().min(1).max(40).optional()
})

export const sweepRangeParamSchema = z
  .strictObject({
    path,
    min: z.number().finite(),
    max: z.number().finite(),
    /** Sample (random) or space (grid) on a log scale; min and max must then be > 0. */
    log: z.boolean().optional(),
    /** Round to integers. */
    int: z.boolean().optional(),
    /** Grid mode: how many points from min to max (inclusive). Random mode ignores it. */
    count: z.number().int().min(1).max(1000).optional(),
    label: z.string().min(1).max(40).optional()
  })
  .superRefine((p, ctx) => {
    if (p.max < p.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${p.max}) is below min (${p.min})` })
    if (p.log && p.min <= 0) ctx.addIssue({ code: 'custom', path: ['min'], message: 'a log range needs min > 0' })
  })

export const sweepParamSchema = z.union([sweepValuesParamSchema, sweepRangeParamSchema])
export type SweepParam = z.infer<typeof sweepParamSchema>

export const sweepBaseSchema = z.union([
  id,
  z.strictObject({ experimentId: id }),
  z.strictObject({ study: id, config: z.unknown() })
])

export const MAX_SWEEP_RUNS = 1000

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    /** An experiment id (its current config), or an inline `{ study, config }` (missing fields take the study defaults). */
    base: sweepBaseSchema,
    mode: z.enum(['grid', 'random']).default('grid'),
    params: z.array(sweepParamSchema).max(32).default([]),
    /** Random mode: how many parameter samples (each run once per seed). */
    samples: z.number().int().min(1).max(MAX_SWEEP_RUNS).optional(),
    /** Seed of the random sampling itself (default 0): the same spec gives the same runs. */
    sampleSeed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** N (seeds 0 … N−1) or the list of seeds; the config field `seed`. Default: the base config's seed. */
    seeds: z.union([z.number().int().min(1).max(MAX_SWEEP_RUNS), z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(MAX_SWEEP_RUNS)]).optional(),
    /** How many of the sweep's runs train at once — the sweep's own choice; default: Settings → runs in parallel. */
    concurrency: z.number().int().min(1).max(16).optional()
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'random' && s.samples === undefined) ctx.addIssue({ code: 'custom', path: ['samples'], message: 'random mode needs samples (how many parameter draws)' })
    const seen = new Set<string>()
    s.params.forEach((p, i) => {
      if (seen.has(p.path)) ctx.addIssue({ code: 'custom', path: ['params', i, 'path'], message: `${p.path} is swept twice` })
      seen.add(p.path)
      if (p.path === 'seed' && s.seeds !== undefined) ctx.addIssue({ code: 'custom', path: ['params', i, 'path'], message: 'seed is swept by `seeds`; do not also list it in params' })
      if (s.mode === 'grid' && !('values' in p) && p.count === undefined) {
        ctx.addIssue({ code: 'custom', path: ['params', i, 'count'], message: 'a range in grid mode needs count (how many points from min to max)' })
      }
    })
  })

export type SweepSpecInput = z.input<typeof sweepSpecSchema>
export type SweepSpec = z.output<typeof sweepSpecSchema>

/** One run of an expanded sweep. */
export interface SweepCell {
  /** Position in the expansion (stable: retries of a cell keep it). */
  index: number
  /** The swept values by path (plus `seed` when seeds are swept). */
  values: Record<string, unknown>
  seed: number
  name: string
  config: unknown
}

export interface SweepProblem {
  /** Where in the spec (e.g. `params.0.path`) or, for an invalid combination, the config field. */
  path: string
  message: string
}

export type Validate = (config: unknown) => { ok: true; config: any } | { ok: false; problems: { path: string; message: string }[] }

// ------------------------------------------------------------------------------------------------ paths

const segments = (p: string) => p.split('.')

/** Own fields only: a path never reads or writes through a prototype (`constructor`, `__proto__`, `toString`). */
const hasField = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key)

/** The value at a dotted path (`*` not allowed here), or undefined. */
export function getPath(obj: unknown, p: string): unknown {
  let cur: any = obj
  for (const s of segments(p)) {
    if (cur == null || typeof cur !== 'object') return undefined
    if (Array.isArray(cur)) cur = /^\d+$/.test(s) ? cur[Number(s)] : undefined
    else cur = hasField(cur, s) ? cur[s] : undefined
  }
  return cur
}

/** Why `p` cannot be set in `obj` (an intermediate field missing, an index out of range), or null. */
export function checkPath(obj: unknown, p: string): string | null {
  const unsafe = pathProblem(p)
  if (unsafe) return unsafe
  const walk = (cur: any, segs: string[], done: string[]): string | null => {
    const [s, ...rest] = segs
    const here = [...done, s].join('.')
    if (cur == null || typeof cur !== 'object') return `${done.join('.') || '(config)'} is not an object or a list`
    if (Array.isArray(cur)) {
      if (s === '*') {
        if (!cur.length) return `${done.join('.')} is an empty list`
        for (const el of cur) {
          const e = rest.length ? walk(el, rest, [...done, '*']) : null
          if (e) return e
        }
        return null
      }
      if (!/^\d+$/.test(s)) return `${done.join('.')} is a list: use an index (0 … ${cur.length - 1}) or *`
      if (Number(s) >= cur.length) return `${here}: index out of range (${done.join('.')} has ${cur.length} element${cur.length === 1 ? '' : 's'})`
      return rest.length ? walk(cur[Number(s)], rest, [...done, s]) : null
    }
    if (s === '*') return `${done.join('.') || '(config)'} is not a list`
    if (!rest.length) return null // a leaf may be absent (an optional field); the study schema judges it
    if (!hasField(cur, s)) return `${here}: no such field`
    return walk(cur[s], rest, [...done, s])
  }
  return walk(obj, segments(p), [])
}

/** Set a dotted path in place (`*` sets every element of a list); a path checkPath refuses is refused here too. */
export function setPath(obj: any, p: string, value: unknown): void {
  const unsafe = pathProblem(p)
  if (unsafe) throw new Error(`${p}: ${unsafe}`)
  const set = (cur: any, segs: string[]) => {
    const [s, ...rest] = segs
    const keys = s === '*' ? cur.map((_: unknown, i: number) => i) : [Array.isArray(cur) ? Number(s) : s]
    for (const k of keys) {
      if (rest.length) set(cur[k], rest)
      else cur[k] = value
    }
  }
  set(obj, segments(p))
}

// ------------------------------------------------------------------------------------------------ names

const ABBREVIATIONS: Record<string, string> = { learningRate: 'lr', batchSize: 'batch', momentum: 'mom', testFraction: 'test', epochs: 'epochs', units: 'units' }

/** Short labels for the params' paths: the last field (abbreviated), longer where two would collide. */
export function paramLabels(params: { path: string; label?: string }[]): string[] {
  const short = (p: string, n: number) => {
    const segs = segments(p).filter((s) => s !== '*')
    const tail = segs.slice(-n)
    if (n === 1) return ownValue(ABBREVIATIONS, tail[0]) ?? tail[0]
    return tail.join('.')
  }
  const labels = params.map((p) => p.label ?? short(p.path, 1))
  for (let n = 2; n <= 8; n++) {
    const dup = labels.map((l, i) => labels.indexOf(l) !== i || labels.lastIndexOf(l) !== i)
    if (!dup.some(Boolean)) break
    labels.forEach((_, i) => {
      if (dup[i] && !params[i].label) labels[i] = short(params[i].path, n)
    })
  }
  return labels
}

/** A value as it reads in a run name: numbers compact (3 significant digits for random draws). */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v)
    const a = Math.abs(v)
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2).replace(/\.?0+e/, 'e')
    return String(Number(v.toPrecision(3)))
  }
  return String(v)
}

/**
 * A sweep run's name: its experiment, then its values (`Spirals · lr=0.01 seed=2`), so it reads on its own
 * in the runs table beside other experiments' sweeps.
 */
export function sweepRunName(experimentName: string, cell: string): string {
  return `${experimentName} · ${cell}`.slice(0, 200)
}

export function cellName(labels: string[], values: unknown[], seed: number | null): string {
  const parts = labels.map((l, i) => `${l}=${formatValue(values[i])}`)
  if (seed !== null) parts.push(`seed=${seed}`)
  return parts.join(' ') || 'base'
}

// -------------------------------------------------------------------------------------------- expansion

function linspace(p: { min: number; max: number; count?: number; log?: boolean; int?: boolean }): number[] {
  const n = p.count ?? 1
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : i / (n - 1)
    let v = p.log ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))) : p.min + t * (p.max - p.min)
    if (p.int) v = Math.round(v)
    else v = Number(v.toPrecision(6))
    if (!out.includes(v)) out.push(v)
  }
  return out
}

function draw(p: SweepParam, rng: ReturnType<typeof createRng>): unknown {
  if ('values' in p) return p.values[rng.int(p.values.length)]
  if (p.int) {
    const lo = Math.ceil(p.min)
    const hi = Math.floor(p.max)
    if (p.log) return Math.min(hi, Math.max(lo, Math.round(Math.exp(rng.uniform(Math.log(Math.max(lo - 0.5, lo / 2)), Math.log(hi + 0.5))))))
    return lo + rng.int(hi - lo + 1)
  }
  const v = p.log ? Math.exp(rng.uniform(Math.log(p.min), Math.log(p.max))) : rng.uniform(p.min, p.max)
  return Math.min(p.max, Math.max(p.min, v))
}

/** The seeds a spec runs: the list, 0 … N−1, or null (keep the base config's seed). */
export function sweepSeeds(spec: Pick<SweepSpec, 'seeds'>): number[] | null {
  if (spec.seeds === undefined) return null
  return Array.isArray(spec.seeds) ? [...new Set(spec.seeds)] : Array.from({ length: spec.seeds }, (_, i) => i)
}

/** How many runs a spec makes (without building them); 0 when it cannot expand. */
export function countSweepRuns(spec: SweepSpec): number {
  const seeds = sweepSeeds(spec)?.length ?? 1
  if (spec.mode === 'random') return (spec.samples ?? 0) * seeds
  return spec.params.reduce((n, p) => n * ('values' in p ? p.values.length : linspace(p).length), 1) * seeds
}

/**
 * Expand a parsed spec over a complete base config into the configs of its runs, each validated by the
 * study (`validate`). Every problem is reported — a bad path with its `params.i.path`, an invalid
 * combination with the run it would have been and the config field — and then no run is returned.
 */
export function expandSweep(spec: SweepSpec, base: unknown, validate: Validate): { ok: true; cells: SweepCell[] } | { ok: false; problems: SweepProblem[] } {
  const problems: SweepProblem[] = []
  spec.params.forEach((p, i) => {
    const why = checkPath(base, p.path)
    if (why) problems.push({ path: `params.${i}.path`, message: `${p.path}: ${why}` })
  })
  if (problems.length) return { ok: false, problems }
  const total = countSweepRuns(spec)
  if (total > MAX_SWEEP_RUNS) return { ok: false, problems: [{ path: spec.mode === 'random' ? 'samples' : 'params', message: `the sweep would make ${total} runs (at most ${MAX_SWEEP_RUNS})` }] }
  if (total === 0) return { ok: false, problems: [{ path: 'params', message: 'the sweep makes no runs' }] }

  let combos: unknown[][]
  if (spec.mode === 'grid') {
    combos = [[]]
    for (const p of spec.params) {
      const vals = 'values' in p ? p.values : linspace(p)
      combos = combos.flatMap((c) => vals.map((v) => [...c, v]))
    }
  } else {
    const rng = createRng(spec.sampleSeed ?? 0)
    combos = Array.from({ length: spec.samples! }, () => spec.params.map((p) => draw(p, rng)))
  }
  const seeds = sweepSeeds(spec)
  const labels = paramLabels(spec.params)
  const cells: SweepCell[] = []
  const invalid: SweepProblem[] = []
  for (const combo of combos) {
    for (const seed of seeds ?? [null]) {
      const config = JSON.parse(JSON.stringify(base)) // configs are JSON (and may be a reactive proxy in the renderer)
      spec.params.forEach((p, i) => setPath(config, p.path, combo[i]))
      if (seed !== null) config.seed = seed
      const name = cellName(labels, combo, seed)
      const v = validate(config)
      if (!v.ok) {
        // A swept leaf the study does not know (a typo) is the spec's fault: name the param, not the run.
        const unknown = spec.params.findIndex((p) => {
          const segs = segments(p.path)
          const parent = segs.slice(0, -1).join('.')
          return v.problems.some((pr) => (pr.path === parent || pr.path.replace(/\.\d+(?=\.|$)/g, '.*') === parent || (parent === '' && pr.path === '(config)')) && /unrecognized key/i.test(pr.message) && pr.message.includes(`"${segs[segs.length - 1]}"`))
        })
        if (unknown >= 0) return { ok: false, problems: [{ path: `params.${unknown}.path`, message: `${spec.params[unknown].path}: no such field in the config` }] }
        for (const pr of v.problems) {
          if (!invalid.some((x) => x.path === pr.path && x.message.endsWith(pr.message))) invalid.push({ path: pr.path, message: `run "${name}": ${pr.message}` })
        }
        continue
      }
      const values: Record<string, unknown> = {}
      spec.params.forEach((p, i) => (values[p.path] = combo[i]))
      if (seed !== null) values.seed = seed
      cells.push({ index: cells.length, values, seed: typeof v.config?.seed === 'number' ? v.config.seed : (seed ?? 0), name, config: v.config })
    }
  }
  if (invalid.length) return { ok: false, problems: invalid }
  return { ok: true, cells }
}

/** Parse and report a spec's schema problems as `path: message` (paths like `params.0.min`). */
export function parseSweepSpec(input: unknown): { ok: true; spec: SweepSpec } | { ok: false; problems: SweepProblem[] } {
  const r = sweepSpecSchema.safeParse(input)
  if (r.success) return { ok: true, spec: r.data }
  return { ok: false, problems: r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(spec)', message: i.message })) }
}

export const formatProblems = (ps: SweepProblem[]) => ps.map((p) => `${p.path}: ${p.message}`).join('; ')

// ---------------------------------------------------------------------------------------------- records

export interface SweepProgress {
  total: number
  counts: Record<RunStatus, number>
  /** Finished runs count whole, running ones by their progress. */
  fraction: number
  etaSeconds: number | null
  /** True once nothing is queued or running. */
  done: boolean
}

export interface Sweep {
  id: string
  name: string
  experimentId: string | null
  studyId: string
  spec: SweepSpec
  /** The swept paths in order (the columns of the results table), plus `seed` when seeds are swept. */
  columns: string[]
  createdAt: number
  progress: SweepProgress
}

/** One cell of a sweep: its latest run (a retry replaces a failed attempt) and how many attempts it took. */
export interface SweepRunRow {
  index: number
  values: Record<string, unknown>
  attempts: number
  run: Omit<Run, 'config'>
}

export interface SweepDetail extends Sweep {
  runs: SweepRunRow[]
}

const RETRYABLE: RunStatus[] = ['failed', 'interrupted', 'cancelled']
export const isRetryable = (s: RunStatus) => RETRYABLE.includes(s)

/** Aggregate progress of a sweep's current runs (one per cell); `now` for the ETA. */
export function sweepProgress(runs: Pick<Run, 'status' | 'progress' | 'startedAt' | 'finishedAt'>[], now = Date.now()): SweepProgress {
  const counts: Record<RunStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0 }
  let work = 0
  let first: number | null = null
  for (const r of runs) {
    counts[r.status]++
    work += r.status === 'running' ? Math.max(0, Math.min(1, r.progress)) : r.status === 'queued' ? 0 : 1
    if (r.startedAt && (first === null || r.startedAt < first)) first = r.startedAt
  }
  const total = runs.length
  const fraction = total ? work / total : 0
  const done = counts.queued + counts.running === 0
  let etaSeconds: number | null = null
  if (!done && first !== null && fraction > 0.005) etaSeconds = ((now - first) / 1000) * (1 - fraction) / fraction
  return { total, counts, fraction, etaSeconds: done ? 0 : etaSeconds, done }
}

/** The paths the results table shows for a spec. */
export function sweepColumns(spec: SweepSpec): string[] {
  return [...spec.params.map((p) => p.path), ...(spec.seeds !== undefined ? ['seed'] : [])]
}
