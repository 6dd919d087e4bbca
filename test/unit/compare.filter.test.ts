/** The runs table's filter language: terms, field resolution, comparisons and readable errors for bad input. */
import { describe, expect, test } from 'vitest'
import { compileFilter, type FilterRow } from '../../src-shared/compare/filter'

const KNOWN = [
  'optimizer.learningRate',
  'optimizer.kind',
  'training.batchSize',
  'dataset.kind',
  'dataset.noise',
  'network.layers.0.units',
  'network.layers.1.units',
  'seed',
  'test/accuracy',
  'best.test/accuracy',
  'train/loss',
  'min.train/loss',
  'max.train/loss'
]

const row = (over: Partial<FilterRow> & { fields?: FilterRow['fields'] }): FilterRow => ({
  name: 'run',
  studyId: 'training',
  status: 'completed',
  tags: [],
  notes: '',
  sweep: '',
  starred: false,
  archived: false,
  ...over,
  fields: { ...over.fields }
})

const ROWS: Record<string, FilterRow> = {
  fastAdam: row({
    name: 'adam fast',
    tags: ['baseline', 'Moons'],
    starred: true,
    fields: { 'optimizer.learningRate': 0.03, 'optimizer.kind': 'adam', 'dataset.kind': 'two moons', 'test/accuracy': 0.95, 'best.test/accuracy': 0.97, 'train/loss': 0.1, 'min.train/loss': 0.08, 'network.layers.0.units': 8, 'network.layers.1.units': 4 }
  }),
  slowSgd: row({
    name: 'sgd slow',
    status: 'failed',
    notes: 'diverged after warm-up',
    sweep: 'lr-grid',
    fields: { 'optimizer.learningRate': 0.001, 'optimizer.kind': 'sgd', 'dataset.kind': 'circles', 'test/accuracy': 0.62, 'best.test/accuracy': 0.7, 'train/loss': 0.9, 'min.train/loss': 0.85, 'training.batchSize': 32 }
  }),
  archivedRunning: row({
    name: 'archived live one',
    studyId: 'network',
    status: 'running',
    archived: true,
    tags: ['probe'],
    fields: { 'optimizer.learningRate': 0.01, 'optimizer.kind': 'SGD', 'dataset.kind': 'spiral' }
  })
}

/** Names of the rows a filter keeps (fails the test on a compile error). */
const matches = (text: string): string[] => {
  const f = compileFilter(text, KNOWN)
  if (!f.ok) throw new Error(`${text}: ${f.error} at ${f.position}`)
  return Object.entries(ROWS)
    .filter(([, r]) => f.test(r))
    .map(([k]) => k)
}

const failure = (text: string) => {
  const f = compileFilter(text, KNOWN)
  if (f.ok) throw new Error(`${text} compiled`)
  return f
}

