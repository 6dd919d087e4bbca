/**
 * The network graph spec: a JSON description of any feed-forward network as nodes and edges — what the graph
 * editor edits, what a training config stores in `network.graph`, and what the engine builds a tfjs functional
 * model from. Pure TypeScript (zod only), shared by the engine and the renderer.
 *
 *  - `input`: the dataset's samples ([d] or [H, W, C]); exactly one, no incoming edge.
 *  - `output`: a dense layer with one unit per class (linear; the loss adds the softmax); exactly one,
 *    no outgoing edge. Like the layer list, an image reaching it (or a dense node) is flattened automatically.
 *  - layers (`dense`, `conv2d`, `maxpool2d`, `avgpool2d`, `flatten`, `dropout`, `batchnorm`, `activation`):
 *    exactly one incoming edge; their params are the layer list's fields.
 *  - `add` (element-wise sum, all inputs of one shape) and `concatenate` (along `axis`, default the last:
 *    features or channels): two or more incoming edges; concatenate takes its inputs in the order of the edges.
 * Positions are the editor's and do not change the network.
 */
import { z } from 'zod'

export const GRAPH_NODE_TYPES = [
  'input',
  'dense',
  'conv2d',
  'maxpool2d',
  'avgpool2d',
  'flatten',
  'dropout',
  'batchnorm',
  'activation',
  'add',
  'concatenate',
  'output'
] as const
export type GraphNodeType = (typeof GRAPH_NODE_TYPES)[number]

/** Same list as training.ts's ACTIVATIONS (kept here so this module does not import the study). */
export const GRAPH_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leaky-relu', 'celu'] as const

/** Every field any node type uses; a type ignores the others (as the layer list does). */
export const graphNodeParamsSchema = z.strictObject({
  units: z.number().int().min(1).max(4096).optional(),
  activation: z.enum(GRAPH_ACTIVATIONS).optional(),
  filters: z.number().int().min(1).max(1024).optional(),
  kernelSize: z.number().int().min(1).max(15).optional(),
  strides: z.number().int().min(1).max(8).optional(),
  padding: z.enum(['valid', 'same']).optional(),
  poolSize: z.number().int().min(1).max(8).optional(),
  rate: z.number().min(0).max(0.95).optional(),
  /** concatenate: the axis of a sample (1-based like Keras' non-batch axes, or -1 = last). */
  axis: z.number().int().min(-1).max(3).optional()
})

export const graphNodeSchema = z.strictObject({
  id: z.string().min(1).max(64),
  type: z.enum(GRAPH_NODE_TYPES),
  params: graphNodeParamsSchema,
  position: z.strictObject({ x: z.number(), y: z.number() }).optional()
})

export const graphEdgeSchema = z.strictObject({
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64)
})

export const MAX_GRAPH_NODES = 64

export const networkGraphSchema = z.strictObject({
  nodes: z.array(graphNodeSchema).min(2).max(MAX_GRAPH_NODES),
  edges: z.array(graphEdgeSchema).max(4 * MAX_GRAPH_NODES)
})

export type GraphNodeParams = z.infer<typeof graphNodeParamsSchema>
export type GraphNode = z.infer<typeof graphNodeSchema>
export type GraphEdge = z.infer<typeof graphEdgeSchema>
export type NetworkGraph = z.infer<typeof networkGraphSchema>

/** Node types that are layers of the layer list too (a chain of these converts back to a list). */
export const LAYER_NODE_TYPES = ['dense', 'conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dropout', 'batchnorm'] as const

/** The params a new node of a type starts with in the editor. */
export function defaultParams(type: GraphNodeType): GraphNodeParams {
  switch (type) {
    case 'dense':
      return { units: 16, activation: 'relu' }
    case 'conv2d':
      return { filters: 16, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }
    case 'maxpool2d':
    case 'avgpool2d':
      return { poolSize: 2, strides: 2, padding: 'valid' }
    case 'dropout':
      return { rate: 0.25 }
    case 'batchnorm':
      return { activation: 'linear' }
    case 'activation':
      return { activation: 'relu' }
    case 'concatenate':
      return { axis: -1 }
    default:
      return {}
  }
}

/** Which params the editor shows for a node type. */
export const PARAMS_OF: Record<GraphNodeType, (keyof GraphNodeParams)[]> = {
  input: [],
  dense: ['units', 'activation'],
  conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'activation'],
  maxpool2d: ['poolSize', 'strides', 'padding'],
  avgpool2d: ['poolSize', 'strides', 'padding'],
  flatten: [],
  dropout: ['rate'],
  batchnorm: ['activation'],
  activation: ['activation'],
  add: [],
  concatenate: ['axis'],
  output: []
}
