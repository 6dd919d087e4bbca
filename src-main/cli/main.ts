/**
 * `npm run lab -- <command>`: headless use of the same engine and store.
 *   run <config.json> | run --template <id>   [--data-dir D] [--json] [--name N]
 *   templates [--json] · studies [--json] · probes [--json] · list [--json] · show <runId> [--json]
 *   resume <runId> [--json]
 *   dataset generate|import|list|show|transform … (see dataset.ts)
 *   export <runId> [--out F] · import <file.json | folder> (see runTransfer.ts)
 */
import { readFileSync } from 'node:fs'
import { formatDuration, formatMetricValue } from '../../src-shared/format'
import type { Run } from '../../src-shared/records'
import { PROBES } from '../../src-shared/probes'
import { STUDY_LIST, completeConfig, findStudy, validateConfig } from '../../src-shared/studies'
import { GALLERY_CARDS, GALLERY_STUDIES, PRESET_IDS, findCard, isBuilt, launchCard, measuredText, notBuiltReason } from '../../src-shared/gallery'
import { parseCommandArgs, usageLinesFor } from '../args'
import { Lab } from '../engine/lab'
import { resolveDataDir } from '../engine/paths'
import { progressLine } from './progress'
import { DATASET_USAGE, commandDataset } from './dataset'
import { BUILTIN_MNIST_ID } from '../engine/datasets/builtin'
import { SWEEP_USAGE, commandSweep } from './sweep'
import { TRANSFER_USAGE, commandExport, commandImport } from './runTransfer'

class UsageError extends Error {}

const USAGE = `usage: npm run lab -- <command> [options]
  run <config.json> [--name N]   run an experiment config headless (into the same store)
  run --template <id> [--preset cpu|paper]   run a gallery card (see: templates); unbuilt studies are refused
  templates                      list every gallery card (study, figure, expected outcome, built or not)
  studies                        list the studies (id, what they do, whether they take probes)
  probes                         list the probes a training run can attach (config "probes": [{ id, every, params }])
  list                           list runs
  show <runId>                   show one run with its summary
  resume <runId>                 continue an interrupted, cancelled or failed run from its last checkpoint
${TRANSFER_USAGE}
${SWEEP_USAGE}
${DATASET_USAGE}
options: --data-dir D (default $LAB_DATA_DIR or the app's data folder), --json (machine-readable output)`

/** A config file is `{ study, name?, config }` or a bare config of the `training` study. */
export function loadConfigFile(path: string): { studyId: string; name: string | null; config: unknown } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
  let json: any
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`)
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`${path} must hold a JSON object`)
  if ('config' in json || 'study' in json) {
    return { studyId: json.study ?? 'training', name: typeof json.name === 'string' ? json.name : null, config: json.config ?? {} }
  }
  return { studyId: 'training', name: null, config: json }
}

function runJson(run: Run) {
  const s = run.summary
  return {
    runId: run.id,
    experimentId: run.experimentId,
    name: run.name,
    status: run.status,
    backend: run.backend,
    wallSeconds: s?.wallSeconds ?? (run.startedAt && run.finishedAt ? (run.finishedAt - run.startedAt) / 1000 : null),
    steps: s?.steps ?? run.steps,
    samplesPerSecond: s?.samplesPerSecond ?? null,
    summary: s,
    error: run.error
  }
}

async function commandRun(lab: Lab, file: string | undefined, opts: { template?: string; preset?: string; name?: string; json: boolean }): Promise<number> {
  let source: { studyId: string; name: string | null; config: unknown }
  if (opts.template) {
    const card = findCard(opts.template)
    if (!card) throw new UsageError(`unknown template "${opts.template}"; available: ${GALLERY_CARDS.filter(isBuilt).map((x) => x.id).join(', ')} (see: templates)`)
    const launch = launchCard(card.id, opts.preset ?? 'cpu')
    if (!launch.ok) throw new UsageError(`cannot run ${launch.reason}`)
    source = { studyId: launch.studyId, name: `${launch.title}${opts.preset === 'paper' ? ' (paper scale)' : ''}`, config: launch.config }
  } else if (file) {
    source = loadConfigFile(file)
  } else {
    throw new UsageError('run needs a config file or --template <id>')
  }
  const study = findStudy(source.studyId)
  if (!study) throw new UsageError(`unknown study "${source.studyId}"; available: ${STUDY_LIST.map((s) => s.id).join(', ')}`)
  // Missing fields take the study's defaults; a config file of an earlier format is understood.
  const v = validateConfig(source.studyId, completeConfig(source.studyId, source.config))
  if (!v.ok) throw new UsageError(`invalid config: ${v.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)

  // The built-in digits are created on first need (the GUI creates them at start; the CLI does not).
  const cfg = v.config as { datasetId?: string; dataset?: { datasetId?: string } }
  if (cfg.dataset?.datasetId === BUILTIN_MNIST_ID || cfg.datasetId === BUILTIN_MNIST_ID) {
    const b = lab.ensureBuiltins()
    if (b) await lab.datasetJobs.wait(b.jobId)
  }
  const name = opts.name ?? source.name ?? `${study.title} (CLI)`
  const experiment = await lab.call('experiments.create', { name, studyId: source.studyId, config: v.config })
  const run = lab.startRun(experiment.id)
  return follow(lab, run.id, opts.json)
}

