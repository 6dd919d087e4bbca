/**
 * The `blas` backend: tfjs-wasm with its GEMM-shaped kernels — BatchMatMul, _FusedMatMul, Conv2D, FusedConv2D,
 * Conv2DBackpropInput, Conv2DBackpropFilter — sent to OpenBLAS (Accelerate on macOS) through the lab's native addon
 * (`native/blas/`). Everything else (elementwise, pooling, reductions, softmax) stays on wasm's SIMD kernels, and
 * tensors stay in the wasm heap: the addon works on Float32Array views of it, no copies either way.
 *
 * Why: training an MLP or a CNN is mostly GEMM, and wasm's GEMM is single-threaded at ≈ 30 GFLOP/s here while
 * OpenBLAS reaches ≈ 118 on one core (issue 14; `npm run bench -- --peer` has the end-to-end figures).
 *
 * The overrides are kernel-registry entries for tfjs's `wasm` backend, installed by `useBackend('blas')` and taken
 * out again by `useBackend('wasm')` (the registry is per thread, like the backend), so the two stay separate
 * backends a run records by name. Shapes or dtypes the addon does not take (NCHW, int tensors, a PReLU epilogue, a
 * broadcast the GEMM loop cannot express) go to wasm's own kernel — by rule, not by failure.
 */
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
// From @tensorflow/tfjs (never tfjs-core directly: see wasmKernels.ts).
import { backend_util, broadcast_util, getKernel, registerKernel, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs'

/** The addon's entry points (native/blas/lab_blas.c). */
export interface BlasAddon {
  gemm(dims: Int32Array, a: Float32Array, b: Float32Array, c: Float32Array): void
  conv2d(dims: Int32Array, x: Float32Array, filter: Float32Array, y: Float32Array): void
  conv2dBackpropFilter(dims: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void
  conv2dBackpropInput(dims: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void
  biasActivation(y: Float32Array, bias: Float32Array | null, dims: Int32Array, alpha: number): void
  maxPoolGrad(dims: Int32Array, x: Float32Array, dy: Float32Array, dx: Float32Array): void
  sumLeading(dims: Int32Array, x: Float32Array, out: Float32Array): void
  addRow(dims: Int32Array, x: Float32Array, row: Float32Array, out: Float32Array): void
  setThreads(n: number): void
  threads(): number
  config(): string
}

/** The kernels this backend runs natively; the resolver lists them. */
export const NATIVE_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'Sum', 'Add', 'Identity'] as const

const ADDON_PATH = join('native', 'blas', 'build', 'Release', 'lab_blas.node')

/** The addon file: found by walking up from this module (src-main/engine/compute/ in tests, out/main/ when built). */
export function findBlasAddon(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) {
    const candidate = join(dir, ADDON_PATH)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) break
  }
  return null
}

let addon: BlasAddon | null = null

/** Load the addon once per thread; throws a readable reason when it was not built or OpenBLAS is missing. */
export function loadBlasAddon(): BlasAddon {
  if (addon) return addon
  const path = findBlasAddon()
  if (!path) throw new Error('the native BLAS addon is not built (npm install builds it where a C compiler is present; then `npm run build:native`)')
  addon = createRequire(import.meta.url)(path) as BlasAddon
  return addon
}

// ------------------------------------------------------------------------------------------- kernels

/** What the overrides need from tfjs-wasm's BackendWasm (public members, not in tfjs's KernelBackend type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo
  typedArrayFromHeap(t: TensorInfo): Float32Array
  incRef(dataId: object): void
}

const original = new Map<string, KernelConfig>()

function fallback(name: string): KernelFunc {
  const k = original.get(name)
  if (!k) throw new Error(`the wasm backend has no ${name} kernel to fall back to`)
  return k.kernelFunc
}

const allFloat = (...ts: (TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32')

/** The fused epilogues the addon applies (native/blas/lab_blas.c, biasActivation). */
const ACTIVATION_KIND: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5 }

