/**
 * A neurashed graph (Su et al., seed 001 §2): feature nodes in levels 1..L (level L = the class nodes),
 * edges from a node to its dependents one level below, Boolean firing rules, per-node update rules, and the
 * sample types defined by which level-1 nodes fire. This is what the graph editor edits, what an experiment's
 * config stores, and what the engine's model compiles into typed arrays. Pure data + zod schema.
 */
import { z } from 'zod'

/** Width of one node column in the editor's layout units (pixels), for graphs placed by column index. */
export const LAYOUT_COLUMN = 110

const nodeId = z.string().min(1).max(40)

export const firingRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('or') }),
  z.strictObject({ kind: z.literal('and') }),
  z.strictObject({ kind: z.literal('atLeast'), k: z.number().int().min(1).max(1000) }),
  /** Truth table over the node's dependents in edge order: each string is a firing pattern ('101' = 1st and 3rd fire). */
  z.strictObject({ kind: z.literal('table'), fires: z.array(z.string().regex(/^[01]+$/).max(16)).max(65_536) })
])
export type FiringRule = z.infer<typeof firingRuleSchema>

/** g⁺ / g⁻: multiplicative (x ↦ factor·x) or additive (x ↦ x + amount). */
export const updateRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mul'), factor: z.number().min(0).max(1e6) }),
  z.strictObject({ kind: z.literal('add'), amount: z.number().min(-1e6).max(1e6) })
])
export type UpdateRule = z.infer<typeof updateRuleSchema>

export const neurashedNodeSchema = z.strictObject({
  id: nodeId,
  /** 1 = input features … levels = class nodes. */
  level: z.number().int().min(1).max(100),
  label: z.string().max(80).optional(),
  /** Middle levels: when the node fires given its dependents (default OR). Ignored on level 1. */
  rule: firingRuleSchema.optional(),
  /** Per-node overrides of the experiment's g⁺ / g⁻ and initial λ. */
  plus: updateRuleSchema.optional(),
  minus: updateRuleSchema.optional(),
  lambda0: z.number().min(0).optional(),
  /** Editor layout: x within its level row, in pixels (one column = LAYOUT_COLUMN); absent = by order in its level. */
  x: z.number().optional()
})
export type NeurashedNode = z.infer<typeof neurashedNodeSchema>

/** `from` is the upper node, `to` one of its dependents one level below. */
export const neurashedEdgeSchema = z.strictObject({ from: nodeId, to: nodeId })
export type NeurashedEdge = z.infer<typeof neurashedEdgeSchema>

export const sampleTypeSchema = z.strictObject({
  id: z.string().min(1).max(40),
  /** Shown name, e.g. '1a'. */
  name: z.string().min(1).max(80),
  /** The level-1 nodes that fire for this input. */
  fires: z.array(nodeId).min(1).max(10_000),
  /** Relative frequency in the training distribution (default 1). */
  weight: z.number().min(0).max(1e6).optional()
})
export type SampleType = z.infer<typeof sampleTypeSchema>

export const neurashedGraphSchema = z.strictObject({
  levels: z.number().int().min(2).max(100),
  nodes: z.array(neurashedNodeSchema).min(2).max(100_000),
  edges: z.array(neurashedEdgeSchema).max(1_000_000),
  samples: z.array(sampleTypeSchema).min(1).max(10_000)
})
export type NeurashedGraph = z.infer<typeof neurashedGraphSchema>
