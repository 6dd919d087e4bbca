/**
 * Kernels the wasm backend (tfjs 4.22) lacks for training CNNs, built from kernels it has.
 *
 * wasm has Conv2D, Conv2DBackpropInput, MaxPoolGrad, AvgPoolGrad, FusedBatchNorm, Step, … but no
 * Conv2DBackpropFilter, so the gradient of every conv2d weight throws. The filter gradient is itself a
 * convolution: with xp the padded input [B, Hp, Wp, Ci], dy [B, oH, oW, Co] and stride s,
 *   dW[a, b, ci, co] = Σ_{n, i, j} xp[n, i·s + a, j·s + b, ci] · dy[n, i, j, co]
 * which is Conv2D(x' = xp transposed to [Ci, Hp, Wp, B], f' = dy transposed to [oH, oW, B, Co],
 * stride 1, dilation s, valid) → [Ci, Hp − (oH−1)·s, Wp − (oW−1)·s, Co], sliced to the filter size and
 * transposed back to [kh, kw, Ci, Co]. It calls the wasm kernels directly (no tfjs ops, no engine
 * bookkeeping) and frees its intermediates. Matches the cpu backend to ~1e-5 (test/unit/cnnGradients.test.ts).
 *
 * Registration is per thread (the kernel registry is module state): `useBackend('wasm')` calls
 * `registerWasmTrainingKernels()`, so the engine, every run worker, the CLI and the bench get it.
 */
// From @tensorflow/tfjs (never tfjs-core directly: the bundle keeps only dependencies external, and a second
// bundled copy of tfjs-core would have its own, empty kernel registry).
import { backend_util, getKernel, registerKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs'

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean
}

function kernel(name: string): KernelFunc {
  const k = getKernel(name, 'wasm')
  if (!k) throw new Error(`the wasm backend has no ${name} kernel`)
  return k.kernelFunc
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
    dataFormat: 'NHWC' | 'NCHW'
    dimRoundingMode?: 'floor' | 'round' | 'ceil'
    filterShape: [number, number, number, number]
  }
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only')
  const b = backend as unknown as WasmBackendLike
  const run = (name: string, ins: Record<string, TensorInfo>, at: Record<string, unknown>) =>
    kernel(name)({ inputs: ins, backend, attrs: at as any }) as TensorInfo
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast')
  const { top, bottom, left, right } = info.padInfo
  const [kh, kw, ci, co] = filterShape
  const temps: TensorInfo[] = []
  const keep = (t: TensorInfo) => (temps.push(t), t)
  try {
    // Padding as the forward pass saw it ('same' pads only what the output needs).
    const xp = top || bottom || left || right ? keep(run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })) : x
    const xT = keep(run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] })) // [Ci, Hp, Wp, B]
    const dyT = keep(run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] })) // [oH, oW, B, Co]
    const full = keep(
      run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth], dimRoundingMode: undefined })
    ) // [Ci, Hp − (oH−1)s, Wp − (oW−1)s, Co]
    const sliced = full.shape[1] === kh && full.shape[2] === kw ? full : keep(run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }))
    return run('Transpose', { x: sliced }, { perm: [1, 2, 0, 3] }) // [kh, kw, Ci, Co]
  } finally {
    for (const t of temps) b.disposeData(t.dataId)
  }
}

const KERNELS: KernelConfig[] = [{ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter }]

/** Register the missing wasm training kernels in this thread (idempotent; keeps any kernel wasm already has). */
export function registerWasmTrainingKernels(): void {
  for (const k of KERNELS) if (!getKernel(k.kernelName, k.backendName)) registerKernel(k)
}
