/** Generators: every one of the spec, deterministic per seed, right shapes, balanced labels, sane ranges. */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { GENERATORS, resolveGeneratorParams } from '../../src-shared/generators'
import { generate } from '../../src-main/engine/datasets/generators'
import { generateToy } from '../../src-main/engine/datasets/toy'

const sha = (a: ArrayBufferView, b: ArrayBufferView) =>
  createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).update(Buffer.from(b.buffer, b.byteOffset, b.byteLength)).digest('hex')

const SPEC_IDS = ['checkerboard', 'mixed-checkerboard', 'sinusoid-boundary', 'sine-regression', 'two-spirals', 'double-helix', 'folded-boxes', 'gaussian-blobs', 'circles', 'xor', 'spiral']

describe('generators', () => {
  test('every generator of the spec is described, with defaults that validate', () => {
    expect(GENERATORS.map((g) => g.id).sort()).toEqual([...SPEC_IDS].sort())
    for (const g of GENERATORS) {
      const r = resolveGeneratorParams(g.id, {})
      expect(r.ok, g.id).toBe(true)
      for (const p of g.params) expect(typeof p.default === 'number' ? p.default >= (p.min ?? -Infinity) && p.default <= (p.max ?? Infinity) : true, `${g.id}.${p.key}`).toBe(true)
    }
    expect(GENERATORS.find((g) => g.id === 'checkerboard')!.params.find((p) => p.key === 'n')!.default).toBe(5000)
    expect(GENERATORS.find((g) => g.id === 'sine-regression')!.task).toBe('regression')
    expect(GENERATORS.find((g) => g.id === 'double-helix')!.dims).toBe(3)
  })

  test.each(SPEC_IDS)('%s: same params + seed → byte-identical arrays; another seed differs; shapes and labels sane', (id) => {
    const params = { n: 1000 }
    const a = generate(id, params, 1)
    const b = generate(id, params, 1)
    const c = generate(id, params, 2)
    expect(sha(a.x, a.y)).toBe(sha(b.x, b.y))
    const g = GENERATORS.find((x) => x.id === id)!
    expect(a.shape.n).toBe(1000)
    expect(a.shape.sample).toEqual([g.dims])
    expect(a.x.length).toBe(1000 * g.dims)
    expect(a.x.every((v) => Number.isFinite(v))).toBe(true)
    if (g.task === 'classification') {
      expect(sha(a.x, a.y)).not.toBe(sha(c.x, c.y))
      expect(a.shape.classes).toBe(2)
      const ones = (a.y as Int32Array).reduce((s, v) => s + v, 0)
      expect(a.y.every((v) => v === 0 || v === 1)).toBe(true)
      // Balanced by construction or by area (checkerboards, sinusoid): within 40–60 %.
      expect(ones / 1000).toBeGreaterThan(0.4)
      expect(ones / 1000).toBeLessThan(0.6)
    } else {
      expect(a.shape.task).toBe('regression')
      expect(a.shape.targets).toBe(1)
      expect(a.x[0]).toBe(-1)
      expect(a.x[999]).toBe(1)
      expect(Math.max(...a.y)).toBeLessThanOrEqual(1)
      expect(Math.min(...a.y)).toBeGreaterThanOrEqual(-1)
    }
  })

  test('checkerboard labels follow the board: (⌊8(x+½)⌋ + ⌊8(y+½)⌋) mod 2 on [−½, ½]²', () => {
    const d = generate('checkerboard', { n: 2000 }, 3)
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [d.x[2 * i], d.x[2 * i + 1]]
      expect(Math.abs(a)).toBeLessThanOrEqual(0.5)
      expect(d.y[i]).toBe((Math.min(7, Math.floor(8 * (a + 0.5))) + Math.min(7, Math.floor(8 * (b + 0.5)))) % 2)
    }
  })

  test('the training study’s inline kinds are the same implementation as the library generators', () => {
    const pairs = [
      ['two-spirals', 'two-spirals'],
      ['checkerboard', 'checkerboard'],
      ['circles', 'circles'],
      ['xor', 'xor'],
      ['gaussian', 'gaussian-blobs']
    ] as const
    for (const [kind, id] of pairs) {
      const toy = generateToy(kind === 'checkerboard' ? { kind, n: 300, noise: 0.1, testFraction: 0.2, validationFraction: 0, cells: 4 } : { kind, n: 300, noise: 0.1, testFraction: 0.2, validationFraction: 0 }, 9)
      const lib = generate(id, id === 'checkerboard' ? { n: 300, noise: 0.1, cells: 4 } : { n: 300, noise: 0.1 }, 9)
      expect(sha(toy.x, toy.y), kind).toBe(sha(lib.x, lib.y))
    }
  })

  test('bad parameters are named', () => {
    const r = resolveGeneratorParams('checkerboard', { n: -5, cellz: 3, cells: 2.5 })
    expect(r.ok).toBe(false)
    const problems = (r as { problems: string[] }).problems.join('; ')
    expect(problems).toMatch(/n must be ≥ 10/)
    expect(problems).toMatch(/no parameter "cellz"/)
    expect(problems).toMatch(/cells must be an integer/)
    expect(resolveGeneratorParams('moons').ok).toBe(false)
  })
})
