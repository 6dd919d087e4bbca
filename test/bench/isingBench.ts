/**
 * Ising bench (effective-model study): one dense BP sweep at N = 675 and N = 200 (median ms over many sweeps)
 * for a random model J ~ N(0, 0.05²), h ~ U(−0.3, 0.3); the whole entropy landscape (241 x values, 3 → −3 → 3)
 * at N = 675 (J ~ N(0, 0.02²)) for 5 references (1 in quick mode); popcount moments of M = 20 000 configurations at N = 675. The numpy peer
 * (ising_peer.py) times the same parallel sweep in plain numpy, when a python3 with numpy is found.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { packSpins, packedFromRows, spinMoments } from '../../src-shared/ising/bitpack'
import { bpSweep, bpWorkspace, initMessages, tanhCouplings, type IsingModel } from '../../src-shared/ising/bp'
import { entropyLandscape, landscapeGrid } from '../../src-shared/ising/landscape'
import { createRng } from '../../src-shared/rng'

export interface IsingFigures {
  quick: boolean
  /** Median ms per BP sweep, by N. */
  sweepMs: Record<string, number>
  /** numpy's median ms per sweep, by N (null: peer not run). */
  numpySweepMs: Record<string, number> | null
  numpyVersion: string | null
  peerNote: string
  landscape: { n: number; references: number; points: number; seconds: number; sweeps: number; unconverged: number; hysteresis: number }
  moments: { n: number; configs: number; seconds: number }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]

function randomModel(n: number, seed: number, std = 0.05): IsingModel {
  const rng = createRng(seed)
  const J = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) J[i * n + j] = J[j * n + i] = std * rng.normal()
  const h = Float64Array.from({ length: n }, () => rng.uniform(-0.3, 0.3))
  return { n, J, h }
}

function sweepMs(n: number, sweeps: number): number {
  const model = randomModel(n, n)
  const T = tanhCouplings(model.J)
  const M = initMessages(n, createRng(1))
  const ws = bpWorkspace(n)
  for (let s = 0; s < 10; s++) bpSweep(n, T, model.h, M, 0, ws)
  const ts: number[] = []
  for (let s = 0; s < sweeps; s++) {
    const t = performance.now()
    bpSweep(n, T, model.h, M, 0, ws)
    ts.push(performance.now() - t)
  }
  return median(ts)
}

/** The first python3 that imports numpy (Debian's /usr/bin/python3 may lack it; a pyenv one may have it). */
function runPeer(quick: boolean): { ms: Record<string, number> | null; version: string | null; note: string } {
  const script = [new URL('./ising_peer.py', import.meta.url), new URL('../../test/bench/ising_peer.py', import.meta.url)].map((u) => fileURLToPath(u)).find(existsSync)
  if (!script) return { ms: null, version: null, note: 'ising_peer.py not found' }
  const notes: string[] = []
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, [script, '--sweeps', quick ? '60' : '300'], { encoding: 'utf8', timeout: 120_000 })
    if (r.status === 0) {
      const line = r.stdout.trim().split('\n').at(-1) ?? ''
      const j = JSON.parse(line) as { numpy: string; sweepMs: Record<string, number> }
      return { ms: j.sweepMs, version: j.numpy, note: py }
    }
    notes.push(`${py}: ${(r.error?.message ?? r.stderr.trim().split('\n').at(-1)) || `exit ${r.status}`}`)
  }
  return { ms: null, version: null, note: notes.join('; ') }
}

export async function isingFigures(opts: { quick: boolean; log: (s: string) => void }): Promise<IsingFigures> {
  const { quick, log } = opts
  const sweeps = quick ? 60 : 300
  const sweep: Record<string, number> = {}
  for (const n of [675, 200]) {
    sweep[n] = sweepMs(n, sweeps)
    log(`ising: BP sweep N=${n}: ${sweep[n].toFixed(3)} ms`)
  }
  const peer = runPeer(quick)
  log(peer.ms ? `ising: numpy ${peer.version} (${peer.note}): ${JSON.stringify(peer.ms)}` : `ising: numpy peer not run: ${peer.note}`)

  const n = 675
  // J ~ N(0, 0.02²) here: at 0.05 and N = 675 (Σ_j J² ≈ 1.7 > 1) the model is in its spin-glass phase, BP
  // barely converges (≈ 240 sweeps per x) and the figure would time non-convergence, not the landscape.
  const model = randomModel(n, 7, 0.02)
  const refs = quick ? 1 : 5
  const rng = createRng(3)
  let landscapeSweeps = 0
  let hyst = 0
  let unconverged = 0
  const t0 = performance.now()
  for (let r = 0; r < refs; r++) {
    const ref = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))
    const out = entropyLandscape(model, ref, { rng: createRng(100 + r) })
    for (const p of out.points) {
      landscapeSweeps += p.sweeps
      if (!p.converged) unconverged++
    }
    if (out.hysteresis.detected) hyst++
    log(`ising: landscape ref ${r + 1}/${refs}: ${((performance.now() - t0) / 1000).toFixed(1)} s so far`)
  }
  const landscapeSeconds = (performance.now() - t0) / 1000

  const configs = 20_000
  const mrng = createRng(5)
  const rows = Array.from({ length: configs }, () => packSpins(Array.from({ length: n }, () => (mrng.next() < 0.5 ? -1 : 1))))
  const data = packedFromRows(rows, n)
  const t1 = performance.now()
  spinMoments(data)
  const momentSeconds = (performance.now() - t1) / 1000
  log(`ising: spinMoments N=${n} M=${configs}: ${momentSeconds.toFixed(2)} s`)

  return {
    quick,
    sweepMs: sweep,
    numpySweepMs: peer.ms,
    numpyVersion: peer.version,
    peerNote: peer.note,
    landscape: { n, references: refs, points: landscapeGrid().length, seconds: landscapeSeconds, sweeps: landscapeSweeps, unconverged, hysteresis: hyst },
    moments: { n, configs, seconds: momentSeconds }
  }
}

export function isingReport(f: IsingFigures): string[] {
  const lines = ['Ising effective model (dense BP, J ~ N(0, 0.05²))', '  N     lab ms/sweep   numpy ms/sweep   lab ÷ numpy']
  for (const n of Object.keys(f.sweepMs).sort((a, b) => +b - +a)) {
    const lab = f.sweepMs[n]
    const np = f.numpySweepMs?.[n]
    lines.push(`  ${n.padEnd(5)} ${lab.toFixed(3).padStart(12)}   ${np === undefined ? '—'.padStart(14) : np.toFixed(3).padStart(14)}   ${np === undefined ? '—' : (lab / np).toFixed(2)}`)
  }
  if (!f.numpySweepMs) lines.push(`  numpy peer not run: ${f.peerNote}`)
  else lines.push(`  numpy ${f.numpyVersion} via ${f.peerNote}`)
  const L = f.landscape
  lines.push(
    `  landscape N=${L.n}, J ~ N(0, 0.02²): ${L.references} reference(s) × ${L.points} x values in ${L.seconds.toFixed(1)} s (${L.sweeps} BP sweeps, ${((1000 * L.seconds) / Math.max(1, L.sweeps)).toFixed(2)} ms/sweep incl. free energy; ${L.unconverged} point(s) unconverged; hysteresis in ${L.hysteresis})`
  )
  lines.push(`  spinMoments N=${f.moments.n}, M=${f.moments.configs}: ${f.moments.seconds.toFixed(2)} s`)
  return lines
}
