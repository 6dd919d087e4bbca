/**
 * The runs table's filter language. Terms are ANDed; a leading `-` negates a term.
 *   free text            substring of name, study, status, tags, notes, sweep (case-insensitive)
 *   "quoted text"        the same, with spaces
 *   key:value            tag:baseline  status:failed  study:training  sweep:<name>  name:<text>
 *                        is:starred  is:archived  is:running …; alternatives with `|`: status:failed|cancelled
 *                        any other key is a field: optimizer.kind:sgd means optimizer.kind = sgd
 *   field op value       lr < 0.01   test/accuracy >= 0.9   dataset.kind = circles   optimizer.kind != sgd
 *                        ops: < <= > >= = == != ~ (contains); numbers compare numerically, else as text
 * Fields resolve against the known fields: an exact dotted config path or metric key; then `config.` +
 * path; then a unique last path segment (case-insensitive: `learningRate`); then aliases (lr →
 * learningRate, bs → batchSize, wd → weightDecay); metrics with a prefix: `best.test/accuracy`,
 * `min.train/loss`, `max.…` (a bare metric key means its final value).
 * Built-in columns compare too: `name ~ moons`, `status != failed` (name, status, study, sweep, notes).
 * Malformed text gives { ok: false } with a message and the offset to point at.
 */
import { RUN_STATUSES } from '../records'

export interface FilterRow {
  name: string
  studyId: string
  status: string
  tags: string[]
  notes: string
  sweep: string
  starred: boolean
  archived: boolean
  /** Flattened config (dotted paths) and metric values (`test/accuracy`, `best.test/accuracy`, …) by field. */
  fields: Record<string, string | number | boolean | null | undefined>
}


export type CompiledFilter =
  | { ok: true; test: (row: FilterRow) => boolean; /** the resolved fields, for column suggestions */ fields: string[] }
  | { ok: false; error: string; /** 0-based character offset of the problem */ position: number }

/** Parse and resolve a filter against the fields the table knows. Empty text matches every row. */
export function compileFilter(text: string, knownFields: readonly string[]): CompiledFilter {
  try {
    const parser = new FilterParser(text, tokenize(text), new FieldIndex(knownFields))
    const terms = parser.parseAll()
    return { ok: true, test: (row) => terms.every((term) => term(row)), fields: [...parser.usedFields] }
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: e.message, position: e.position }
    throw e
  }
}

class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number
  ) {
    super(message)
  }
}

type Predicate = (row: FilterRow) => boolean

// ---- tokens -------------------------------------------------------------------------------------------

type Op = '<' | '<=' | '>' | '>=' | '=' | '!=' | '~'

interface Token {
  kind: 'word' | 'quoted' | 'op'
  /** Words as written, quoted text without its quotes, ops normalised (`==` → `=`). */
  text: string
  start: number
  end: number
}

const OPS: readonly string[] = ['<=', '>=', '==', '!=', '<', '>', '=', '~']

function opAt(text: string, i: number): string | undefined {
  return OPS.find((op) => text.startsWith(op, i))
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '"') {
      tokens.push(readQuoted(text, i))
      i = tokens[tokens.length - 1].end
    } else if (opAt(text, i)) {
      const op = opAt(text, i)!
      tokens.push({ kind: 'op', text: op === '==' ? '=' : op, start: i, end: i + op.length })
      i += op.length
    } else {
      const start = i
      while (i < text.length && !/\s/.test(text[i]) && text[i] !== '"' && !opAt(text, i)) i++
      tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i })
    }
  }
  return tokens
}

/** "…" with \" and \\ escapes. */
function readQuoted(text: string, start: number): Token {
  let value = ''
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\' && i + 1 < text.length) value += text[++i]
    else if (ch === '"') return { kind: 'quoted', text: value, start, end: i + 1 }
    else value += ch
  }
  throw new FilterError('unterminated quote: add a closing "', start)
}

// ---- fields -------------------------------------------------------------------------------------------

const BUILT_IN_COLUMNS = ['name', 'status', 'study', 'sweep', 'notes'] as const
type BuiltInColumn = (typeof BUILT_IN_COLUMNS)[number]
const ALIASES: Record<string, string> = { lr: 'learningRate', bs: 'batchSize', wd: 'weightDecay' }
const METRIC_PREFIXES = ['best', 'min', 'max', 'final', 'last'] as const

