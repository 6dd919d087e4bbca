/**
 * One line describing an experiment's setup (the experiments list, the runs table's tooltips): from the
 * config's one network and its data, so it always says what the run trains. Training configs get a readable
 * line; other studies their top-level numbers.
 */
import { describeLayer } from '../network/layers'
import type { NetworkGraph } from '../network/spec'
import { findProbe } from '../probes'
import type { TrainingConfig } from './training'

function describeGraph(g: NetworkGraph): string {
  const layers = g.nodes.filter((n) => n.type !== 'input' && n.type !== 'output')
  const merges = layers.filter((n) => n.type === 'add' || n.type === 'concatenate').length
  return `graph of ${layers.length} layer${layers.length === 1 ? '' : 's'}${merges ? ` (${merges} merge${merges === 1 ? '' : 's'})` : ''}`
}

function describeTraining(c: TrainingConfig): string {
  const d = c.dataset
  const data = d.kind === 'stored' ? 'library dataset' : `${d.kind} (n=${d.n})`
  const net = c.network.form === 'graph' ? describeGraph(c.network.graph) : c.network.layers.map(describeLayer).join(' → ')
  const probes = (c.probes ?? []).map((p) => findProbe(p.id)?.title ?? p.id)
  return [data, net, `${c.optimizer.kind} lr ${c.optimizer.learningRate}`, `${c.epochs} epochs`, ...(probes.length ? [`probes: ${probes.join(', ')}`] : [])].join(' · ')
}

export function describeSetup(studyId: string, config: unknown): string {
  if (studyId === 'training') {
    const c = config as TrainingConfig
    if (c?.dataset?.kind && c.network?.form && c.optimizer) return describeTraining(c)
    return ''
  }
  const c = (config ?? {}) as Record<string, unknown>
  return Object.entries(c)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .slice(0, 5)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')
}
