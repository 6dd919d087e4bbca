/**
 * Bench peer section (`npm run bench -- --peer`, `--peer-only`): the bench's MLP and CNN trained by PyTorch
 * (test/bench/peer.py, Debian's python3-torch) beside the lab, in the same run, with the ratio
 * lab time ÷ PyTorch time for the same work (= PyTorch samples/s ÷ lab samples/s) per workload and thread count.
 *
 * Lab and PyTorch rounds alternate (lab, torch, lab, torch, …) so that a slow spell of a shared machine hits both
 * sides; each side's figure is the median of its rounds. PyTorch runs in one long-lived process per thread count
 * (see peer.py), started before the rounds: interpreter start-up and `import torch` are never timed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createInterface, type Interface } from 'node:readline'

export type PeerWorkload = 'mlp' | 'cnn'
export const PEER_WORKLOADS: PeerWorkload[] = ['mlp', 'cnn']

/** The lab's side of one round, supplied by the bench (its own raw loops, on the thread count given). */
export type LabRound = (workload: PeerWorkload, threads: number) => Promise<{ samplesPerSecond: number }>

export interface PeerAvailability {
  available: boolean
  /** Why the peer cannot run ('' when it can). */
  reason: string
  torchVersion: string | null
  python: string
}

export interface PeerThreadFigures {
  threads: number
  labSamplesPerSecond: number
  torchSamplesPerSecond: number
  /** Lab time ÷ PyTorch time for the same work (> 1: the lab is slower). */
  ratio: number
  rounds: number
  /** Every round's samples/s, in the order run: the spread shows how noisy the machine was. */
  labRounds: number[]
  torchRounds: number[]
}

export interface PeerWorkloadFigures {
  /** The worst (largest) ratio over the thread counts: a conservative headline. */
  ratio: number
  byThreads: PeerThreadFigures[]
}

export type PeerFigures =
  | { available: false; reason: string }
  | { available: true; torchVersion: string; python: string; threads: number[]; roundSeconds: number; mlp: PeerWorkloadFigures; cnn: PeerWorkloadFigures }

/** The interpreter: LAB_PEER_PYTHON, else Debian's /usr/bin/python3 (a python3 earlier on PATH may lack torch). */
export function peerPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_PEER_PYTHON || '/usr/bin/python3'
}

/** Time cap of one round on each side (the bench caps its lab loops with the same figure). */
export function peerRoundSeconds(quick: boolean): number {
  return quick ? 1 : 3
}

/** Rounds per side, per workload and thread count. */
export function peerRounds(quick: boolean): number {
  return quick ? 2 : 4
}

/** 1 and all cores, once each. */
export function peerThreadCounts(cores: number): number[] {
  return [...new Set([1, Math.max(1, cores)])]
}

export function median(values: number[]): number {
  if (!values.length) throw new Error('median of no values')
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

const roundTo = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits

/** One thread count's figures from its rounds: medians per side, ratio = torch samples/s ÷ lab samples/s. */
export function threadFigures(threads: number, labRounds: number[], torchRounds: number[]): PeerThreadFigures {
  const lab = median(labRounds)
  const torch = median(torchRounds)
  if (!(lab > 0) || !(torch > 0)) throw new Error(`peer: no positive throughput at ${threads} thread(s) (lab ${lab}, PyTorch ${torch} samples/s)`)
  return {
    threads,
    labSamplesPerSecond: roundTo(lab, 1),
    torchSamplesPerSecond: roundTo(torch, 1),
    ratio: roundTo(torch / lab, 2),
    rounds: Math.min(labRounds.length, torchRounds.length),
    labRounds: labRounds.map((v) => roundTo(v, 1)),
    torchRounds: torchRounds.map((v) => roundTo(v, 1))
  }
}

/** A workload's headline: the worst (largest) ratio over its thread counts. */
export function workloadFigures(byThreads: PeerThreadFigures[]): PeerWorkloadFigures {
  if (!byThreads.length) throw new Error('peer: no thread counts measured')
  return { ratio: Math.max(...byThreads.map((t) => t.ratio)), byThreads }
}

/** Whether the interpreter runs and imports torch; never throws. */
export function peerAvailable(python = peerPython()): Promise<PeerAvailability> {
  return new Promise((resolve) => {
    const answer = (available: boolean, reason: string, torchVersion: string | null = null) => resolve({ available, reason, torchVersion, python })
    execFile(python, ['-c', 'import sys, torch; sys.stdout.write(torch.__version__)'], { timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return answer(true, '', stdout.trim())
      const code = (err as NodeJS.ErrnoException).code
      const hint = 'install Debian\'s python3-torch, or set LAB_PEER_PYTHON to a Python with torch'
      if (code === 'ENOENT') return answer(false, `${python} not found (${hint})`)
      if (code === 'EACCES') return answer(false, `${python} is not executable (${hint})`)
      if (err.killed) return answer(false, `${python} -c "import torch" did not finish in 120 s`)
      const last = stderr.trim().split('\n').at(-1) || err.message
      answer(false, `${python} cannot import torch: ${last} (${hint})`)
    })
  })
}

/** peer.py beside this file (source, tests) or in test/bench from out/main (the built bench). */
export function peerScript(): string {
  const candidates = [new URL('./peer.py', import.meta.url), new URL('../../test/bench/peer.py', import.meta.url)].map((u) => fileURLToPath(u))
  const found = candidates.find((p) => existsSync(p))
  if (!found) throw new Error(`peer: peer.py not found (looked at ${candidates.join(', ')})`)
  return found
}

export interface PeerRoundResult {
  workload: PeerWorkload
  threads: number
  samples: number
  seconds: number
  samplesPerSecond: number
  torch: string
}

/** One long-lived peer.py --serve process at a fixed thread count; rounds on command, one JSON line each. */
export class PeerProcess {
  private stderr = ''
  private waiting: { resolve: (line: string) => void; reject: (err: Error) => void } | null = null
  private exited: Error | null = null

  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: Interface,
    readonly threads: number
  ) {
    lines.on('line', (line) => {
      const w = this.waiting
      this.waiting = null
      w?.resolve(line)
    })
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-4000)))
    child.on('exit', (code, signal) => {
      this.exited = new Error(`peer.py (${threads} thread(s)) exited (${signal ?? code}): ${this.stderr.trim() || 'no output'}`)
      this.waiting?.reject(this.exited)
      this.waiting = null
    })
    child.on('error', (err) => {
      this.exited = new Error(`peer.py could not start: ${err.message}`)
      this.waiting?.reject(this.exited)
      this.waiting = null
    })
  }

  static async start(python: string, threads: number): Promise<PeerProcess> {
    const child = spawn(python, [peerScript(), '--serve', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] })
    const peer = new PeerProcess(child, createInterface({ input: child.stdout! }), threads)
    try {
      const line = await peer.nextLine()
      if (!JSON.parse(line).ready) throw new Error(`peer.py did not start: ${line}`)
      return peer
    } catch (err) {
      await peer.close()
      throw err
    }
  }

  private nextLine(): Promise<string> {
    if (this.exited) return Promise.reject(this.exited)
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
  }

  async round(workload: PeerWorkload, seconds: number, samples: number): Promise<PeerRoundResult> {
    const line = this.nextLine()
    this.child.stdin!.write(JSON.stringify({ workload, seconds, samples }) + '\n')
    const result = JSON.parse(await line)
    if (result.error) throw new Error(`peer.py ${workload}: ${result.error}`)
    return result
  }

  /** End of input ends the process; killed if it has not gone in 5 s. */
  async close(): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.stdin!.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await gone
    clearTimeout(timer)
    this.lines.close()
  }
}

