/**
 * Keys, ids and paths that come from outside (RPC params, imported files, sweep paths) must never walk
 * or rewrite a prototype: `__proto__`, `constructor` and `prototype` are refused wherever they arrive as a
 * key or a path segment, and lookups by an outside string read own properties only (so `toString` is just
 * an unknown name). Nesting is capped too: SQLite's JSON functions stop at depth 1000, and a stored config
 * nested deeper breaks every query that reads it (`datasets.delete` checks which runs use a dataset).
 */

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

export const isForbiddenKey = (key: string): boolean => FORBIDDEN_KEYS.has(key)

/** `obj[key]` when `key` is an own property of `obj`, else undefined (never an inherited member). */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined
}

/** Deeper than any config, spec or document of the lab (they nest ≈ 8 levels); far below SQLite's 1000. */
export const MAX_JSON_DEPTH = 64

export interface JsonProblem {
  /** Dotted path of the offending key or value (`config.a.0.b`); '' for the value itself. */
  path: string
  message: string
}

/**
 * The first problem of a JSON-like value: a key that could reach a prototype, or nesting deeper than
 * `maxDepth` objects/arrays; null when there is none. Iterative, so a hostile depth cannot overflow the stack.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  interface Node {
    v: unknown
    depth: number
    key: string
    parent: Node | null
  }
  const pathOf = (n: Node | null, last?: string): string => {
    const parts: string[] = last === undefined ? [] : [last]
    for (let c = n; c && c.parent; c = c.parent) parts.push(c.key)
    return parts.reverse().join('.')
  }
  const stack: Node[] = [{ v: value, depth: 0, key: '', parent: null }]
  while (stack.length) {
    const node = stack.pop()!
    const v = node.v
    if (v === null || typeof v !== 'object') continue
    if (node.depth >= maxDepth) return { path: pathOf(node), message: `nested more than ${maxDepth} levels deep` }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && typeof v[i] === 'object') stack.push({ v: v[i], depth: node.depth + 1, key: String(i), parent: node })
      continue
    }
    // Typed arrays, Maps, Dates (structured-clone transports) hold no prototype-reaching keys.
    if (ArrayBuffer.isView(v) || v instanceof Map || v instanceof Set || v instanceof Date) continue
    const keys = Object.keys(v)
    for (const k of keys) if (isForbiddenKey(k)) return { path: pathOf(node, k), message: `the key "${k}" is not allowed` }
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (v as Record<string, unknown>)[keys[i]]
      if (child !== null && typeof child === 'object') stack.push({ v: child, depth: node.depth + 1, key: keys[i], parent: node })
    }
  }
  return null
}

/** Why a dotted path cannot be used (a segment that reaches a prototype), or null. */
export function pathProblem(path: string): string | null {
  const bad = path.split('.').find(isForbiddenKey)
  return bad === undefined ? null : `"${bad}" is not allowed in a path`
}
