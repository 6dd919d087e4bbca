/** Study descriptors: every config field has form metadata consistent with the schema; presets validate. */
import { describe, expect, test } from 'vitest'
import { STUDIES, describeRange, fieldSpec, findPreset, schemaAt, validateConfig } from '../../src-shared/studies'

/**
 * Dotted paths of every field of an object schema, down to leaves (arrays are leaves); a discriminated union
 * contributes the fields of all its variants (an SGD optimiser's momentum and an Adam's betas alike).
 */
function schemaPaths(schema: any, prefix = ''): string[] {
  const def = schema?._zod?.def
  if (!def) return []
  if (['optional', 'default', 'nullable', 'pipe'].includes(def.type)) return schemaPaths(def.innerType ?? def.in, prefix)
  if (def.type === 'union') return [...new Set(def.options.flatMap((o: unknown) => schemaPaths(o, prefix)))] as string[]
  if (def.type !== 'object') return []
  return Object.entries(def.shape).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k
    return [p, ...schemaPaths(v, p)]
  })
}

describe.each(Object.values(STUDIES))('study $id', (study) => {
  // Inside a `custom` field (e.g. the network, edited by the network editor) the study's own component owns the
  // sub-fields; everything else needs metadata.
  const customRoots = Object.entries(study.fields).filter(([, m]) => m.custom).map(([p]) => p)
  const paths = schemaPaths(study.configSchema).filter((p) => !customRoots.some((r) => p.startsWith(`${r}.`)))

  test('every config field has metadata, and every metadata entry is a config field', () => {
    // The schema walk found the fields (an empty list would make the check below pass for nothing).
    expect(paths.length, 'config fields found in the schema').toBeGreaterThan(3)
    // `probes` (and what is inside) is edited by the editor's generic Probes section, shown for studies that train
    // a network: such a study needs no metadata for it, any other study does.
    const probesEditor = study.trainsNetwork === true
    const missing = paths.filter((p) => !study.fields[p] && !(probesEditor && (p === 'probes' || p.startsWith('probes.'))))
    expect(missing).toEqual([])
    for (const p of Object.keys(study.fields)) expect(schemaAt(study.configSchema, p), p).toBeDefined()
  })

  test('metadata is complete and agrees with the schema (choices, visibility conditions)', () => {
    for (const [p, m] of Object.entries(study.fields)) {
      expect(m.label.length, p).toBeGreaterThan(0)
      expect(m.help.length, p).toBeGreaterThan(10)
      expect(m.group.length, p).toBeGreaterThan(0)
      const spec = fieldSpec(study.configSchema, p)!
      if (m.choices) {
        expect(spec.kind, p).toBe('enum')
        expect(Object.keys(m.choices).sort(), p).toEqual([...spec.options!].sort())
      }
      if (m.when) {
        expect(study.fields[m.when.path], `${p} depends on ${m.when.path}`).toBeDefined()
        const spec = fieldSpec(study.configSchema, m.when.path)!
        for (const v of [...(m.when.in ?? []), ...(m.when.notIn ?? [])]) {
          if (spec.kind === 'boolean') expect(typeof v, p).toBe('boolean')
          else expect(spec.options, p).toContain(v)
        }
      }
    }
  })

  test('presets: cpu equals the defaults, paper exists, every preset validates', () => {
    expect(findPreset(study.id, 'cpu')?.config).toEqual(study.defaults)
    expect(findPreset(study.id, 'paper')).toBeDefined()
    for (const p of study.presets) expect(validateConfig(study.id, p.config), p.id).toMatchObject({ ok: true })
  })

  test('the defaults sit inside every numeric range the form shows', () => {
    for (const p of Object.keys(study.fields)) {
      const spec = fieldSpec(study.configSchema, p)!
      if (spec.kind !== 'number' && spec.kind !== 'integer') continue
      const v = p.split('.').reduce((o: any, k) => o?.[k], study.defaults)
      if (v === undefined) continue
      if (spec.min !== undefined) expect(spec.minExclusive ? v > spec.min : v >= spec.min, p).toBe(true)
      if (spec.max !== undefined) expect(spec.maxExclusive ? v < spec.max : v <= spec.max, p).toBe(true)
    }
  })
})

describe('ranges are read from the schema, not repeated', () => {
  const schema = STUDIES.training.configSchema
  test('numbers, integers, exclusive bounds and enums', () => {
    expect(fieldSpec(schema, 'dataset.n')).toMatchObject({ kind: 'integer', min: 20, max: 200_000 })
    expect(fieldSpec(schema, 'optimizer.learningRate')).toMatchObject({ kind: 'number', min: 0, minExclusive: true, max: 10, maxExclusive: false })
    // A field of one variant of a discriminated union: read from that variant (without a config, the first that has
    // it); a config of another variant has no such field.
    expect(fieldSpec(schema, 'dataset.dims')).toMatchObject({ kind: 'integer', optional: false, min: 1, max: 4096 })
    expect(fieldSpec(schema, 'dataset.dims', { dataset: { kind: 'random-labels' } })).toMatchObject({ kind: 'integer', min: 1, max: 4096 })
    expect(fieldSpec(schema, 'dataset.dims', { dataset: { kind: 'two-spirals' } })).toBeUndefined()
    expect(fieldSpec(schema, 'dataset.kind')).toMatchObject({ kind: 'enum', options: ['two-spirals', 'checkerboard', 'circles', 'xor', 'gaussian', 'random-labels', 'stored'] })
    expect(fieldSpec(schema, 'earlyStopping')).toMatchObject({ kind: 'object', optional: true })
    expect(fieldSpec(schema, 'loss')).toMatchObject({ kind: 'enum', options: ['softmax-cross-entropy', 'mse', 'sigmoid-mse', 'tanh-mse', 'linear-mse', 'exp-ga', 'pow3-ga'] })
    expect(fieldSpec(schema, 'dataset.nope')).toBeUndefined()
  })
  test('as the form says them', () => {
    expect(describeRange(fieldSpec(schema, 'dataset.n'))).toBe('20 – 200 000')
    expect(describeRange(fieldSpec(schema, 'optimizer.learningRate'))).toBe('> 0, ≤ 10')
    expect(describeRange(fieldSpec(schema, 'loss'))).toBe('')
  })
})