describe('filter: free text and keys', () => {
  test('empty or blank text keeps every row', () => {
    expect(matches('')).toEqual(['fastAdam', 'slowSgd', 'archivedRunning'])
    expect(matches('   ')).toHaveLength(3)
  })

  test('free text is a case-insensitive substring of name, study, status, tags, notes and sweep', () => {
    expect(matches('ADAM')).toEqual(['fastAdam'])
    expect(matches('moons')).toEqual(['fastAdam']) // a tag
    expect(matches('warm')).toEqual(['slowSgd']) // notes
    expect(matches('grid')).toEqual(['slowSgd']) // sweep
    expect(matches('network')).toEqual(['archivedRunning']) // study
    expect(matches('fail')).toEqual(['slowSgd']) // status
    expect(matches('sgd slow')).toEqual(['slowSgd']) // two terms, ANDed
    expect(matches('adam slow')).toEqual([])
  })

  test('quoted text keeps its spaces and escapes', () => {
    expect(matches('"live one"')).toEqual(['archivedRunning'])
    expect(matches('"one live"')).toEqual([])
    expect(matches('"warm-up"')).toEqual(['slowSgd'])
    expect(compileFilter('"say \\"hi\\""', KNOWN).ok).toBe(true)
  })

  test('tag, status, study, sweep, name and is: keys, with | alternatives', () => {
    expect(matches('tag:baseline')).toEqual(['fastAdam'])
    expect(matches('tag:moons')).toEqual(['fastAdam']) // case-insensitive, whole tag
    expect(matches('tag:moon')).toEqual([])
    expect(matches('tag:baseline|probe')).toEqual(['fastAdam', 'archivedRunning'])
    expect(matches('status:failed')).toEqual(['slowSgd'])
    expect(matches('status:failed|running')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('study:network')).toEqual(['archivedRunning'])
    expect(matches('sweep:lr')).toEqual(['slowSgd'])
    expect(matches('name:fast')).toEqual(['fastAdam'])
    expect(matches('is:starred')).toEqual(['fastAdam'])
    expect(matches('is:archived')).toEqual(['archivedRunning'])
    expect(matches('is:running')).toEqual(['archivedRunning'])
    expect(matches('is:starred|failed')).toEqual(['fastAdam', 'slowSgd'])
    expect(matches('tag:"baseline"')).toEqual(['fastAdam'])
  })

  test('a leading - negates any term', () => {
    expect(matches('-tag:baseline')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('-is:archived -status:failed')).toEqual(['fastAdam'])
    expect(matches('-adam')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('-"live one"')).toEqual(['fastAdam', 'slowSgd'])
    expect(matches('-lr < 0.01')).toEqual(['fastAdam', 'archivedRunning'])
  })
})

describe('filter: comparisons', () => {
  test('numbers compare numerically, with or without spaces around the op', () => {
    expect(matches('lr < 0.01')).toEqual(['slowSgd'])
    expect(matches('lr<0.01')).toEqual(['slowSgd'])
    expect(matches('lr <=0.01')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('lr> 0.01')).toEqual(['fastAdam'])
    expect(matches('lr >= 1e-2')).toEqual(['fastAdam', 'archivedRunning'])
    expect(matches('lr = 1e-3')).toEqual(['slowSgd'])
    expect(matches('lr == 0.03')).toEqual(['fastAdam'])
    expect(matches('lr != 0.03')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('lr > .02')).toEqual(['fastAdam'])
    expect(matches('test/accuracy >= 0.9')).toEqual(['fastAdam'])
  })

  test('numeric, not text, order: 10 > 9', () => {
    const f = compileFilter('training.batchSize > 9', KNOWN)
    expect(f.ok && f.test(row({ fields: { 'training.batchSize': 10 } }))).toBe(true)
    expect(f.ok && f.test(row({ fields: { 'training.batchSize': 8 } }))).toBe(false)
  })

  test('text compares case-insensitively: = is equality, ~ contains, != its opposite', () => {
    expect(matches('optimizer.kind = sgd')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('optimizer.kind != sgd')).toEqual(['fastAdam'])
    expect(matches('dataset.kind = moons')).toEqual([])
    expect(matches('dataset.kind ~ moons')).toEqual(['fastAdam'])
    expect(matches('dataset.kind = "two moons"')).toEqual(['fastAdam'])
    expect(matches('dataset.kind~IR')).toEqual(['slowSgd', 'archivedRunning'])
  })

  test('a row without the field does not match a comparison, but matches its negation', () => {
    expect(matches('bs > 0')).toEqual(['slowSgd'])
    expect(matches('bs != 1')).toEqual(['slowSgd'])
    expect(matches('-bs > 0')).toEqual(['fastAdam', 'archivedRunning'])
    expect(matches('test/accuracy < 2')).toEqual(['fastAdam', 'slowSgd'])
  })

  test('field:value on a field means equality', () => {
    expect(matches('optimizer.kind:sgd')).toEqual(['slowSgd', 'archivedRunning'])
    expect(matches('lr:0.01|0.03')).toEqual(['fastAdam', 'archivedRunning'])
  })

  test('built-in columns compare too', () => {
    expect(matches('name ~ slow')).toEqual(['slowSgd'])
    expect(matches('status != completed')).toEqual(['slowSgd', 'archivedRunning'])
  })
})