/** Batched row-major GEMM of a [..., M, K] (or [..., K, M]) by b; null when the batch broadcast is not 1-or-all. */
function batchMatMul(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const ra = a.shape.length
  const rb = b.shape.length
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2]
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1]
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1]
  const outerA = a.shape.slice(0, -2)
  const outerB = b.shape.slice(0, -2)
  const batchA = util.sizeFromShape(outerA)
  const batchB = util.sizeFromShape(outerB)
  const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB)
  const batch = util.sizeFromShape(outer)
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) return null
  const out = backend.makeOutput([...outer, m, n], 'float32')
  // Views after makeOutput: growing the wasm heap detaches earlier ones.
  loadBlasAddon().gemm(Int32Array.of(batch, batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0), backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out))
  return out
}

const batchMatMulKernel: KernelFunc = (args) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean }
  if (!allFloat(a, b)) return fallback('BatchMatMul')(args)
  return batchMatMul(args.backend as unknown as WasmBackend, a, b, transposeA, transposeB) ?? fallback('BatchMatMul')(args)
}

/** Bias + activation in place on `out` whose last axis has `columns`; false when this epilogue is not native. */
function epilogueSupported(bias: TensorInfo | undefined, activation: string | undefined, columns: number, prelu: TensorInfo | undefined): boolean {
  if (prelu || !(String(activation ?? 'linear') in ACTIVATION_KIND)) return false
  if (!bias) return true
  const size = util.sizeFromShape(bias.shape)
  return bias.dtype === 'float32' && (size === 1 || (size === columns && bias.shape[bias.shape.length - 1] === columns))
}

function applyEpilogue(backend: WasmBackend, out: TensorInfo, bias: TensorInfo | undefined, activation: string | undefined, alpha: number | undefined): void {
  const kind = ACTIVATION_KIND[activation ?? 'linear']
  if (!bias && kind === 0) return
  const columns = out.shape[out.shape.length - 1]
  loadBlasAddon().biasActivation(backend.typedArrayFromHeap(out), bias ? backend.typedArrayFromHeap(bias) : null, Int32Array.of(columns, kind), alpha ?? 0.2)
}

const fusedMatMulKernel: KernelFunc = (args) => {
  const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number }
  const backend = args.backend as unknown as WasmBackend
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]
  if (!allFloat(a, b) || !epilogueSupported(bias, activation, n, preluActivationWeights)) return fallback('_FusedMatMul')(args)
  const out = batchMatMul(backend, a, b, transposeA, transposeB)
  if (!out) return fallback('_FusedMatMul')(args)
  applyEpilogue(backend, out, bias, activation, leakyreluAlpha)
  return out
}

/** The addon's convolution geometry: [B, H, W, Ci, oH, oW, Co, kh, kw, sH, sW, dH, dW, padTop, padLeft]. */
function convDims(info: backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left
  )
}

interface ConvAttrs {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dilations: [number, number] | number
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  activation?: string
  leakyreluAlpha?: number
}

function conv(args: Parameters<KernelFunc>[0], name: 'Conv2D' | 'FusedConv2D'): TensorInfo | TensorInfo[] {
  const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  const attrs = args.attrs as unknown as ConvAttrs
  const backend = args.backend as unknown as WasmBackend
  const co = filter.shape[3]
  const fused = name === 'FusedConv2D'
  if (attrs.dataFormat === 'NCHW' || !allFloat(x, filter) || (fused && !epilogueSupported(bias, attrs.activation, co, preluActivationWeights))) return fallback(name)(args)
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast')
  const out = backend.makeOutput(info.outShape, 'float32')
  loadBlasAddon().conv2d(convDims(info), backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out))
  if (fused) applyEpilogue(backend, out, bias, attrs.activation, attrs.leakyreluAlpha)
  return out
}

const conv2DKernel: KernelFunc = (args) => conv(args, 'Conv2D')
const fusedConv2DKernel: KernelFunc = (args) => conv(args, 'FusedConv2D')

const conv2DBackpropInputKernel: KernelFunc = (args) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo }
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] }
  if (attrs.dataFormat === 'NCHW' || !allFloat(dy, filter)) return fallback('Conv2DBackpropInput')(args)
  const backend = args.backend as unknown as WasmBackend
  const info = backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast')
  const out = backend.makeOutput(info.inShape, 'float32')
  loadBlasAddon().conv2dBackpropInput(convDims(info), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out))
  return out
}

const conv2DBackpropFilterKernel: KernelFunc = (args) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo }
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] }
  if (attrs.dataFormat === 'NCHW' || !allFloat(x, dy)) return fallback('Conv2DBackpropFilter')(args)
  const backend = args.backend as unknown as WasmBackend
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast')
  const out = backend.makeOutput(attrs.filterShape, 'float32')
  loadBlasAddon().conv2dBackpropFilter(convDims(info), backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out))
  return out
}