export interface PeerOptions {
  quick: boolean
  log: (msg: string) => void
  lab: LabRound
  /** Training samples per workload (the bench's SAMPLES and CNN_SAMPLES). */
  samples?: Record<PeerWorkload, number>
  python?: string
  /** Thread counts (default: 1 and all cores). */
  threads?: number[]
}

/**
 * Runs the peer comparison: for each thread count and workload, alternating lab and PyTorch rounds, medians per
 * side. `mlp.ratio` / `cnn.ratio` are the worst (largest) lab ÷ PyTorch time ratio over the thread counts — a
 * conservative headline. Without a usable torch it returns `{ available: false, reason }` and runs nothing.
 */
export async function peerComparison(opts: PeerOptions): Promise<PeerFigures> {
  const python = opts.python ?? peerPython()
  const availability = await peerAvailable(python)
  if (!availability.available) return { available: false, reason: availability.reason }
  const threads = opts.threads ?? peerThreadCounts(cpus().length)
  const samples = opts.samples ?? { mlp: 10_000, cnn: opts.quick ? 640 : 2000 }
  const seconds = peerRoundSeconds(opts.quick)
  const rounds = peerRounds(opts.quick)
  const byWorkload: Record<PeerWorkload, PeerThreadFigures[]> = { mlp: [], cnn: [] }
  for (const t of threads) {
    const peer = await PeerProcess.start(python, t)
    try {
      for (const workload of PEER_WORKLOADS) {
        const lab: number[] = []
        const torch: number[] = []
        for (let r = 0; r < rounds; r++) {
          lab.push((await opts.lab(workload, t)).samplesPerSecond)
          torch.push((await peer.round(workload, seconds, samples[workload])).samplesPerSecond)
          opts.log(`peer: ${workload} ${t} thread(s) round ${r + 1}/${rounds}: lab ${Math.round(lab[r])}, PyTorch ${Math.round(torch[r])} samples/s`)
        }
        byWorkload[workload].push(threadFigures(t, lab, torch))
      }
    } finally {
      await peer.close()
    }
  }
  return {
    available: true,
    torchVersion: availability.torchVersion ?? '',
    python,
    threads,
    roundSeconds: seconds,
    mlp: workloadFigures(byWorkload.mlp),
    cnn: workloadFigures(byWorkload.cnn)
  }
}

/** The text report's peer section. */
export function peerReport(p: PeerFigures, labDescription: string, table: (headers: string[], rows: (string | number)[][]) => string): string[] {
  const title = 'Peer: the same MLP and CNN in PyTorch, alternating rounds with the lab (ratio = lab time ÷ PyTorch time for the same work)'
  if (!p.available) return [title, `   not measured: ${p.reason}`]
  const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 })
  const rows = PEER_WORKLOADS.flatMap((w) => p[w].byThreads.map((t) => [w, t.threads, fmt(t.labSamplesPerSecond), fmt(t.torchSamplesPerSecond), `${t.ratio.toFixed(2)}×`, t.rounds]))
  return [
    title,
    table(['workload', 'threads', 'lab samples/s', 'PyTorch samples/s', 'ratio', 'rounds'], rows),
    `   lab: ${labDescription}; PyTorch ${p.torchVersion} (${p.python}); medians of ${p.roundSeconds} s rounds.`,
    `   headline (worst over thread counts): MLP ${p.mlp.ratio.toFixed(2)}×, CNN ${p.cnn.ratio.toFixed(2)}× — figures on a shared machine are noisy, the ratio is the figure.`
  ]
}