type ResolvedField = { column: BuiltInColumn } | { field: string }

/** Lookups over the known fields, built once per compile. */
class FieldIndex {
  private readonly exact: Set<string>
  private readonly byLowerCase = new Map<string, string[]>()
  private readonly byLastSegment = new Map<string, string[]>()

  constructor(readonly known: readonly string[]) {
    this.exact = new Set(known)
    for (const field of known) {
      push(this.byLowerCase, field.toLowerCase(), field)
      // `best.test/accuracy` would make the metric's own last segment ambiguous: prefixed metrics are reached by prefix.
      if (!this.isPrefixedMetric(field)) push(this.byLastSegment, lastSegment(field).toLowerCase(), field)
    }
  }

  private isPrefixedMetric(field: string): boolean {
    const dot = field.indexOf('.')
    return dot > 0 && (METRIC_PREFIXES as readonly string[]).includes(field.slice(0, dot)) && this.exact.has(field.slice(dot + 1))
  }

  /** The field a name means, following the documented order; throws a FilterError when none or several. */
  resolve(name: string, position: number): ResolvedField {
    if (this.exact.has(name)) return { field: name }
    const column = BUILT_IN_COLUMNS.find((c) => c === name.toLowerCase())
    if (column) return { column }
    const found = this.lookup(name, position) ?? this.lookupAlias(name, position) ?? this.lookupPrefixed(name, position)
    if (found) return { field: found }
    throw new FilterError(`unknown field '${name}'${this.suggestion(name)}`, position)
  }

  private lookup(name: string, position: number): string | undefined {
    if (this.exact.has(name)) return name
    if (name.toLowerCase().startsWith('config.') && this.exact.has(name.slice('config.'.length))) return name.slice('config.'.length)
    if (this.exact.has(`config.${name}`)) return `config.${name}`
    const lower = name.toLowerCase()
    const sameName = this.byLowerCase.get(lower) ?? this.byLowerCase.get(lower.replace(/^config\./, ''))
    if (sameName?.length === 1) return sameName[0]
    // A last segment (`learningRate`) or a dotted tail (`layers.0.units`) that ends exactly one field.
    const dotted = lower.includes('.')
    const bySegment = (this.byLastSegment.get(lastSegment(lower)) ?? []).filter((f) => !dotted || f.toLowerCase().endsWith(`.${lower}`))
    if (bySegment.length === 1) return bySegment[0]
    if (bySegment.length > 1) {
      const listed = bySegment.slice(0, 4).join(', ') + (bySegment.length > 4 ? ', …' : '')
      throw new FilterError(`'${name}' could mean ${listed}: write the full field`, position)
    }
    return undefined
  }

  private lookupAlias(name: string, position: number): string | undefined {
    const target = ALIASES[name.toLowerCase()]
    return target === undefined ? undefined : this.lookup(target, position)
  }

  /** `best.acc` → `best.test/acc…`: resolve what follows the prefix, then put the prefix back. */
  private lookupPrefixed(name: string, position: number): string | undefined {
    const match = /^(best|min|max|final|last)\.(.+)$/i.exec(name)
    if (!match) return undefined
    const prefix = match[1].toLowerCase()
    const metric = this.lookup(match[2], position) ?? this.lookupAlias(match[2], position)
    if (metric === undefined) return undefined
    if (prefix === 'final' || prefix === 'last') return metric
    return this.exact.has(`${prefix}.${metric}`) ? `${prefix}.${metric}` : undefined
  }