/*
 * Not GEMMs, but measured: with the convolutions native, wasm's MaxPoolGrad took 21 of a CNN step's 52 ms and its
 * Sum over leading axes (every bias gradient; wasm transposes first) 3 ms.
 */
const maxPoolGradKernel: KernelFunc = (args) => {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo }
  const attrs = args.attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }
  if (!allFloat(dy, input) || input.shape.length !== 4) return fallback('MaxPoolGrad')(args)
  const backend = args.backend as unknown as WasmBackend
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode)
  const out = backend.makeOutput(input.shape, 'float32')
  const dims = Int32Array.of(info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left)
  loadBlasAddon().maxPoolGrad(dims, backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out))
  return out
}

/** Sum over a leading run of axes (0 … k−1) natively; any other reduction on wasm. */
const sumKernel: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo }
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean }
  const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q)
  const leading = axes.length > 0 && axes.every((a, i) => a === i)
  if (x.dtype !== 'float32' || !leading) return fallback('Sum')(args)
  const backend = args.backend as unknown as WasmBackend
  const k = axes.length
  const rows = util.sizeFromShape(x.shape.slice(0, k))
  const cols = util.sizeFromShape(x.shape.slice(k))
  const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k), 'float32')
  loadBlasAddon().sumLeading(Int32Array.of(rows, cols), backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out))
  return out
}

/** x + a bias row (b's shape is x's last axis): every dense and conv layer's bias add; any other Add on wasm. */
const addKernel: KernelFunc = (args) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
  const cols = a.shape[a.shape.length - 1]
  if (!allFloat(a, b) || b.shape.length !== 1 || a.shape.length < 2 || b.shape[0] !== cols || cols === 0) return fallback('Add')(args)
  const backend = args.backend as unknown as WasmBackend
  const out = backend.makeOutput(a.shape, 'float32')
  loadBlasAddon().addRow(Int32Array.of(cols), backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out))
  return out
}

/**
 * Identity shares the input's data (as tfjs's cpu backend does) instead of copying it: tfjs clones every tensor it
 * saves for the backward pass, and wasm's copies of a CNN's activations cost ≈ 1 ms a step. Safe because tfjs
 * never writes into a tensor's data (a variable's assign swaps its data for a new one).
 */
const identityKernel: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo }
  ;(backend as unknown as WasmBackend).incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

const OVERRIDES: Record<(typeof NATIVE_KERNELS)[number], KernelFunc> = {
  BatchMatMul: batchMatMulKernel,
  _FusedMatMul: fusedMatMulKernel,
  Conv2D: conv2DKernel,
  FusedConv2D: fusedConv2DKernel,
  Conv2DBackpropInput: conv2DBackpropInputKernel,
  Conv2DBackpropFilter: conv2DBackpropFilterKernel,
  MaxPoolGrad: maxPoolGradKernel,
  Sum: sumKernel,
  Add: addKernel,
  Identity: identityKernel
}

let installed = false

/** Send the GEMM kernels of tfjs's `wasm` backend in this thread to OpenBLAS (idempotent). */
export function installBlasKernels(): void {
  loadBlasAddon()
  if (installed) return
  for (const name of NATIVE_KERNELS) {
    if (!original.has(name)) {
      const k = getKernel(name, 'wasm')
      if (!k) throw new Error(`the wasm backend has no ${name} kernel`)
      original.set(name, k)
    }
    unregisterKernel(name, 'wasm')
    registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: OVERRIDES[name] })
  }
  installed = true
}

/** Give the `wasm` backend its own kernels back (idempotent). */
export function removeBlasKernels(): void {
  if (!installed) return
  for (const name of NATIVE_KERNELS) {
    unregisterKernel(name, 'wasm')
    registerKernel(original.get(name)!)
  }
  installed = false
}

/**
 * wasm kernels bind their C functions in a setup step that tfjs runs when the backend is first set; one that was
 * swapped out then (or is the fallback of an override) is bound here, against the live backend. Idempotent.
 */
export function setUpOriginalKernels(backend: object): void {
  for (const k of original.values()) k.setupFunc?.(backend as never)
}