/** Continue a stopped run from its checkpoint and follow it to the end. */
async function commandResume(lab: Lab, runId: string | undefined, json: boolean): Promise<number> {
  if (!runId) throw new UsageError('resume needs a run id (see: list)')
  let run: Run
  try {
    run = lab.resumeRun(runId)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (!json) process.stderr.write(`resuming ${run.name} from step ${run.steps}\n`)
  return follow(lab, run.id, json)
}

/** Show a queued run's progress until it ends (Ctrl-C cancels it); its result as text or JSON; the exit code. */
async function follow(lab: Lab, runId: string, json: boolean): Promise<number> {
  const opts = { json }
  const run = { id: runId }
  const tty = process.stderr.isTTY
  let lastDecile = -1
  const off = lab.on((event, payload: any) => {
    if (event !== 'run.progress' || payload.runId !== run.id) return
    if (tty) process.stderr.write(`\r${progressLine(payload, process.stderr.columns ?? 80)}`)
    else if (!opts.json && Math.floor(payload.fraction * 10) > lastDecile) {
      lastDecile = Math.floor(payload.fraction * 10)
      process.stderr.write(`${progressLine(payload, 80)}\n`)
    }
  })
  const onSigint = () => {
    process.stderr.write('\ncancelling…\n')
    lab.queue.cancel(run.id)
  }
  process.on('SIGINT', onSigint)
  await lab.queue.idle()
  process.off('SIGINT', onSigint)
  off()
  if (tty) process.stderr.write('\n')
  const done = lab.store.runs.get(run.id)!
  if (opts.json) console.log(JSON.stringify(runJson(done)))
  else printRun(done)
  return done.status === 'completed' ? 0 : done.status === 'cancelled' ? 130 : 1
}

/** Every gallery card: built ones can be run with `run --template <id> [--preset cpu|paper]`. */
function commandTemplates(json: boolean): number {
  const rows = GALLERY_CARDS.map((c) => ({
    id: c.id,
    study: c.studyId,
    title: c.title,
    source: c.source,
    figure: c.figure,
    expected: c.expected,
    built: isBuilt(c),
    reason: notBuiltReason(c),
    measured: measuredText(c.id),
    presets: Object.fromEntries(PRESET_IDS.map((p) => [p, { summary: c.presets[p].summary }]))
  }))
  if (json) {
    console.log(JSON.stringify(rows))
    return 0
  }
  for (const s of GALLERY_STUDIES) {
    const cards = rows.filter((r) => r.study === s.id)
    if (!cards.length) continue
    console.log(`${s.title} (${s.id}) — ${cards[0].built ? 'built' : 'not built yet'}`)
    for (const r of cards) console.log(`  ${r.id.padEnd(42)} ${r.built ? 'built    ' : 'not built'}  ${r.figure} — expected: ${r.expected}${r.measured ? ` (${r.measured})` : ''}`)
  }
  console.log(`\nrun one: npm run lab -- run --template <id> [--preset ${PRESET_IDS.join('|')}]`)
  return 0
}

function commandStudies(json: boolean): number {
  const rows = STUDY_LIST.map((s) => ({ id: s.id, title: s.title, summary: s.summary, source: s.source, takesProbes: !!s.trainsNetwork, templates: s.templates.map((t) => t.id) }))
  if (json) console.log(JSON.stringify(rows))
  else for (const r of rows) console.log(`${r.id.padEnd(24)} ${r.title}${r.takesProbes ? ' (takes probes)' : ''}\n${' '.repeat(25)}${r.summary}`)
  return 0
}

function commandProbes(json: boolean): number {
  const rows = PROBES.map((p) => ({
    id: p.id,
    title: p.title,
    summary: p.summary,
    source: p.source ?? null,
    every: p.defaultEvery,
    params: p.defaults,
    keys: p.outputs.flatMap((o) => (o.kind === 'scalars' ? o.keys : o.kind === 'custom' ? [...(o.keys ?? []), ...(o.seriesKey ? [o.seriesKey] : [])] : [o.key]))
  }))
  if (json) {
    console.log(JSON.stringify(rows))
    return 0
  }
  for (const r of rows) {
    console.log(`${r.id}  — ${r.title}${r.source ? ` (${r.source})` : ''}`)
    console.log(`  ${r.summary}`)
    console.log(`  logs: ${r.keys.join(', ')}`)
    console.log(`  add: { "id": "${r.id}", "every": ${r.every}, "params": ${JSON.stringify(r.params)} }`)
  }
  console.log('\nattach to a run: its config\'s "probes" list (training, elasticity studies); every = N epochs (also epoch 0 and the last)')
  return 0
}

function printRun(run: Run): void {
  const j = runJson(run)
  console.log(`run ${run.id}  ${run.name}`)
  console.log(`  status ${run.status}   backend ${run.backend ?? '—'}   wall ${formatDuration(j.wallSeconds)}   steps ${j.steps}   samples/s ${j.samplesPerSecond ?? '—'}`)
  if (run.error) console.log(`  error: ${run.error}`)
  for (const [k, v] of Object.entries(run.summary?.final ?? {})) console.log(`  ${k.padEnd(18)} ${formatMetricValue(k, v)}`)
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      template: { type: 'string' },
      preset: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
      set: { type: 'string', multiple: true },
      seed: { type: 'string' },
      format: { type: 'string' },
      'label-column': { type: 'string' },
      header: { type: 'boolean' },
      'no-header': { type: 'boolean' },
      'class-names': { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  const [command, ...rest] = positionals
  if (values.help || !command) {
    console.log(helpText(positionals))
    return command || values.help ? 0 : 2
  }
  if (command === 'templates') return commandTemplates(values.json)
  if (command === 'studies') return commandStudies(values.json)
  if (command === 'probes') return commandProbes(values.json)
  if (!['run', 'resume', 'list', 'show', 'dataset', 'sweep', 'export', 'import'].includes(command)) throw new UsageError(`unknown command "${command}"\n${USAGE}`)

  const { dataDir, source } = resolveDataDir(values['data-dir'])
  // Built-in datasets are made on demand here (dataset commands, runs), not on every CLI start.
  const concurrency = parseConcurrency(values.concurrency)
  // Commands that only read open the store read-only and recover nothing (dataset commands may create the
  // built-in digits, so they write); none of the CLI's commands adopts queued runs.
  const reads = ['list', 'show', 'export'].includes(command)
  const lab = await Lab.open({
    dataDir,
    dataDirSource: source,
    mode: 'inprocess',
    workerUrl: new URL('./worker.js', import.meta.url),
    builtins: false,
    concurrency,
    access: reads ? 'read' : 'work',
    adoptQueued: false
  })
  try {
    if (command === 'dataset') return await commandDataset(lab, rest, values)
    if (command === 'export') return await commandExport(lab, rest[0], { out: values.out, json: values.json })
    if (command === 'import') return await commandImport(lab, rest[0], { json: values.json })
    if (command === 'sweep') return await commandSweep(lab, rest[0], { json: values.json, concurrency })
    if (command === 'run') return await commandRun(lab, rest[0], { template: values.template, preset: values.preset, name: values.name, json: values.json })
    if (command === 'resume') return await commandResume(lab, rest[0], values.json)
    if (command === 'list') {
      const runs = lab.store.runs.list()
      if (values.json) console.log(JSON.stringify(runs.map(runJson)))
      else
        for (const r of runs)
          console.log(`${r.id}  ${r.status.padEnd(11)} ${(r.backend ?? '—').padEnd(6)} ${formatMetricValue('test/accuracy', r.summary?.final['test/accuracy'])}  ${r.name}`)
      return 0
    }
    const run = lab.store.runs.get(rest[0] ?? '')
    if (!run) throw new UsageError(`run "${rest[0] ?? ''}" not found`)
    if (values.json) console.log(JSON.stringify({ ...runJson(run), config: run.config }))
    else printRun(run)
    return 0
  } finally {
    await lab.close()
  }
}

/** `lab <command> [<sub>] --help`: that command's lines of USAGE and the shared options; else all of USAGE. */
function helpText(words: string[]): string {
  const lines = usageLinesFor(USAGE, words)
  return lines.length ? `usage: npm run lab -- ${words[0]} …\n${lines.join('\n')}\n${USAGE.split('\n').at(-1)}` : USAGE
}

/** `--concurrency N`: runs in parallel for this CLI process (default: the stored setting). */
function parseConcurrency(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--concurrency must be an integer from 1 to 16 (got "${v}")`)
  return n
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`lab: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(2)
  }
)
