/**
 * `npm run lab -- dataset <generate|import|list|show|transform> …`: the dataset library from the shell.
 */
import type { DatasetInfo, DatasetJob } from '../../src-shared/datasets'
import { formatDuration } from '../../src-shared/format'
import { GENERATORS } from '../../src-shared/generators'
import type { Lab } from '../engine/lab'
import { jobLine } from './progress'

export class DatasetUsageError extends Error {}

export const DATASET_USAGE = `  dataset generate <generatorId> [--set key=value …] [--seed N] [--name N]
  dataset import <files…> [--name N] [--format idx|csv|npy] [--label-column C] [--header|--no-header] [--class-names a,b,…]
  dataset list                   list the dataset library
  dataset show <id>              shape, classes, counts per class, provenance
  dataset transform <id> <op> [--set key=value …] [--name N]
                                 op: normalize, standardize, flatten, pca (components=K), subset (classes=5,8),
                                     subsample (n=N, seed=S), split (testFraction=F, seed=S),
                                     k-filter (k=K, chunk=C, seed=S: drop samples whose k nearest
                                     neighbours all share their class; chunk 0 = all samples)`

export interface DatasetFlags {
  json: boolean
  name?: string
  set?: string[]
  seed?: string
  format?: string
  'label-column'?: string
  header?: boolean
  'no-header'?: boolean
  'class-names'?: string
}

/** key=value pairs; values that read as numbers, lists of numbers or booleans become those. */
export function parseSets(sets: string[] = []): Record<string, number | string | boolean | number[]> {
  const out: Record<string, number | string | boolean | number[]> = {}
  for (const s of sets) {
    const eq = s.indexOf('=')
    if (eq <= 0) throw new DatasetUsageError(`--set ${s}: expected key=value`)
    const key = s.slice(0, eq).trim()
    const raw = s.slice(eq + 1).trim()
    if (raw === 'true' || raw === 'false') out[key] = raw === 'true'
    else if (raw !== '' && Number.isFinite(Number(raw))) out[key] = Number(raw)
    else if (/^-?[\d.]+(,-?[\d.]+)+$/.test(raw)) out[key] = raw.split(',').map(Number)
    else out[key] = raw
  }
  return out
}

function describe(d: DatasetInfo) {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    shape: d.shape,
    classes: d.shape.classes,
    classNames: d.classNames,
    countsPerClass: d.classCounts ? Object.fromEntries(d.classCounts.map((c, i) => [d.classNames?.[i] ?? String(i), c])) : null,
    classCounts: d.classCounts,
    sizeBytes: d.sizeBytes,
    checksum: d.checksum,
    parentId: d.parentId,
    spec: d.spec,
    provenance: d.provenance,
    createdAt: new Date(d.createdAt).toISOString()
  }
}

const shapeText = (d: DatasetInfo) => `${d.shape.n} × [${d.shape.sample.join(', ')}] ${d.shape.dtype}`

function printDataset(d: DatasetInfo) {
  console.log(`dataset ${d.id}  ${d.name}`)
  console.log(`  kind ${d.kind}   shape ${shapeText(d)}   task ${d.shape.task}${d.shape.classes ? `   classes ${d.shape.classes}` : ''}   ${(d.sizeBytes / 1e6).toFixed(1)} MB`)
  if (d.classCounts) console.log(`  per class: ${d.classCounts.map((c, i) => `${d.classNames?.[i] ?? i}: ${c}`).join(', ')}`)
  if (d.parentId) console.log(`  parent ${d.parentId}`)
  console.log(`  spec ${JSON.stringify(d.spec)}`)
  console.log(`  provenance ${JSON.stringify(d.provenance)}`)
}

/** Wait for a job with a progress bar on stderr (a line per 10 % when stderr is not a terminal); Ctrl-C cancels it. */
async function follow(lab: Lab, job: DatasetJob, json: boolean): Promise<DatasetJob> {
  const tty = process.stderr.isTTY
  let lastDecile = -1
  const off = lab.on((event, payload: any) => {
    if (event !== 'datasets.job' || payload.jobId !== job.jobId) return
    if (tty) process.stderr.write(`\r${jobLine(payload, process.stderr.columns ?? 80)}`)
    else if (!json && Math.floor(payload.fraction * 10) > lastDecile) {
      lastDecile = Math.floor(payload.fraction * 10)
      process.stderr.write(`${jobLine(payload, 80)}\n`)
    }
  })
  const onSigint = () => {
    process.stderr.write('\ncancelling…\n')
    lab.datasetJobs.cancel(job.jobId)
  }
  process.on('SIGINT', onSigint)
  const done = await lab.datasetJobs.wait(job.jobId)
  process.off('SIGINT', onSigint)
  off()
  if (tty) process.stderr.write('\n')
  return done
}

