/**
 * Runner of `pure-voronoi` (shared descriptor src-shared/studies/pure-voronoi/): for every frequency and sample
 * count, a sinusoid-boundary set from the dataset library's generator and its pure Voronoi map; the figures
 * drawn as each set finishes (step = the set's index): the curves, the table, a map per frequency; every set's
 * |C| and H* in the summary (`voronoi/f<f>/n<n>/cells`, `/entropy`; the headline `voronoi/cells`, `voronoi/entropy`
 * is the highest frequency's largest set).
 */
import type { CurvesPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { pureVoronoi } from '../../../../src-shared/representations/voronoi'
import { deriveSeed } from '../../../../src-shared/rng'
import type { PureVoronoiConfig } from '../../../../src-shared/studies/pure-voronoi'
import { generate } from '../../datasets/generators'
import { voronoiMap } from '../../probes/voronoi'
import type { RunContext, StudyRunner } from '../context'

export const runPureVoronoi: StudyRunner = async (ctx: RunContext) => {
  const cfg = ctx.config as PureVoronoiConfig
  const started = performance.now()
  const sets = cfg.frequencies.flatMap((f) => cfg.samples.map((n) => ({ f, n })))
  const result = new Map<string, { cells: number; entropy: number; pure: boolean; rounds: number }>()
  const id = (f: number, n: number) => `f${f}/n${n}`
  const curves = (what: 'cells' | 'entropy'): CurvesPayload => ({
    xLabel: 'boundary frequency f',
    yLabel: what === 'cells' ? 'pure cells |C|' : 'pure entropy H* (bits)',
    x: cfg.frequencies,
    series: cfg.samples.map((n) => ({ name: `n = ${n}`, y: cfg.frequencies.map((f) => result.get(id(f, n))?.[what] ?? null) }))
  })
  let done = 0
  for (const [i, { f, n }] of sets.entries()) {
    if (ctx.aborted) break
    ctx.progress(done, sets.length, `f = ${f}, n = ${n} (${i + 1}/${sets.length})`)
    const data = generate('sinusoid-boundary', { n, amplitude: cfg.amplitude, frequency: f, labelNoise: cfg.labelNoise }, deriveSeed(ctx.seed, id(f, n)))
    const v = pureVoronoi(data.x, n, 2, data.y)
    result.set(id(f, n), { cells: v.cells, entropy: v.entropy, pure: v.pure, rounds: v.rounds })
    if (n === cfg.samples[0]) {
      const note = `f = ${f}, n = ${n}: |C| = ${v.cells}, H* = ${v.entropy.toFixed(3)} bits, ${v.rounds} rounds${v.pure ? '' : ' — not pure'}`
      ctx.logSeries(`voronoi/map/f${f}`, i, voronoiMap(data.x, data.y, v, 2, (c) => `class ${c}`, note))
    }
    done++
    ctx.logSeries('voronoi/cells-vs-frequency', i, curves('cells'))
    ctx.logSeries('voronoi/entropy-vs-frequency', i, curves('entropy'))
    const table: TablePayload = {
      columns: [
        { key: 'f', label: 'frequency f' },
        { key: 'n', label: 'points' },
        { key: 'cells', label: '|C|' },
        { key: 'entropy', label: 'H* (bits)' },
        { key: 'rounds', label: 'rounds' },
        { key: 'pure', label: 'pure' }
      ],
      rows: [...result.entries()].map(([key, r]) => {
        const [fs, ns] = key.split('/')
        return { f: Number(fs.slice(1)), n: Number(ns.slice(1)), cells: r.cells, entropy: +r.entropy.toFixed(4), rounds: r.rounds, pure: r.pure ? 'yes' : 'no' }
      })
    }
    ctx.logSeries('voronoi/table', i, table)
    await new Promise((r) => setImmediate(r)) // let a cancel arrive between sets
  }
  const head = result.get(id(Math.max(...cfg.frequencies), Math.max(...cfg.samples)))
  const final: Record<string, number> = {}
  for (const [key, r] of result) {
    final[`voronoi/${key}/cells`] = r.cells
    final[`voronoi/${key}/entropy`] = r.entropy
  }
  if (head) {
    final['voronoi/cells'] = head.cells
    final['voronoi/entropy'] = head.entropy
  }
  const seconds = (performance.now() - started) / 1000
  return { final, steps: done, epochs: 0, wallSeconds: seconds, samplesPerSecond: 0 }
}
