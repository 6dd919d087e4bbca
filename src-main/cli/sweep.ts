/**
 * `npm run lab -- sweep <sweep.json> [--concurrency N] [--json]`: expand a sweep spec, queue its runs in
 * this process, show runs done / total with an ETA on stderr, and (--json) print one object with the
 * sweep id and every run (runId, name, values, status, summary). Ctrl-C cancels the sweep.
 */
import { readFileSync } from 'node:fs'
import { LabError } from '../../src-shared/contract'
import { formatDuration, formatMetricValue } from '../../src-shared/format'
import { STUDY_LIST, findStudy } from '../../src-shared/studies'
import { parseSweepSpec, formatProblems, type SweepDetail } from '../../src-shared/sweeps'
import type { Lab } from '../engine/lab'
import { BUILTIN_MNIST_ID } from '../engine/datasets/builtin'

export class SweepUsageError extends Error {}

export const SWEEP_USAGE = `  sweep <sweep.json> [--concurrency N]   run a sweep headless (grid/random over config fields × seeds);
                                 N (or the file's "concurrency") runs train at once`

/** Read a sweep file; a schema problem is named by its field (e.g. `params.0.min`). */
export function loadSweepFile(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new SweepUsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SweepUsageError(`${path} is not valid JSON: ${(err as Error).message}`)
  }
  const parsed = parseSweepSpec(json)
  if (!parsed.ok) throw new SweepUsageError(`invalid sweep: ${formatProblems(parsed.problems)}`)
  const b = parsed.spec.base
  if (typeof b === 'object' && 'study' in b && !findStudy(b.study)) throw new SweepUsageError(`invalid sweep: base.study: unknown study "${b.study}"; available: ${STUDY_LIST.map((s) => s.id).join(', ')}`)
  return json
}

export function sweepRunsJson(d: SweepDetail) {
  return d.runs.map((r) => ({
    runId: r.run.id,
    name: r.run.name,
    values: r.values,
    status: r.run.status,
    attempts: r.attempts,
    wallSeconds: r.run.summary?.wallSeconds ?? (r.run.startedAt && r.run.finishedAt ? (r.run.finishedAt - r.run.startedAt) / 1000 : null),
    summary: r.run.summary,
    error: r.run.error
  }))
}

function progressText(d: SweepDetail): string {
  const p = d.progress
  const c = p.counts
  const done = c.completed + c.failed + c.cancelled + c.interrupted
  const extra = [c.running ? `${c.running} running` : '', c.failed ? `${c.failed} failed` : '', c.cancelled ? `${c.cancelled} cancelled` : ''].filter(Boolean).join(', ')
  return `sweep ${done}/${p.total} runs done  ${(p.fraction * 100).toFixed(0).padStart(3)}%  ETA ${formatDuration(p.etaSeconds)}${extra ? `  (${extra})` : ''}`
}

export async function commandSweep(lab: Lab, file: string | undefined, opts: { json: boolean; concurrency?: number }): Promise<number> {
  if (!file) throw new SweepUsageError('sweep needs a sweep file (see examples/two-spirals-sweep.json)')
  const spec = loadSweepFile(file) as any
  // --concurrency is this sweep's runs in parallel (over the file's "concurrency").
  if (opts.concurrency !== undefined) spec.concurrency = opts.concurrency
  const cfg = typeof spec.base === 'object' && spec.base && 'config' in spec.base ? spec.base.config : null
  if (cfg?.dataset?.datasetId === BUILTIN_MNIST_ID) {
    const b = lab.ensureBuiltins()
    if (b) await lab.datasetJobs.wait(b.jobId)
  }
  let sweep: SweepDetail
  try {
    sweep = await lab.call('sweeps.create', spec)
  } catch (err) {
    if (err instanceof LabError && (err.code === 'bad-request' || err.code === 'not-found')) throw new SweepUsageError(err.message.replace(/^invalid params for sweeps\.create: /, 'invalid sweep: '))
    throw err
  }
  const tty = process.stderr.isTTY
  const cols = () => Math.max(40, (process.stderr.columns ?? 100) - 1)
  process.stderr.write(`sweep ${sweep.id}: ${sweep.name}, ${sweep.runs.length} runs, ${sweep.spec.concurrency ?? lab.queue.concurrency} at a time\n`)
  let last = ''
  let lastAt = 0
  const show = (force = false) => {
    const text = progressText(lab.sweeps.get(sweep.id))
    if (tty) process.stderr.write(`\r${text.slice(0, cols()).padEnd(cols())}`)
    else if (text !== last && (force || Date.now() - lastAt > 2000 || !text.includes('running'))) {
      // Without a terminal: a line whenever a run finishes (and at most every 2 s while they train).
      process.stderr.write(`${text}\n`)
      lastAt = Date.now()
    }
    last = text
  }
  let pending: NodeJS.Timeout | null = null
  const off = lab.on((event, payload: any) => {
    if (event === 'run.status' && lab.store.sweeps.sweepOf(payload.runId) === sweep.id) show(payload.status !== 'running')
    else if (event === 'run.progress' && tty && !pending) pending = setTimeout(() => ((pending = null), show()), 250)
  })
  const onSigint = () => {
    process.stderr.write('\ncancelling the sweep…\n')
    lab.sweeps.cancel(sweep.id)
  }
  process.on('SIGINT', onSigint)
  await lab.queue.idle()
  process.off('SIGINT', onSigint)
  off()
  if (pending) clearTimeout(pending)
  show(true)
  if (tty) process.stderr.write('\n')
  const done = lab.sweeps.get(sweep.id)
  if (opts.json) {
    console.log(JSON.stringify({ sweepId: done.id, name: done.name, experimentId: done.experimentId, columns: done.columns, progress: done.progress, runs: sweepRunsJson(done) }))
  } else {
    console.log(`sweep ${done.id}  ${done.name}`)
    for (const r of sweepRunsJson(done)) {
      console.log(`  ${r.status.padEnd(10)} ${formatMetricValue('test/accuracy', r.summary?.final['test/accuracy'])}  ${formatDuration(r.wallSeconds).padEnd(9)} ${r.name}${r.error ? `  (${r.error})` : ''}`)
    }
  }
  const c = done.progress.counts
  return c.completed === done.progress.total ? 0 : c.cancelled && !c.failed && !c.interrupted ? 130 : 1
}