  private suggestion(name: string): string {
    const lower = name.toLowerCase()
    let best: string | undefined
    let bestDistance = Infinity
    const consider = (candidate: string, label: string) => {
      const d = editDistance(lower, candidate.toLowerCase())
      if (d < bestDistance) {
        bestDistance = d
        best = label
      }
    }
    for (const field of this.known) {
      consider(field, field)
      consider(lastSegment(field), field)
    }
    for (const [alias, target] of Object.entries(ALIASES)) if (this.byLastSegment.has(target.toLowerCase())) consider(alias, alias)
    for (const column of BUILT_IN_COLUMNS) consider(column, column)
    if (best === undefined) return ' (no fields are known yet)'
    // A far-off closest field is still named, but not offered as the obvious fix.
    return bestDistance <= Math.max(2, Math.floor(name.length / 2)) ? ` — did you mean '${best}'?` : `; the closest known field is '${best}'.`
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function lastSegment(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1)
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

// ---- terms --------------------------------------------------------------------------------------------

const IS_VALUES = ['starred', 'archived', ...RUN_STATUSES]
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

interface Operand {
  text: string
  /** Set when the operand was written as a number (unquoted). */
  number?: number
}

class FilterParser {
  private at = 0
  readonly usedFields = new Set<string>()
  private readonly haystacks = new WeakMap<FilterRow, string>()

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly fields: FieldIndex
  ) {}

  parseAll(): Predicate[] {
    const terms: Predicate[] = []
    while (this.at < this.tokens.length) terms.push(this.parseTerm())
    return terms
  }

  private parseTerm(): Predicate {
    let token = this.tokens[this.at]
    let negate = false
    if (token.kind === 'word' && token.text.startsWith('-')) {
      negate = true
      if (token.text === '-') {
        const next = this.tokens[this.at + 1]
        if (!next || next.start !== token.end || next.kind === 'op') throw new FilterError("'-' must be followed directly by the term to leave out, e.g. -tag:baseline", token.start)
        this.at++
        token = next
      } else {
        token = { ...token, text: token.text.slice(1), start: token.start + 1 }
      }
    }
    const term = this.parsePositive(token)
    return negate ? (row) => !term(row) : term
  }

  private parsePositive(token: Token): Predicate {
    if (token.kind === 'op') throw new FilterError(`'${this.source.slice(token.start, token.end)}' needs a field before it, e.g. lr ${token.text} 0.01`, token.start)
    const next = this.tokens[this.at + 1]
    if (next?.kind === 'op') {
      if (token.kind === 'word' && token.text.includes(':')) throw new FilterError(`'${token.text}' is a key:value term, so '${this.source.slice(next.start, next.end)}' has no field before it: write e.g. lr ${next.text} 0.01`, next.start)
      return this.parseComparison(token, next)
    }
    this.at++
    const colon = token.kind === 'word' ? token.text.indexOf(':') : -1
    if (colon > 0) return this.parseKeyed(token, colon)
    return this.freeText(token.text)
  }

  private parseComparison(fieldToken: Token, opToken: Token): Predicate {
    const valueToken = this.tokens[this.at + 2]
    const op = opToken.text as Op
    const written = this.source.slice(opToken.start, opToken.end)
    if (!valueToken) throw new FilterError(`'${written}' needs a value after it, e.g. ${fieldToken.text} ${written} 0.01`, this.source.length)
    if (valueToken.kind === 'op') throw new FilterError(`'${written}' needs a value after it, found '${this.source.slice(valueToken.start, valueToken.end)}'`, valueToken.start)
    this.at += 3
    const field = this.fields.resolve(fieldToken.text, fieldToken.start)
    return this.comparison(field, op, operand(valueToken))
  }

  private parseKeyed(token: Token, colon: number): Predicate {
    const key = token.text.slice(0, colon)
    let value = token.text.slice(colon + 1)
    let valueQuoted = false
    const next = this.tokens[this.at]
    if (value === '' && next?.kind === 'quoted' && next.start === token.end) {
      value = next.text
      valueQuoted = true
      this.at++
    }
    if (value === '') throw new FilterError(`'${key}:' needs a value, e.g. ${keyExample(key)}`, token.start)
    const alternatives = valueQuoted ? [value] : value.split('|')
    const emptyAt = alternatives.indexOf('')
    if (emptyAt >= 0) throw new FilterError(`'${token.text}' has an empty alternative: put a value on each side of '|'`, token.start)
    const wanted = alternatives.map((a) => a.toLowerCase())
    const any = (test: (alternative: string) => boolean): boolean => wanted.some(test)
    switch (key.toLowerCase()) {
      case 'tag':
      case 'tags':
        return (row) => row.tags.some((t) => any((a) => t.toLowerCase() === a))
      case 'status':
        wanted.forEach((a) => checkChoice('status', a, RUN_STATUSES, token.start))
        return (row) => any((a) => row.status.toLowerCase() === a)
      case 'is':
        wanted.forEach((a) => checkChoice('is:', a, IS_VALUES, token.start))
        return (row) => any((a) => (a === 'starred' ? row.starred : a === 'archived' ? row.archived : row.status.toLowerCase() === a))
      case 'study':
        return (row) => any((a) => row.studyId.toLowerCase() === a)
      case 'sweep':
        return (row) => any((a) => row.sweep.toLowerCase().includes(a))
      case 'name':
        return (row) => any((a) => row.name.toLowerCase().includes(a))
      default: {
        // Any other key is a field: `optimizer.kind:sgd` means `optimizer.kind = sgd`.
        const field = this.resolveKey(token, key)
        const tests = alternatives.map((a) => this.comparison(field, '=', valueQuoted ? { text: a } : operand({ kind: 'word', text: a, start: 0, end: 0 })))
        return (row) => tests.some((t) => t(row))
      }
    }
  }

  /** Key of a key:value term as a field; if unknown, say how to search for the text itself. */
  private resolveKey(token: Token, key: string): ResolvedField {
    try {
      return this.fields.resolve(key, token.start)
    } catch (e) {
      if (e instanceof FilterError && e.message.startsWith('unknown field')) {
        throw new FilterError(`${e.message} To search for the text '${token.text}', put it in quotes.`, e.position)
      }
      throw e
    }
  }

  private freeText(text: string): Predicate {
    const needle = text.toLowerCase()
    return (row) => this.haystack(row).includes(needle)
  }

  private haystack(row: FilterRow): string {
    let text = this.haystacks.get(row)
    if (text === undefined) {
      text = [row.name, row.studyId, row.status, ...row.tags, row.notes, row.sweep].join('\n').toLowerCase()
      this.haystacks.set(row, text)
    }
    return text
  }

  private comparison(field: ResolvedField, op: Op, value: Operand): Predicate {
    if ('field' in field) this.usedFields.add(field.field)
    const read = 'column' in field ? columnReader(field.column) : (row: FilterRow) => row.fields[field.field]
    const lowerText = value.text.toLowerCase()
    return (row) => {
      const actual = read(row)
      // A run without the field does not match (and so matches the term's negation).
      if (actual === undefined || actual === null) return false
      if (op === '~') return String(actual).toLowerCase().includes(lowerText)
      if (typeof actual === 'number' && value.number !== undefined) return compareWith(op, actual, value.number)
      return compareWith(op, String(actual).toLowerCase(), lowerText)
    }
  }
}

function operand(token: Token): Operand {
  if (token.kind === 'quoted' || !NUMBER.test(token.text)) return { text: token.text }
  return { text: token.text, number: Number(token.text) }
}

function compareWith<T extends number | string>(op: Op, a: T, b: T): boolean {
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '=':
      return a === b
    case '!=':
      return a !== b
    case '~':
      return String(a).includes(String(b))
  }
}

function columnReader(column: BuiltInColumn): (row: FilterRow) => string {
  switch (column) {
    case 'name':
      return (row) => row.name
    case 'status':
      return (row) => row.status
    case 'study':
      return (row) => row.studyId
    case 'sweep':
      return (row) => row.sweep
    case 'notes':
      return (row) => row.notes
  }
}

function checkChoice(what: string, value: string, choices: readonly string[], position: number): void {
  if (choices.includes(value)) return
  const closest = [...choices].sort((a, b) => editDistance(value, a) - editDistance(value, b))[0]
  throw new FilterError(`unknown ${what} value '${value}' — did you mean '${closest}'? (one of ${choices.join(', ')})`, position)
}

function keyExample(key: string): string {
  const examples: Record<string, string> = { tag: 'tag:baseline', status: 'status:failed', is: 'is:starred', study: 'study:training', sweep: 'sweep:lr-grid', name: 'name:moons' }
  return examples[key.toLowerCase()] ?? `${key}:value`
}
