/**
 * One layer of a network given as a layer list (the `training` study's `network.layers`, the elasticity
 * studies' models): a discriminated union by `type`, so a layer holds exactly the fields its type uses.
 * The output layer (one unit per class) is never in the list: the study adds it from the loss.
 */
import { z } from 'zod'

export const LAYER_TYPES = ['dense', 'conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dropout', 'batchnorm'] as const
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leaky-relu', 'celu'] as const
export type Activation = (typeof ACTIVATIONS)[number]

const activation = z.enum(ACTIVATIONS)
const padding = z.enum(['valid', 'same'])
const strides = z.number().int().min(1).max(8)

export const denseLayerSchema = z.strictObject({ type: z.literal('dense'), units: z.number().int().min(1).max(4096), activation })
export const conv2dLayerSchema = z.strictObject({
  type: z.literal('conv2d'),
  filters: z.number().int().min(1).max(1024),
  kernelSize: z.number().int().min(1).max(15),
  strides,
  padding,
  activation
})
const pool = (type: 'maxpool2d' | 'avgpool2d') => z.strictObject({ type: z.literal(type), poolSize: z.number().int().min(1).max(8), strides, padding })
export const layerSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv2dLayerSchema,
  pool('maxpool2d'),
  pool('avgpool2d'),
  z.strictObject({ type: z.literal('flatten') }),
  z.strictObject({ type: z.literal('dropout'), rate: z.number().min(0).max(0.95) }),
  /** Batch normalisation, then the activation (linear = none). */
  z.strictObject({ type: z.literal('batchnorm'), activation })
])

export type Layer = z.infer<typeof layerSchema>
export type LayerType = Layer['type']

/** What a layer of each type starts with (in the layer editor, and when a form switches a layer's type). */
export const LAYER_VARIANTS: Record<LayerType, Layer> = {
  dense: { type: 'dense', units: 64, activation: 'relu' },
  conv2d: { type: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
  maxpool2d: { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
  avgpool2d: { type: 'avgpool2d', poolSize: 2, strides: 2, padding: 'valid' },
  flatten: { type: 'flatten' },
  dropout: { type: 'dropout', rate: 0.5 },
  batchnorm: { type: 'batchnorm', activation: 'linear' }
}

/** Shorthands for layer lists in templates and tests. */
export const dense = (units: number, act: Activation = 'relu'): Layer => ({ type: 'dense', units, activation: act })
export const conv2d = (filters: number, kernelSize = 3, act: Activation = 'relu', pad: 'valid' | 'same' = 'valid', stride = 1): Layer => ({
  type: 'conv2d',
  filters,
  kernelSize,
  strides: stride,
  padding: pad,
  activation: act
})
export const maxpool2d = (poolSize = 2): Layer => ({ type: 'maxpool2d', poolSize, strides: poolSize, padding: 'valid' })

/**
 * A pre-discrimination layer (every type carried `units` and `activation`; optional fields fell back to
 * defaults: kernel 3, conv strides 1, pool strides = pool size, padding valid, conv filters = units,
 * dropout rate 0.5) as a layer of today's form with those defaults made explicit. Today's layers pass through.
 */
export function upgradeLayer(old: any): Layer {
  if (!old || typeof old !== 'object') return old
  const type: LayerType = old.type ?? 'dense'
  switch (type) {
    case 'dense':
      return { type, units: old.units, activation: old.activation ?? 'linear' }
    case 'conv2d':
      return { type, filters: old.filters ?? old.units, kernelSize: old.kernelSize ?? 3, strides: old.strides ?? 1, padding: old.padding ?? 'valid', activation: old.activation ?? 'linear' }
    case 'maxpool2d':
    case 'avgpool2d': {
      const poolSize = old.poolSize ?? 2
      return { type, poolSize, strides: old.strides ?? poolSize, padding: old.padding ?? 'valid' }
    }
    case 'flatten':
      return { type }
    case 'dropout':
      return { type, rate: old.rate ?? 0.5 }
    case 'batchnorm':
      return { type, activation: old.activation ?? 'linear' }
    default:
      return old
  }
}

/** "64 relu", "conv 16 3×3", "max-pool 2": one layer in words (summaries, the experiments list). */
export function describeLayer(l: Layer): string {
  switch (l.type) {
    case 'dense':
      return `${l.units} ${l.activation}`
    case 'conv2d':
      return `conv ${l.filters} ${l.kernelSize}×${l.kernelSize}${l.activation === 'linear' ? '' : ` ${l.activation}`}`
    case 'maxpool2d':
      return `max-pool ${l.poolSize}`
    case 'avgpool2d':
      return `avg-pool ${l.poolSize}`
    case 'flatten':
      return 'flatten'
    case 'dropout':
      return `dropout ${l.rate}`
    case 'batchnorm':
      return l.activation === 'linear' ? 'batch-norm' : `batch-norm ${l.activation}`
  }
}
