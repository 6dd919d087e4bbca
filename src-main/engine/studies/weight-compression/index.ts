/**
 * Runner of `weight-compression` (thesis ch. 3; shared descriptor src-shared/studies/weight-compression/): one
 * net per arm (a bit width, or a floor c) and trial plus an uncompressed baseline per trial, all trained by the
 * one trainer on the same batches; every arm of trial k starts from trial k's initial weights. At every
 * synchronisation point (the trainer's `sync` hook) each compressed net's weight tensors — kernels and biases,
 * one package per tensor — are encoded (fixed N bits, or Algorithm 1 with N = ⌈H + c⌉), decoded (Algorithm 2)
 * and written back, and training continues from the decoded weights. Logged: bits per parameter raw and after
 * Huffman per arm, the headline arm's compression ratio, H per layer; after every epoch G(l, e) per layer, the
 * accuracy box plot; at the end the floor-c curves, the correlation of log(G + 1) with H and the table beside
 * the thesis's numbers.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs'
import { compressLayer, compressionRatio, decompressLayer, encodeLayer } from '../../../../src-shared/compression'
import type { BoxPlotPayload, CurvesPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { deriveSeed } from '../../../../src-shared/rng'
import { median } from '../../../../src-shared/studies/arms'
import { pearson } from '../../../../src-shared/stats'
import { allArms, compressionArms, memberCount, PUBLISHED_COMPRESSION, type WeightCompressionConfig } from '../../../../src-shared/studies/weight-compression'
import { estimateArms } from '../../../../src-shared/studies/arms'
import { lossOf, serializeModel } from '../../compute/mlp'
import { isKernel } from '../../compute/network'
import { chunkTensors, seededSubset, weightedLayers } from '../../probes/context'
import { gradientRms } from '../../probes/gradient-rms'
import { checkMemory } from '../../training/resources'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { armsSummary, BestEpochs, buildArmMembers, loadArmsData, trainArms, type ArmMember } from '../arms'

type LayerWeight = ArmMember['model']['layers'][number]['trainableWeights'][number]

/** One weight tensor of a net, sent as its own package. */
interface Tensorial {
  /** `dense1` for a kernel, `dense1/bias` for a bias. */
  label: string
  layer: string
  kernel: boolean
  weight: LayerWeight
}

function tensorsOf(m: ArmMember): Tensorial[] {
  return weightedLayers(m.model).flatMap(({ label, layer }) =>
    layer.trainableWeights.map((w) => ({ label: isKernel(w) ? label : `${label}/${w.name.split('/').at(-1)}`, layer: label, kernel: isKernel(w), weight: w }))
  )
}

interface SyncTotals {
  raw: number
  huffman: number
  points: number
}

