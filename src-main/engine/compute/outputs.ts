/**
 * The training study's losses on the network's raw (linear) outputs x against one-hot labels, per
 * src-shared/studies/training/outputs.ts. The thesis ch. 4 variants are written so that, per sample,
 * ∂ℒ/∂x = y − t with t = otherTarget + (trueTarget − otherTarget)·onehot:
 *  - sigmoid / tanh: the output's matching loss Σ softplus(x) − t x, Σ ln cosh x − t x (their derivative is
 *    σ(x) − t, tanh x − t; the literal ½‖σ(x) − t‖² would give (y − t) σ′(x), which the thesis's delta omits);
 *  - linear: ½‖x − t‖²;
 *  - exp-GA: y = α eˣ, sparse cross-entropy Σ(|y| − t ln y) with ln y = ln α + x;
 *  - pow3-GA: y = α x³ + β, negative-correlation loss Σ(¼ α x⁴ + β x − t x).
 * The training loss is the mean of the per-sample losses over the batch.
 */
import { isGaLoss, type LossKind, type LossParams } from '../../../src-shared/studies/training/outputs'
import type { tf as TF } from './backend'
import { lossOf } from './mlp'

/**
 * exp-GA's exponent is clipped at 30 (α e³⁰ ≈ 10¹² for α = 0.1, far above any target) and continued linearly
 * beyond it — y = α e³⁰ (1 + x − 30) — so the loss and its gradient α e³⁰ stay finite in float32 (max ≈ 3.4·10³⁸)
 * even at x = 10⁴ summed over classes and a batch, and still push x down.
 */
export const EXP_CLIP = 30

/** The targets t of one-hot labels. */
export function targetsOf(tf: typeof TF, params: LossParams, onehot: TF.Tensor): TF.Tensor {
  return onehot.mul(params.trueTarget - params.otherTarget).add(params.otherTarget)
}

/** The output y(x) of a variant (what the delta y − t is taken of; prediction is argmax x regardless). */
export function outputOf(tf: typeof TF, loss: LossKind, params: LossParams | undefined, x: TF.Tensor): TF.Tensor {
  switch (loss) {
    case 'softmax-cross-entropy':
      return tf.softmax(x)
    case 'sigmoid-mse':
      return tf.sigmoid(x)
    case 'tanh-mse':
      return tf.tanh(x)
    case 'exp-ga':
      return clippedExp(tf, x).mul(params!.alpha!)
    case 'pow3-ga':
      return tf.square(x).mul(x).mul(params!.alpha!).add(params!.beta!)
    default:
      return x
  }
}

/** eˣ for x ≤ EXP_CLIP, e^EXP_CLIP (1 + x − EXP_CLIP) above it (continuous with its derivative). */
function clippedExp(tf: typeof TF, x: TF.Tensor): TF.Tensor {
  return tf.exp(tf.minimum(x, EXP_CLIP)).mul(tf.relu(x.sub(EXP_CLIP)).add(1))
}

/** The loss of each sample ([batch]) of a thesis variant. */
export function sampleLosses(tf: typeof TF, loss: LossKind, params: LossParams | undefined, x: TF.Tensor, onehot: TF.Tensor): TF.Tensor {
  if (!isGaLoss(loss)) {
    if (loss === 'softmax-cross-entropy') return tf.losses.softmaxCrossEntropy(onehot, x, undefined, undefined, tf.Reduction.NONE)
    // tfjs's mean over classes of (x − t)², t ∈ {0, 1}: the lab's original squared error.
    return tf.squaredDifference(x, onehot).mean(-1)
  }
  const p = params!
  const t = targetsOf(tf, p, onehot)
  let perClass: TF.Tensor
  switch (loss) {
    case 'sigmoid-mse':
      perClass = tf.softplus(x).sub(t.mul(x))
      break
    case 'tanh-mse': {
      // ln cosh x = |x| + ln(1 + e^{−2|x|}) − ln 2, without overflow.
      const a = tf.abs(x)
      perClass = a.add(tf.softplus(a.mul(-2))).sub(Math.LN2).sub(t.mul(x))
      break
    }
    case 'linear-mse':
      perClass = tf.squaredDifference(x, t).mul(0.5)
      break
    case 'exp-ga':
      // |y| − t ln y with ln y = ln α + x (x unclipped: the log needs no exp).
      perClass = clippedExp(tf, x).mul(p.alpha!).sub(t.mul(x.add(Math.log(p.alpha!))))
      break
    case 'pow3-ga':
      perClass = tf.square(tf.square(x)).mul(p.alpha! / 4).add(x.mul(p.beta!)).sub(t.mul(x))
      break
  }
  return perClass.sum(-1)
}

/** The training loss (batch mean) of raw outputs against one-hot labels. */
export function trainingLoss(tf: typeof TF, loss: LossKind, params: LossParams | undefined, x: TF.Tensor, onehot: TF.Tensor): TF.Scalar {
  // The original two stay exactly the tfjs losses they always were (the golden runs pin their numbers).
  if (!isGaLoss(loss)) return lossOf(tf, loss, x, onehot)
  return sampleLosses(tf, loss, params, x, onehot).mean() as TF.Scalar
}
