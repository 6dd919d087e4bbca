/**
 * The output/loss variants of the `training` study (thesis ch. 4, gradient amplification). Every thesis variant
 * is built so that the delta at the output pre-activation x is ∂ℒ/∂x = y − t per sample; they differ in the
 * output y(x) (bounded: softmax, sigmoid, tanh; unbounded: linear, α eˣ, α x³ + β) and in the targets t.
 * Prediction is argmax x for every variant. The two losses the lab had before keep their meaning:
 * `softmax-cross-entropy` (t ∈ {0, 1}) and `mse` (tfjs's mean over classes of (x − t)², t ∈ {0, 1}).
 */
import { z } from 'zod'

/** The losses with no parameters: the lab's original two. */
export const PLAIN_LOSSES = ['softmax-cross-entropy', 'mse'] as const
/** The thesis's variants with targets (and α, β) as parameters, in `lossParams`. */
export const GA_LOSSES = ['sigmoid-mse', 'tanh-mse', 'linear-mse', 'exp-ga', 'pow3-ga'] as const
export const LOSSES = [...PLAIN_LOSSES, ...GA_LOSSES] as const
export type LossKind = (typeof LOSSES)[number]
export type GaLoss = (typeof GA_LOSSES)[number]

const target = z.number().min(-1000).max(1000)
/** Targets: `trueTarget` for the true class, `otherTarget` for the others (e.g. {0, 16}, {−1, 1}). */
const targets = { trueTarget: target, otherTarget: target }
/** exp-GA's α in y = α eˣ (thesis: 0.1); pow3-GA's α in y = α x³ + β (thesis: 0.001). */
const alpha = z.number().gt(0).max(1000)
/** pow3-GA's offset β (thesis: 0.4). */
const beta = z.number().min(-1000).max(1000)

/**
 * The parameters a variant uses, and only those: MSE variants have targets, exp-GA adds α, pow3-GA α and β.
 * One schema (fields of the variants that lack them are refused by `lossParamsProblems`), so the form can edit
 * it as plain fields shown for the variants they belong to.
 */
export const lossParamsSchema = z.strictObject({ ...targets, alpha: alpha.optional(), beta: beta.optional() })
export type LossParams = z.infer<typeof lossParamsSchema>

/** What each variant starts with (thesis ch. 4, Table 4.1 and §4.3). */
export const LOSS_PARAMS_DEFAULTS: Record<GaLoss, LossParams> = {
  'sigmoid-mse': { trueTarget: 1, otherTarget: 0 },
  'tanh-mse': { trueTarget: 1, otherTarget: -1 },
  'linear-mse': { trueTarget: 1, otherTarget: -1 },
  'exp-ga': { trueTarget: 16, otherTarget: 0, alpha: 0.1 },
  'pow3-ga': { trueTarget: 10, otherTarget: 0, alpha: 0.001, beta: 0.4 }
}

/** The params each variant holds besides the targets. */
const EXTRA: Record<GaLoss, readonly ('alpha' | 'beta')[]> = { 'sigmoid-mse': [], 'tanh-mse': [], 'linear-mse': [], 'exp-ga': ['alpha'], 'pow3-ga': ['alpha', 'beta'] }

export function isGaLoss(loss: string): loss is GaLoss {
  return (GA_LOSSES as readonly string[]).includes(loss)
}

/** Problems of a config's `loss` / `lossParams` pair (paths relative to the config). */
export function lossParamsProblems(loss: LossKind, params: LossParams | undefined): { path: (string | number)[]; message: string }[] {
  if (!isGaLoss(loss)) return params ? [{ path: ['lossParams'], message: `${loss} has no targets or α/β: remove lossParams` }] : []
  if (!params) return [{ path: ['lossParams'], message: `${loss} needs its targets${EXTRA[loss].length ? ` and ${EXTRA[loss].join(', ')}` : ''} (lossParams)` }]
  const out: { path: (string | number)[]; message: string }[] = []
  for (const k of ['alpha', 'beta'] as const) {
    const wanted = EXTRA[loss].includes(k)
    if (wanted && params[k] === undefined) out.push({ path: ['lossParams', k], message: `${loss} needs ${k}` })
    if (!wanted && params[k] !== undefined) out.push({ path: ['lossParams', k], message: `${loss} has no ${k}: remove it` })
  }
  return out
}

/**
 * The curvature explainer (thesis ch. 4): ∂²/∂x² of the squared error ½(y − t)² when the output is y = x, eˣ or
 * x³ — flat for the linear output, exploding for the amplifying ones, which is why exp-GA and pow3-GA pair their
 * outputs with losses whose delta is y − t instead. Per class, target t, as the thesis draws them (α = 1, β = 0).
 */
export function curvatureLinear(_x: number): number {
  return 1
}

/** exp-GA's curve as the thesis draws it: H_exp = e^{2x} − eˣ (t − eˣ). */
export function curvatureExp(x: number, t: number): number {
  const e = Math.exp(x)
  return Math.exp(2 * x) - e * (t - e)
}

/** pow3-GA's curve as the thesis draws it: H_pow3 = 9x⁴ − 6x(−x³ + t). */
export function curvaturePow3(x: number, t: number): number {
  return 9 * x ** 4 - 6 * x * (-(x ** 3) + t)
}

/** The three curves sampled on [from, to] (n points), for the explainer chart. */
export function curvatureCurves(t: number, from = -3, to = 3, n = 121): { x: number[]; linear: number[]; exp: number[]; pow3: number[] } {
  const x = Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1))
  return { x, linear: x.map(curvatureLinear), exp: x.map((v) => curvatureExp(v, t)), pow3: x.map((v) => curvaturePow3(v, t)) }
}