export const runWeightCompression: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as WeightCompressionConfig
  const data = loadArmsData(ctx, cfg.dataset, 'the weight-compression study')
  const { source } = data
  checkMemory(estimateArms(cfg, memberCount(cfg), { n: source.n, sample: source.sample, classes: source.classes, uint8: source.x instanceof Uint8Array }), ctx.backend)
  const comp = cfg.compression
  const arms = allArms(cfg)
  const compressed = compressionArms(comp)
  const headline = compressed[0]
  const bitsOf = (arm: string) => Number(arm.replace(/^bits|^c/, ''))

  const members = buildArmMembers(ctx, cfg, source, arms, () => ({ optimizer: cfg.optimizer, loss: (out, y) => lossOf(tf, cfg.loss, out, y), lossName: cfg.loss }))
  const compressedMembers = members.filter((m) => m.arm !== 'baseline')
  const tensors = new Map(members.map((m) => [m, tensorsOf(m)]))
  const headNet = members.find((m) => m.arm === headline && m.trial === 0)!
  const layerLabels = tensors.get(headNet)!.filter((t) => t.kernel).map((t) => t.layer)
  const best = new BestEpochs(members)

  // Bits per parameter summed over sync points, per net (for the run's means).
  const totals = new Map<ArmMember, SyncTotals>(compressedMembers.map((m) => [m, { raw: 0, huffman: 0, points: 0 }]))
  /** H per layer of the headline net at the last sync point of each epoch, and G after it (dynamic mode). */
  const entropyByEpoch: Record<string, number>[] = []
  const gradByEpoch: Record<string, number>[] = []
  let syncIndex = 0
  let lastEntropy: Record<string, number> = {}

  const measureGradients = comp.kind === 'dynamic' && cfg.gradientSamples > 0
  const gradChunks = measureGradients ? chunkTensors(tf, source, seededSubset(data.split.train, cfg.gradientSamples, deriveSeed(ctx.seed, 'gradient-rms')), true) : []
  const headKernels = tensors.get(headNet)!.filter((t) => t.kernel)
  const headInfer = (x: Tensor) => headNet.model.apply(x, { training: false }) as Tensor

  const syncPoint = (step: number) => {
    const perNet = new Map<ArmMember, { raw: number; huffman: number }>()
    for (const m of compressedMembers) {
      let raw = 0
      let huffman = 0
      let count = 0
      for (const t of tensors.get(m)!) {
        const values = t.weight.read().dataSync() as Float32Array
        let decoded: Float32Array
        let rawBits: number
        let huffmanBits: number
        try {
          if (comp.kind === 'fixed') {
            const enc = encodeLayer(values, bitsOf(m.arm))
            decoded = decompressLayer(enc.package)
            rawBits = enc.package.bits
            huffmanBits = enc.huffmanBits
          } else {
            const c = compressLayer(values, { M: comp.entropyBits, F: comp.fraction, c: bitsOf(m.arm), seed: deriveSeed(ctx.seed, `entropy/${m.name}/${t.label}/${syncIndex}`) })
            decoded = c.decoded
            rawBits = c.rawBits
            huffmanBits = c.huffmanBits
            if (m === headNet && t.kernel) lastEntropy[t.layer] = c.entropy
          }
        } catch (err) {
          throw new RunFailure(`step ${step}: the ${m.name} net's ${t.label} weights could not be compressed: ${(err as Error).message} (try a lower learning rate)`)
        }
        const next = tf.tensor(decoded, t.weight.shape as number[])
        t.weight.write(next)
        next.dispose()
        raw += rawBits * values.length
        huffman += huffmanBits * values.length
        count += values.length
      }
      const bits = { raw: raw / count, huffman: huffman / count }
      perNet.set(m, bits)
      const sum = totals.get(m)!
      sum.raw += bits.raw
      sum.huffman += bits.huffman
      sum.points++
    }
    syncIndex++
    for (const arm of compressed) {
      const of = [...perNet].filter(([m]) => m.arm === arm).map(([, b]) => b)
      const raw = median(of.map((b) => b.raw))
      const huffman = median(of.map((b) => b.huffman))
      ctx.log(`${arm}/bits/raw`, step, raw)
      ctx.log(`${arm}/bits/huffman`, step, huffman)
      if (arm === headline) {
        ctx.log('bits/raw', step, raw)
        ctx.log('bits/huffman', step, huffman)
        ctx.log('compression/ratio', step, compressionRatio(huffman))
        ctx.log('compression/ratio_raw', step, compressionRatio(raw))
      }
    }
    for (const [layer, h] of Object.entries(lastEntropy)) ctx.log(`entropy/${layer}`, step, h)
  }

  const boxPlot = (): BoxPlotPayload => {
    const base = best.testAccuracies('baseline')
    return {
      xLabel: comp.kind === 'fixed' ? 'bits per weight N' : 'floor c (N = ⌈H + c⌉)',
      yLabel: 'test accuracy at the best validation epoch',
      groups: compressed.map((arm) => ({ label: comp.kind === 'fixed' ? String(bitsOf(arm)) : `c = ${bitsOf(arm)}`, values: best.testAccuracies(arm) })),
      ...(base.length ? { lines: [{ label: 'uncompressed baseline (median)', value: median(base) }] } : {}),
      percent: true
    }
  }

  const meanBits = (arm: string) => {
    const of = [...totals].filter(([m, t]) => m.arm === arm && t.points > 0).map(([, t]) => ({ raw: t.raw / t.points, huffman: t.huffman / t.points }))
    return { raw: median(of.map((b) => b.raw)), huffman: median(of.map((b) => b.huffman)) }
  }

  try {
    const r = await trainArms(ctx, cfg, data, members, {
      hooks: {
        sync: { every: cfg.syncEvery > 0 ? cfg.syncEvery : 'epoch', run: (s) => syncPoint(s.step) },
        afterEpoch: (s) => {
          best.update(s)
          if (s.epoch >= 1) {
            ctx.logSeries('compression/accuracy', s.step, boxPlot())
            if (Object.keys(lastEntropy).length) entropyByEpoch.push({ ...lastEntropy })
          }
          if (measureGradients && s.epoch >= 1) {
            const values = gradientRms(tf, headKernels.map((k) => k.weight.read() as Variable), gradChunks, (x, y) => headNet.loss(headInfer(x), y), () => ctx.aborted)
            if (!values) return false
            const g: Record<string, number> = {}
            headKernels.forEach((k, i) => {
              g[k.layer] = values[i]
              s.record(`grad_rms/${k.layer}`, values[i])
            })
            gradByEpoch.push(g)
          }
        },
        saveState: () => ({ best: best.save(), totals: [...totals.values()], entropyByEpoch, gradByEpoch, syncIndex, lastEntropy }),
        loadState: (saved: any) => {
          if (!saved || typeof saved !== 'object') return
          best.load(saved.best)
          if (Array.isArray(saved.totals) && saved.totals.length === totals.size) [...totals.values()].forEach((t, i) => Object.assign(t, saved.totals[i]))
          if (Array.isArray(saved.entropyByEpoch)) entropyByEpoch.push(...saved.entropyByEpoch)
          if (Array.isArray(saved.gradByEpoch)) gradByEpoch.push(...saved.gradByEpoch)
          if (Number.isInteger(saved.syncIndex)) syncIndex = saved.syncIndex
          if (saved.lastEntropy && typeof saved.lastEntropy === 'object') lastEntropy = saved.lastEntropy
        }
      }
    })

    // ── the run's figures ──
    const summary: Record<string, number> = {}
    const baseline = cfg.baseline ? best.medians('baseline') : null
    if (baseline) {
      summary['baseline/test/accuracy'] = baseline.accuracy
      summary['baseline/epoch'] = baseline.epoch
    }
    for (const arm of compressed) {
      const m = best.medians(arm)
      const bits = meanBits(arm)
      summary[`${comp.kind === 'fixed' ? 'fixed' : 'floor'}/${arm}/accuracy`] = m.accuracy
      summary[`${comp.kind === 'fixed' ? 'fixed' : 'floor'}/${arm}/epoch`] = m.epoch
      summary[`${arm}/bits/raw`] = bits.raw
      summary[`${arm}/bits/huffman`] = bits.huffman
    }
    const head = best.medians(headline)
    const headBits = meanBits(headline)
    summary['test/accuracy'] = head.accuracy
    summary['bits/raw'] = headBits.raw
    summary['bits/huffman'] = headBits.huffman
    summary['compression/ratio'] = compressionRatio(headBits.huffman)
    summary['compression/ratio_raw'] = compressionRatio(headBits.raw)
    if (comp.kind === 'fixed' && baseline) {
      // The smallest width whose median accuracy is within half a percentage point of the baseline's (Fig. 3.1's "recovers the baseline").
      const recovered = compressed.map(bitsOf).sort((a, b) => a - b).find((b) => best.medians(`bits${b}`).accuracy >= baseline.accuracy - 0.005)
      if (recovered !== undefined) summary['fixed/recovery_bits'] = recovered
    }
    // Correlation of log(G + 1) with H over the epochs, per layer (thesis §3.5: > 0.75).
    if (measureGradients && entropyByEpoch.length >= 3) {
      const correlations: number[] = []
      for (const layer of layerLabels) {
        const pairs = entropyByEpoch.map((h, i) => [h[layer], gradByEpoch[i]?.[layer]] as const).filter(([h, g]) => Number.isFinite(h) && Number.isFinite(g))
        const c = pearson(
          pairs.map(([, g]) => Math.log(g + 1)),
          pairs.map(([h]) => h)
        )
        if (Number.isFinite(c)) {
          summary[`correlation/${layer}`] = c
          correlations.push(c)
        }
      }
      if (correlations.length) summary['correlation/min'] = Math.min(...correlations)
    }

    const at = r.steps
    ctx.logSeries('compression/accuracy', at, boxPlot())
    if (comp.kind === 'dynamic') {
      const floors = compressed.map(bitsOf)
      const base = (v: number | undefined) => floors.map(() => (v === undefined || !Number.isFinite(v) ? null : v))
      const accuracy: CurvesPayload = {
        xLabel: 'floor c',
        yLabel: 'median test accuracy',
        x: floors,
        series: [{ name: 'compressed', y: compressed.map((a) => best.medians(a).accuracy) }, ...(baseline ? [{ name: 'baseline', y: base(baseline.accuracy) }] : [])],
        percent: true
      }
      const epoch: CurvesPayload = {
        xLabel: 'floor c',
        yLabel: 'median epoch of the best validation accuracy',
        x: floors,
        series: [{ name: 'compressed', y: compressed.map((a) => best.medians(a).epoch) }, ...(baseline ? [{ name: 'baseline', y: base(baseline.epoch) }] : [])]
      }
      ctx.logSeries('floors/accuracy', at, accuracy)
      ctx.logSeries('floors/epoch', at, epoch)
    }
    ctx.logSeries('compression/table', at, comparisonTable(cfg, summary))

    ctx.artifact('model.json', 'tfjs-layers-model', await serializeModel(tf, headNet.model))
    return armsSummary(r, summary)
  } finally {
    tf.dispose(gradChunks.flatMap((c) => [c.x, c.y!]))
    for (const m of members) m.model.dispose()
  }
}

