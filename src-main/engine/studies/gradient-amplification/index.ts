/**
 * Runner of `gradient-amplification` (thesis ch. 4; shared descriptor src-shared/studies/gradient-amplification/):
 * one net per output variant and trial, trained by the one trainer on the same batches, every variant of trial k
 * from trial k's initial weights, each with its own loss (the training study's `trainingLoss`) and learning rate.
 * After every epoch: each net's best validation epoch so far and the test error there, the medians per variant
 * as curves, a box plot over seeds and the Table 4.1 / 4.2 layout beside the thesis's numbers. At the start: the
 * curvature explainer.
 */
import type { Tensor } from '@tensorflow/tfjs'
import type { BoxPlotPayload, CurvesPayload, TablePayload } from '../../../../src-shared/outputs/payloads'
import { estimateArms, median } from '../../../../src-shared/studies/arms'
import { PUBLISHED_GA, type GaVariant, type GradientAmplificationConfig } from '../../../../src-shared/studies/gradient-amplification'
import { curvatureCurves } from '../../../../src-shared/studies/training/outputs'
import { serializeModel } from '../../compute/mlp'
import { trainingLoss } from '../../compute/outputs'
import { checkMemory } from '../../training/resources'
import type { RunContext, StudyRunner } from '../context'
import { armsSummary, BestEpochs, buildArmMembers, loadArmsData, trainArms } from '../arms'

/** The explainer's three curves on x ∈ [−3, 3] for target t. */
export function curvaturePayload(t: number): CurvesPayload {
  const c = curvatureCurves(t)
  return {
    xLabel: 'output pre-activation x',
    yLabel: `∂²/∂x² of ½(y − t)², t = ${t}`,
    x: c.x.map((v) => +v.toFixed(4)),
    series: [
      { name: 'H_linear (y = x)', y: c.linear },
      { name: 'H_exp (y = eˣ)', y: c.exp },
      { name: 'H_pow3 (y = x³)', y: c.pow3 }
    ]
  }
}

function describeTargets(v: GaVariant): string {
  const p = v.lossParams
  if (!p) return v.loss === 'mse' ? '{0, 1}' : 'one-hot'
  const extra = [p.alpha !== undefined ? `α ${p.alpha}` : '', p.beta !== undefined ? `β ${p.beta}` : ''].filter(Boolean).join(', ')
  return `{${p.otherTarget}, ${p.trueTarget}}${extra ? `, ${extra}` : ''}`
}

export const runGradientAmplification: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as GradientAmplificationConfig
  const data = loadArmsData(ctx, cfg.dataset, 'the gradient-amplification study')
  const { source } = data
  checkMemory(estimateArms(cfg, cfg.variants.length * cfg.trials, { n: source.n, sample: source.sample, classes: source.classes, uint8: source.x instanceof Uint8Array }), ctx.backend)

  const members = buildArmMembers(ctx, cfg, source, cfg.variants, (v) => ({
    optimizer: { ...cfg.optimizer, learningRate: v.learningRate ?? cfg.optimizer.learningRate },
    loss: (out: Tensor, y: Tensor) => trainingLoss(tf, v.loss, v.lossParams, out, y),
    lossName: v.loss === 'mse' || v.loss === 'softmax-cross-entropy' ? v.loss : undefined
  }))
  const best = new BestEpochs(members)
  const published = PUBLISHED_GA[cfg.reference]

  const figures = () =>
    cfg.variants.map((v) => {
      const m = best.medians(v.name)
      return { v, error: 1 - m.accuracy, epochs: m.epoch }
    })

  const table = (): TablePayload => ({
    columns: [
      { key: 'variant', label: 'variant' },
      { key: 'targets', label: 'targets' },
      { key: 'lr', label: 'LR' },
      { key: 'error', label: 'lab error', percent: true },
      { key: 'thesisError', label: 'thesis error', percent: true },
      { key: 'epochs', label: 'lab epochs to best' },
      { key: 'thesisEpochs', label: 'thesis epochs to best' },
      { key: 'note', label: 'thesis setting' }
    ],
    rows: figures().map(({ v, error, epochs }) => {
      const pub = published[v.loss]
      return {
        variant: v.name,
        targets: describeTargets(v),
        lr: v.learningRate ?? cfg.optimizer.learningRate,
        error: Number.isFinite(error) ? +error.toFixed(5) : null,
        thesisError: pub?.error ?? null,
        epochs: Number.isFinite(epochs) ? epochs : null,
        thesisEpochs: pub?.epochs ?? null,
        note: pub ? pub.note : ''
      }
    })
  })

  const boxes = (): BoxPlotPayload => ({
    xLabel: 'output variant',
    yLabel: 'test error at the best validation epoch',
    groups: cfg.variants.map((v) => ({ label: v.name, values: best.testAccuracies(v.name).map((a) => 1 - a) })),
    percent: true
  })

  if (!ctx.resume) ctx.logSeries('ga/curvature', 0, curvaturePayload(cfg.explainerTarget))

  try {
    const r = await trainArms(ctx, cfg, data, members, {
      nanAdvice: 'try a lower learning rate for that variant',
      hooks: {
        afterEpoch: (s) => {
          best.update(s)
          for (const v of cfg.variants) {
            const now = members.filter((m) => m.arm === v.name).map((m) => 1 - s.metrics[`${m.prefix}test/accuracy`])
            s.record(`${v.name}/test/error`, median(now))
          }
          if (s.epoch < 1) return
          ctx.logSeries('ga/errors', s.step, boxes())
          ctx.logSeries('ga/table', s.step, table())
        },
        saveState: () => ({ best: best.save() }),
        loadState: (saved: any) => best.load(saved?.best)
      }
    })
    const summary: Record<string, number> = {}
    for (const { v, error, epochs } of figures()) {
      summary[`table/${v.name}/error`] = error
      summary[`table/${v.name}/epochs_to_best`] = epochs
    }
    ctx.artifact('model.json', 'tfjs-layers-model', await serializeModel(tf, members[0].model))
    return armsSummary(r, summary)
  } finally {
    for (const m of members) m.model.dispose()
  }
}
