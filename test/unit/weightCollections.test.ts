import { afterAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src-main/engine/store'
import { specHash, type CollectionHeader, type CollectionSample } from '../../src-shared/ising/collection'
import { cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

const header = (spins = 45): CollectionHeader => ({ id: `under-${specHash({ spins })}`, scenario: 'under', spec: { spins }, spins })
const sample = (trial: number, words = 2, accepted = true): CollectionSample => ({
  trial,
  accepted,
  testAccuracy: 0.8 + trial / 1000,
  trainAccuracy: 0.9,
  seconds: 1.5,
  bits: Uint32Array.from({ length: words }, (_, w) => (trial * 2654435761 + w * 97) >>> 0)
})

describe('weight collections', () => {
  test('samples are stored bit-exact, counted, and a trial delivered twice is stored once', () => {
    const dir = tempDir()
    const store = openStore(dir)
    try {
      const h = header()
      expect(store.collections.append(h, [sample(0), sample(1), sample(2, 2, false)], null)).toBe(3)
      // A resumed run re-sends trial 2 and adds 3: only 3 is new.
      expect(store.collections.append(h, [sample(2, 2, false), sample(3)], null)).toBe(1)
      const all = store.collections.samples(h.id)
      expect(all.map((s) => s.trial)).toEqual([0, 1, 2, 3])
      expect(Array.from(all[3].bits)).toEqual(Array.from(sample(3).bits))
      expect(store.collections.samples(h.id, { acceptedOnly: true }).map((s) => s.trial)).toEqual([0, 1, 3])
      expect([...store.collections.trials(h.id)].sort()).toEqual([0, 1, 2, 3])
      const summary = store.collections.get(h.id)!
      expect(summary).toMatchObject({ scenario: 'under', spins: 45, trials: 4, accepted: 3, spec: { spins: 45 } })
      expect(summary.meanAccuracy).toBeCloseTo((0.8 + 0.801 + 0.803) / 3, 10)
    } finally {
      store.close()
    }
    // After a restart everything is still there.
    const again = openStore(dir)
    try {
      expect(again.collections.list().map((c) => [c.id, c.trials])).toEqual([[header().id, 4]])
      expect(again.collections.remove(header().id)).toBe(true)
      expect(again.collections.samples(header().id)).toEqual([])
    } finally {
      again.close()
    }
  })

  test('a sample of the wrong width or a bad trial index is refused and nothing of its batch is stored', () => {
    const store = openStore(tempDir())
    try {
      const h = header()
      expect(() => store.collections.append(h, [sample(0), sample(1, 3)], null)).toThrow(/3 words, expected 2 for 45 spins/)
      expect(() => store.collections.append(h, [sample(-1)], null)).toThrow(/not a non-negative integer/)
      expect(store.collections.samples(h.id)).toEqual([])
      store.collections.append(h, [sample(0)], null)
      expect(() => store.collections.append({ ...h, spins: 64 }, [sample(1)], null)).toThrow(/holds 45-spin configurations, not 64/)
    } finally {
      store.close()
    }
  })

  test('spec hashes ignore key order and differ when a value differs', () => {
    expect(specHash({ a: 1, b: [1, 2] })).toBe(specHash({ b: [1, 2], a: 1 }))
    expect(specHash({ a: 1, b: [1, 2] })).not.toBe(specHash({ a: 1, b: [2, 1] }))
    expect(specHash({ a: 1 })).toMatch(/^[0-9a-f]{12}$/)
  })
})