async function finishJob(lab: Lab, job: DatasetJob, json: boolean, what: string): Promise<number> {
  const done = await follow(lab, job, json)
  if (done.status !== 'done') {
    console.error(`lab: ${what} ${done.status}: ${done.error ?? done.message}`)
    return done.status === 'cancelled' ? 130 : 1
  }
  const infos = (done.datasetIds ?? [done.datasetId!]).map((id) => lab.store.datasets.get(id)!)
  if (json) console.log(JSON.stringify(infos.length === 1 ? describe(infos[0]) : infos.map(describe)))
  else {
    for (const d of infos) printDataset(d)
    console.log(`  (${formatDuration(done.seconds ?? null)})`)
  }
  return 0
}

export async function commandDataset(lab: Lab, args: string[], flags: DatasetFlags): Promise<number> {
  const [sub, ...rest] = args
  // Built-in datasets are part of the library: make sure they exist before listing or using it.
  const builtin = lab.ensureBuiltins()
  if (builtin) await lab.datasetJobs.wait(builtin.jobId)
  switch (sub) {
    case 'list': {
      const all = lab.store.datasets.list()
      if (flags.json) console.log(JSON.stringify(all.map(describe)))
      else for (const d of all) console.log(`${d.id.padEnd(36)}  ${d.kind.padEnd(9)} ${shapeText(d).padEnd(28)} ${d.name}`)
      return 0
    }
    case 'show': {
      const d = lab.store.datasets.get(rest[0] ?? '')
      if (!d) throw new DatasetUsageError(`dataset "${rest[0] ?? ''}" not found`)
      if (flags.json) console.log(JSON.stringify(describe(d)))
      else printDataset(d)
      return 0
    }
    case 'generate': {
      const id = rest[0]
      if (!id) throw new DatasetUsageError(`dataset generate needs a generator id; available: ${GENERATORS.map((g) => g.id).join(', ')}`)
      const seed = flags.seed === undefined ? 0 : Number(flags.seed)
      if (!Number.isInteger(seed) || seed < 0) throw new DatasetUsageError(`--seed ${flags.seed} is not a non-negative integer`)
      const params = parseSets(flags.set) as Record<string, number | string | boolean>
      const d = await lab.call('datasets.generate', { generator: id, params, seed, name: flags.name })
      if (flags.json) console.log(JSON.stringify(describe(d)))
      else printDataset(d)
      return 0
    }
    case 'import': {
      if (rest.length === 0) throw new DatasetUsageError('dataset import needs the files to import')
      if (flags.header && flags['no-header']) throw new DatasetUsageError('--header and --no-header contradict each other')
      const lc = flags['label-column']
      const job = await lab.call('datasets.import', {
        paths: rest,
        name: flags.name,
        format: flags.format as 'idx' | 'csv' | 'npy' | undefined,
        labelColumn: lc === undefined ? undefined : /^\d+$/.test(lc) ? Number(lc) : lc,
        header: flags.header ? true : flags['no-header'] ? false : undefined,
        classNames: flags['class-names']?.split(',').map((s) => s.trim())
      })
      return finishJob(lab, job, flags.json, 'import')
    }
    case 'transform': {
      const [id, op] = rest
      if (!id || !op) throw new DatasetUsageError('dataset transform needs a dataset id and an operation (normalize, standardize, flatten, pca, subset, subsample, split, k-filter)')
      const sets = parseSets(flags.set)
      if (op === 'subset' && typeof sets.classes === 'number') sets.classes = [sets.classes]
      const job = await lab.call('datasets.transform', { id, transform: { op, ...sets } as any, name: flags.name })
      return finishJob(lab, job, flags.json, 'transform')
    }
    default:
      throw new DatasetUsageError(`unknown dataset command "${sub ?? ''}"\nusage:\n${DATASET_USAGE}`)
  }
}
