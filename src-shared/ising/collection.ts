/**
 * A collection of sampled binary-weight configurations (the effective-model study): what the engine stores
 * (migration 5, src-main/engine/store/weightCollections.ts) and what a run worker sends it. One row per
 * independent trial — rejected trials too, so a resumed or extended collection never retrains a trial — with the
 * best sampled network's spins bit-packed (ceil(N/32) little-endian uint32 words, bit = 1 for w = +1).
 */

export interface CollectionHeader {
  /** `<scenario>-<hash of spec>`: the same sampling spec always names the same collection. */
  id: string
  scenario: string
  /** Everything that determines a trial given its index (data, net, training constants, seed) — not the count. */
  spec: Record<string, unknown>
  /** Spins per configuration (weights of the net). */
  spins: number
}

export interface CollectionSample {
  trial: number
  accepted: boolean
  testAccuracy: number
  trainAccuracy: number | null
  seconds: number | null
  /** Bit-packed spins, ceil(spins/32) words. */
  bits: Uint32Array
}

export interface CollectionSummary extends CollectionHeader {
  createdAt: number
  createdByRun: string | null
  trials: number
  accepted: number
  meanAccuracy: number | null
}

/** FNV-1a of a canonical JSON (sorted keys): short, stable ids for collection specs. */
export function specHash(spec: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as any)[k])])) : v
  const text = JSON.stringify(canon(spec))
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0').slice(0, 4)
}
