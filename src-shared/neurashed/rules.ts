/**
 * The update rules g⁺ / g⁻ of Algorithm 1 applied to values kept as natural logs: multiplicative x ↦ a·x adds
 * log a; additive x ↦ x + c is a log-add (or a clamped subtraction: values never go below 0).
 */
import type { UpdateRule } from '../studies/neurashedGraph'
import { logAddExp } from './logspace'

/** A rule as the config states it (form-friendly: a kind and one number). */
export interface RuleSpec {
  kind: 'mul' | 'add'
  /** Factor a of x ↦ a·x, or amount c of x ↦ x + c. */
  value: number
}

export const MUL = 0
export const ADD = 1

/** A rule ready for log-space application: MUL with param = log a, ADD with param = c. */
export interface LogRule {
  kind: typeof MUL | typeof ADD
  param: number
}

export function toLogRule(r: RuleSpec | UpdateRule): LogRule {
  if ('value' in r) return r.kind === 'mul' ? { kind: MUL, param: Math.log(r.value) } : { kind: ADD, param: r.value }
  return r.kind === 'mul' ? { kind: MUL, param: Math.log(r.factor) } : { kind: ADD, param: r.amount }
}

export function fromGraphRule(r: UpdateRule): RuleSpec {
  return r.kind === 'mul' ? { kind: 'mul', value: r.factor } : { kind: 'add', value: r.amount }
}

/** Apply a rule to log x. */
export function applyLog(kind: number, param: number, lx: number): number {
  if (kind === MUL) return lx + param
  if (param === 0) return lx
  if (param > 0) return logAddExp(lx, Math.log(param))
  if (lx === -Infinity) return -Infinity
  const r = param * Math.exp(-lx)
  return r <= -1 ? -Infinity : lx + Math.log1p(r)
}

/** Is the rule the identity (x ↦ x)? */
export const isIdentity = (r: RuleSpec) => (r.kind === 'mul' ? r.value === 1 : r.value === 0)

/** Readable form, e.g. "×1.0617" or "+2". */
export function describeRule(r: RuleSpec): string {
  return r.kind === 'mul' ? `×${+r.value.toPrecision(5)}` : `${r.value >= 0 ? '+' : '−'}${+Math.abs(r.value).toPrecision(5)}`
}