/** The run's figures beside the thesis's, one row per published number that this configuration measures. */
function comparisonTable(cfg: WeightCompressionConfig, s: Record<string, number>): TablePayload {
  const rows: TablePayload['rows'] = []
  const row = (figure: string, lab: number | undefined, thesis: number | null, note: string) => rows.push({ figure, lab: lab !== undefined && Number.isFinite(lab) ? +lab.toFixed(4) : null, thesis, note })
  const c = cfg.compression
  const setting = `${cfg.epochs} epochs, ${cfg.trials} trial(s), sync ${cfg.syncEvery > 0 ? `every ${cfg.syncEvery} steps` : 'per epoch'}`
  if (c.kind === 'fixed') {
    row('bits at which the baseline is recovered', s['fixed/recovery_bits'], PUBLISHED_COMPRESSION.fixedRecoveryBits, `median within 0.5 pp of the baseline; ${setting}`)
    for (const b of c.bits) row(`accuracy at ${b} bits`, s[`fixed/bits${b}/accuracy`], null, 'median test accuracy at the best validation epoch')
    row('baseline accuracy', s['baseline/test/accuracy'], null, 'uncompressed, same seeds')
  } else {
    for (const f of c.floors) {
      const pub = f === 5 ? PUBLISHED_COMPRESSION.dynamic.c5 : f === 6 ? PUBLISHED_COMPRESSION.dynamic.c6 : null
      row(`c = ${f}: raw bits per parameter`, s[`c${f}/bits/raw`], pub && 'rawBits' in pub ? pub.rawBits : null, `M = ${c.entropyBits}, F = ${c.fraction}; ${setting}`)
      row(`c = ${f}: Huffman bits per parameter`, s[`c${f}/bits/huffman`], pub ? pub.huffmanBits : null, 'mean over sync points, median over trials')
      row(`c = ${f}: compression ratio (Huffman)`, 32 / s[`c${f}/bits/huffman`], pub ? pub.huffmanRatio : null, '32 ÷ Huffman bits')
      row(`c = ${f}: test accuracy`, s[`floor/c${f}/accuracy`], null, 'median at the best validation epoch')
      row(`c = ${f}: convergence epoch`, s[`floor/c${f}/epoch`], null, 'median epoch of the best validation accuracy')
    }
    row('baseline test accuracy', s['baseline/test/accuracy'], null, 'uncompressed, same seeds')
    row('baseline convergence epoch', s['baseline/epoch'], null, 'thesis: c = 6 converges in 20 % fewer iterations')
    row('min correlation of log(G + 1) with H', s['correlation/min'], PUBLISHED_COMPRESSION.correlationMin, 'thesis: > 0.75 throughout, often > 0.95 (headline net, over epochs)')
  }
  return {
    columns: [
      { key: 'figure', label: 'figure' },
      { key: 'lab', label: 'lab' },
      { key: 'thesis', label: 'thesis' },
      { key: 'note', label: 'settings / note' }
    ],
    rows
  }
}
