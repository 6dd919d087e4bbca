/**
 * `npm run lab -- <command>`: headless use of the same engine and store.
 *   run <config.json> | run --template <id>   [--data-dir D] [--json] [--name N]
 *   templates [--json] · list [--json] · show <runId> [--json]
 *   dataset generate|import|list|show|transform … (see dataset.ts)
 *   export <runId> [--out F] · import <file.json | folder> (see runTransfer.ts)
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatDuration, formatMetric } from '../../src-shared/format'
import type { Run } from '../../src-shared/records'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { studyById, studyIds } from '../../src-shared/studyById'
import { GALLERY_CARDS, GALLERY_STUDIES, PRESET_IDS, findCard, isBuilt, launchCard, notBuiltReason } from '../../src-shared/gallery'
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
  list                           list runs
  show <runId>                   show one run with its summary
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
  const study = typeof source.studyId === 'string' ? studyById(source.studyId) : undefined
  if (!study) throw new UsageError(`unknown study "${source.studyId}"; available: ${studyIds().join(', ')}`)
  const v = validateConfig(source.studyId, withDefaults(study.defaults, source.config))
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
    for (const r of cards) console.log(`  ${r.id.padEnd(42)} ${r.built ? 'built    ' : 'not built'}  ${r.figure} — expected: ${r.expected}`)
  }
  console.log(`\nrun one: npm run lab -- run --template <id> [--preset ${PRESET_IDS.join('|')}]`)
  return 0
}

function printRun(run: Run): void {
  const j = runJson(run)
  console.log(`run ${run.id}  ${run.name}`)
  console.log(`  status ${run.status}   backend ${run.backend ?? '—'}   wall ${formatDuration(j.wallSeconds)}   steps ${j.steps}   samples/s ${j.samplesPerSecond ?? '—'}`)
  if (run.error) console.log(`  error: ${run.error}`)
  for (const [k, v] of Object.entries(run.summary?.final ?? {})) console.log(`  ${k.padEnd(18)} ${formatMetric(v)}`)
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
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
    console.log(USAGE)
    return command || values.help ? 0 : 2
  }
  if (command === 'templates') return commandTemplates(values.json)
  if (!['run', 'list', 'show', 'dataset', 'sweep', 'export', 'import'].includes(command)) throw new UsageError(`unknown command "${command}"\n${USAGE}`)

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
    if (command === 'list') {
      const runs = lab.store.runs.list()
      if (values.json) console.log(JSON.stringify(runs.map(runJson)))
      else
        for (const r of runs)
          console.log(`${r.id}  ${r.status.padEnd(11)} ${(r.backend ?? '—').padEnd(6)} ${formatMetric(r.summary?.final['test/accuracy'])}  ${r.name}`)
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
