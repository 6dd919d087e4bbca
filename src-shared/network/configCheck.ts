/**
 * The config schema's check of `network.graph`: the analysis's problems as schema issues, so `validateConfig`
 * fails for an invalid graph (and the form's launch is disabled) with a message per offending node.
 * Paths: `network.graph.nodes.<index>` for a node's problem, `network.graph` for the whole graph's.
 */
import { analyzeGraph, type GraphIO } from './analyze'
import type { NetworkGraph } from './spec'

export function graphProblems(graph: NetworkGraph, io: GraphIO | null): { path: (string | number)[]; message: string }[] {
  const a = analyzeGraph(graph, io)
  if (a.ok) return []
  return a.problems.map((p) => {
    const index = p.nodeId === null ? -1 : graph.nodes.findIndex((n) => n.id === p.nodeId)
    return { path: index < 0 ? ['network', 'graph'] : ['network', 'graph', 'nodes', index], message: p.message }
  })
}
