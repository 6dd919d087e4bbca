/**
 * Where the bridge view gets a trained MLP's per-class hidden activations: the engine method
 * `runs.classActivations` (params { id, split, maxPerClass }, result `ClassActivations` of
 * src-shared/neurashed/bridge.ts).
 */
import type { ClassActivations } from '../../../src-shared/neurashed/bridge'
import { lab } from '../../api/client'

export const CLASS_ACTIVATIONS_METHOD = 'runs.classActivations'

export async function fetchClassActivations(runId: string, split: 'train' | 'test', maxPerClass: number): Promise<ClassActivations> {
  return lab.invoke('runs.classActivations', { id: runId, split, maxPerClass })
}

const MLP_NODE_TYPES = new Set(['input', 'output', 'dense', 'dropout', 'batchnorm', 'activation'])
const MLP_LAYER_TYPES = new Set([undefined, 'dense', 'dropout', 'batchnorm'])

/** Whether a training config's network is a multilayer perceptron (dense layers only), which the bridge reads. */
export function isMlp(config: unknown): boolean {
  const net = (config as { network?: { layers?: { type?: string }[]; graph?: { nodes?: { type: string }[] } } } | null)?.network
  if (!net) return false
  if (net.graph) return Array.isArray(net.graph.nodes) && net.graph.nodes.every((n) => MLP_NODE_TYPES.has(n.type))
  return Array.isArray(net.layers) && net.layers.some((l) => (l.type ?? 'dense') === 'dense') && net.layers.every((l) => MLP_LAYER_TYPES.has(l.type))
}
