/**
 * Local elasticity probe (He & Su, ICLR 2020; study spec `local-elasticity.md`): how much one SGD step on
 * a base example x moves the predictions on other examples x′. Works on any tfjs LayersModel and runs
 * inside the run's worker: per base point one gradient, one step, ONE batched forward pass over
 * [x; all x′], and a restore — no per-sample round trips.
 *
 *  exact LE(x, x′)  = ‖z(x′, w⁺) − z(x′, w)‖ / ‖z(x, w⁺) − z(x, w)‖            (z = the model's raw outputs)
 *  exact S_ker      = ĝ·(z(x′, w⁺) − z(x′, w)) / (−γ‖g‖),  g = ∂ℒ/∂z(x), ĝ = g/‖g‖
 *  first-order S_ker = ĝᵀ J(x′) J(x)ᵀ ĝ  (J = ∂z/∂w: the NTK at the current weights, seen along ĝ)
 * For a scalar output these are the slides' S_rel and S_ker exactly. If a step moves z(x) by less than
 * float precision, γ is multiplied by 3 and the step retried (the reference code's rule); γ used is returned.
 */
import type { tf as TF } from '../../compute/backend'
import { lossOf } from '../../compute/mlp'

export type ProbeLoss = 'mse' | 'softmax-cross-entropy'

export interface ExactElasticity {
  nBase: number
  nTest: number
  /** LE(x_i, x′_j), row-major nBase × nTest. */
  le: Float32Array
  /** Exact kernelized change, row-major nBase × nTest. */
  kerExact: Float32Array
  /** Step size used per base point (after ×3 retries). */
  gamma: Float64Array
  /** ‖z(x_i, w⁺) − z(x_i, w)‖ per base point. */
  selfChange: Float64Array
}

/** Smallest ‖Δz(x)‖ accepted before γ is tripled (float32 outputs carry ~7 digits). */
const MIN_SELF_CHANGE = 1e-5
const MAX_RETRIES = 20

/** The model's trainable variables (what a step moves). */
export function weightsOf(model: TF.LayersModel): TF.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: TF.Variable }).val)
}

/**
 * Exact elasticity of every base example against every test example. `yBase` holds the targets the
 * model trains on (one-hot for classification, values for regression), one row per base example.
 * The model's weights are restored exactly after each base point (snapshots, not inverse steps).
 */
export function exactElasticity(
  tf: typeof TF,
  model: TF.LayersModel,
  loss: ProbeLoss,
  xBase: TF.Tensor,
  yBase: TF.Tensor,
  xTest: TF.Tensor,
  gamma: number
): ExactElasticity {
  const nBase = xBase.shape[0]
  const nTest = xTest.shape[0]
  const vars = weightsOf(model)
  const snapshot = vars.map((v) => tf.keep(v.clone()))
  const le = new Float32Array(nBase * nTest)
  const kerExact = new Float32Array(nBase * nTest)
  const gammaUsed = new Float64Array(nBase)
  const selfChange = new Float64Array(nBase)
  const zTestBefore = tf.tidy(() => model.predict(xTest) as TF.Tensor2D)
  try {
    for (let i = 0; i < nBase; i++) {
      tf.tidy(() => {
        const x = xBase.slice([i], [1])
        const y = yBase.slice([i], [1])
        const both = tf.concat([x, xTest], 0)
        const zBefore = tf.concat([model.predict(x) as TF.Tensor2D, zTestBefore], 0)
        // g = ∂ℒ/∂z(x): the direction the step pushes the output of x.
        const zx = zBefore.slice([0], [1])
        const g = tf.grad((z: TF.Tensor) => lossOf(tf, loss, z, y))(zx)
        const gNorm = tf.norm(g).dataSync()[0]
        const ghat = gNorm > 0 ? g.div(gNorm) : g
        const { grads } = tf.variableGrads(() => lossOf(tf, loss, model.apply(x, { training: false }) as TF.Tensor, y), vars)
        // One trial step of size `step`: output changes of x and every x′, weights restored after.
        const trial = (step: number) =>
          tf.tidy(() => {
            vars.forEach((v) => v.assign(v.sub(grads[v.name].mul(step))))
            const dz = (model.predict(both) as TF.Tensor2D).sub(zBefore)
            const norms = tf.norm(dz, 'euclidean', 1).dataSync() as Float32Array
            const proj = dz.matMul(ghat.reshape([-1, 1])).dataSync() as Float32Array
            vars.forEach((v, k) => v.assign(snapshot[k]))
            return { norms, proj }
          })
        let step = gamma
        let r = trial(step)
        for (let attempt = 0; attempt < MAX_RETRIES && gNorm > 0 && r.norms[0] < MIN_SELF_CHANGE; attempt++) {
          step *= 3
          r = trial(step)
        }
        selfChange[i] = r.norms[0]
        for (let j = 0; j < nTest; j++) {
          le[i * nTest + j] = r.norms[0] > 0 ? r.norms[j + 1] / r.norms[0] : NaN
          kerExact[i * nTest + j] = gNorm > 0 ? r.proj[j + 1] / (-step * gNorm) : NaN
        }
        gammaUsed[i] = step
      })
    }
  } finally {
    vars.forEach((v, k) => v.assign(snapshot[k]))
    tf.dispose([...snapshot, zTestBefore])
  }
  return { nBase, nTest, le, kerExact, gamma: gammaUsed, selfChange }
}