describe('filter: field resolution', () => {
  const resolved = (text: string) => {
    const f = compileFilter(text, KNOWN)
    if (!f.ok) throw new Error(f.error)
    return f.fields
  }

  test('exact paths, config. prefix, unique last segment (any case), aliases and metric prefixes', () => {
    expect(resolved('optimizer.learningRate > 0')).toEqual(['optimizer.learningRate'])
    expect(resolved('config.optimizer.learningRate > 0')).toEqual(['optimizer.learningRate'])
    expect(resolved('learningRate > 0')).toEqual(['optimizer.learningRate'])
    expect(resolved('LEARNINGRATE > 0')).toEqual(['optimizer.learningRate'])
    expect(resolved('lr > 0')).toEqual(['optimizer.learningRate'])
    expect(resolved('bs > 0')).toEqual(['training.batchSize'])
    expect(resolved('layers.1.units > 0')).toEqual(['network.layers.1.units'])
    expect(resolved('best.test/accuracy > 0 min.train/loss < 1')).toEqual(['best.test/accuracy', 'min.train/loss'])
    expect(resolved('max.Train/Loss > 0')).toEqual(['max.train/loss'])
    expect(resolved('final.test/accuracy > 0')).toEqual(['test/accuracy'])
  })

  test('a bare metric key means its final value; best. its best', () => {
    expect(matches('test/accuracy > 0.96')).toEqual([])
    expect(matches('best.test/accuracy > 0.96')).toEqual(['fastAdam'])
  })

  test('an unknown field is an error naming it and suggesting the closest known field', () => {
    const f = failure('learningrat < 0.1')
    expect(f.error).toMatch(/unknown field 'learningrat'/)
    expect(f.error).toMatch(/optimizer\.learningRate/)
    expect(f.position).toBe(0)
    const g = failure('tag:x  tset/accuracy > 0.5')
    expect(g.error).toMatch(/'tset\/accuracy'.*did you mean 'test\/accuracy'/)
    expect(g.position).toBe(7)
    expect(failure('lrr < 1').error).toMatch(/did you mean 'lr'/)
    expect(failure('colour:red').error).toMatch(/unknown field 'colour'.*To search for the text 'colour:red', put it in quotes/)
    expect(matches('"colour:red"')).toEqual([])
  })

  test('an ambiguous short name lists what it could mean', () => {
    const f = failure('units > 4')
    expect(f.error).toMatch(/network\.layers\.0\.units/)
    expect(f.error).toMatch(/network\.layers\.1\.units/)
  })
})

describe('filter: malformed input gives a message and a position', () => {
  test('a comparison without a value', () => {
    const f = failure('lr <')
    expect(f.error).toMatch(/'<' needs a value/)
    expect(f.position).toBe(4)
    expect(failure('lr < <= 3').error).toMatch(/needs a value after it, found '<='/)
  })

  test('a comparison without a field', () => {
    const f = failure('tag:a < 3')
    expect(f.error).toMatch(/'tag:a' is a key:value term, so '<' has no field before it/)
    expect(f.position).toBe(6)
    const g = failure('< 3')
    expect(g.error).toMatch(/'<' needs a field before it/)
    expect(g.position).toBe(0)
    expect(failure('status:failed >= 2').ok).toBe(false)
  })

  test('an unterminated quote points at the opening quote', () => {
    const f = failure('tag:a "two moons')
    expect(f.error).toMatch(/unterminated quote/)
    expect(f.position).toBe(6)
  })

  test('an unknown is: value or status suggests the closest', () => {
    const f = failure('is:stared')
    expect(f.error).toMatch(/unknown is: value 'stared'/)
    expect(f.error).toMatch(/did you mean 'starred'/)
    expect(failure('status:faild').error).toMatch(/did you mean 'failed'/)
    expect(failure('is:starred|nope').error).toMatch(/'nope'/)
  })

  test('a key with nothing after it, or an empty alternative', () => {
    const f = failure('lr < 1 tag:')
    expect(f.error).toMatch(/'tag:' needs a value/)
    expect(f.position).toBe(7)
    expect(failure('status:failed|').error).toMatch(/empty alternative/)
  })

  test('a lone - ', () => {
    expect(failure('adam -').error).toMatch(/'-' must be followed/)
    expect(failure('- adam').position).toBe(0)
  })
})