/** Largest per-example Jacobian kept for S_ker (test points × outputs × parameters, float32): 400 MB. */
export const MAX_JACOBIAN_FLOATS = 100_000_000

/**
 * Rows (j, c) = ∂z_c(x′_j)/∂w of every test point, flattened over the parameters: [nTest·k, P]. It does not
 * depend on the base points, so a probe builds it once and passes it to `kernelElasticity` for every chunk.
 * Throws when it would exceed MAX_JACOBIAN_FLOATS (the caller turns that into a readable run failure).
 */
export function testJacobian(tf: typeof TF, model: TF.LayersModel, xTest: TF.Tensor): TF.Tensor2D {
  const nTest = xTest.shape[0]
  const vars = weightsOf(model)
  const k = tf.tidy(() => (model.predict(xTest.slice([0], [1])) as TF.Tensor2D).shape[1])
  const params = vars.reduce((n, v) => n + v.size, 0)
  if (nTest * k * params > MAX_JACOBIAN_FLOATS) {
    throw new Error(`the first-order kernel needs ${nTest} test points × ${k} outputs × ${params} parameters = ${((nTest * k * params * 4) / 1e9).toFixed(1)} GB of per-example gradients (limit ${(MAX_JACOBIAN_FLOATS * 4) / 1e9} GB); use fewer test points or switch the kernel off`)
  }
  const flat = (grads: Record<string, TF.Tensor>) => tf.concat(vars.map((v) => grads[v.name].reshape([-1])))
  return tf.tidy(() => {
    const rows: TF.Tensor[] = []
    for (let j = 0; j < nTest; j++) {
      const xj = xTest.slice([j], [1])
      for (let c = 0; c < k; c++) {
        rows.push(tf.tidy(() => flat(tf.variableGrads(() => (model.apply(xj, { training: false }) as TF.Tensor).slice([0, c], [1, 1]).sum() as TF.Scalar, vars).grads)))
      }
    }
    return tf.stack(rows) as TF.Tensor2D
  })
}

/**
 * First-order kernelized elasticity ĝᵢᵀ J(x′ⱼ) J(xᵢ)ᵀ ĝᵢ, row-major nBase × nTest. J(x)ᵀ g is the loss
 * gradient at x; J(x′) comes from `testJacobian` (built here when not given), so every base point is a
 * single matrix product.
 */
export function kernelElasticity(tf: typeof TF, model: TF.LayersModel, loss: ProbeLoss, xBase: TF.Tensor, yBase: TF.Tensor, xTest: TF.Tensor, jacobian?: TF.Tensor2D): Float32Array {
  const nBase = xBase.shape[0]
  const nTest = xTest.shape[0]
  const vars = weightsOf(model)
  const flat = (grads: Record<string, TF.Tensor>) => tf.concat(vars.map((v) => grads[v.name].reshape([-1])))
  const jTest = jacobian ?? testJacobian(tf, model, xTest)
  const k = jTest.shape[0] / nTest
  try {
    const out = new Float32Array(nBase * nTest)
    for (let i = 0; i < nBase; i++) {
      tf.tidy(() => {
        const x = xBase.slice([i], [1])
        const y = yBase.slice([i], [1])
        const z = model.predict(x) as TF.Tensor2D
        const g = tf.grad((zz: TF.Tensor) => lossOf(tf, loss, zz, y))(z).reshape([k])
        const gNorm = tf.norm(g).dataSync()[0]
        if (gNorm === 0) {
          out.fill(NaN, i * nTest, (i + 1) * nTest)
          return
        }
        const ghat = g.div(gNorm)
        // J(x)ᵀ ĝ = ∇_w ℒ(x) / ‖g‖.
        const v = flat(tf.variableGrads(() => lossOf(tf, loss, model.apply(x, { training: false }) as TF.Tensor, y), vars).grads).div(gNorm)
        const jv = jTest.matMul(v.reshape([-1, 1])).reshape([nTest, k]) // J(x′_j) J(x)ᵀ ĝ
        const s = jv.matMul(ghat.reshape([k, 1])).dataSync()
        for (let j = 0; j < nTest; j++) out[i * nTest + j] = s[j]
      })
    }
    return out
  } finally {
    if (!jacobian) jTest.dispose()
  }
}
