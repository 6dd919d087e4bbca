/**
 * `scalars.csv` of an exported run folder: `key,step,wall,value`, one row per point, RFC 4180 quoting
 * (keys may hold commas or quotes), an empty value cell for a non-finite value.
 */
import type { RunExport } from '../../../src-shared/runExport'

export const SCALARS_CSV_HEADER = 'key,step,wall,value'

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

export function formatScalarsCsv(scalars: RunExport['scalars']): string {
  const lines = [SCALARS_CSV_HEADER]
  for (const [key, s] of Object.entries(scalars)) {
    const k = quote(key)
    for (let i = 0; i < s.step.length; i++) lines.push(`${k},${s.step[i]},${s.wall[i]},${s.value[i] ?? ''}`)
  }
  return lines.join('\n') + '\n'
}

export class CsvError extends Error {}

/** Split CSV text into records of fields, honouring quotes (a quoted field may hold commas, quotes, newlines). */
function* records(text: string): Generator<{ fields: string[]; line: number }> {
  let line = 1
  let i = 0
  while (i < text.length) {
    const start = line
    const fields: string[] = []
    for (;;) {
      let field = ''
      if (text[i] === '"') {
        i++
        for (;;) {
          if (i >= text.length) throw new CsvError(`line ${start}: a quoted field is not closed`)
          if (text[i] === '"') {
            if (text[i + 1] === '"') (field += '"'), (i += 2)
            else {
              i++
              break
            }
          } else {
            if (text[i] === '\n') line++
            field += text[i++]
          }
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new CsvError(`line ${line}: unexpected text after a closing quote`)
      } else {
        const from = i
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++
        field = text.slice(from, i)
      }
      fields.push(field)
      if (text[i] === ',') {
        i++
        continue
      }
      if (text[i] === '\r') i++
      if (text[i] === '\n') i++
      line++
      break
    }
    yield { fields, line: start }
  }
}

/** Parse `scalars.csv` back to columns per key; a bad row is named by its line number. */
export function parseScalarsCsv(text: string): RunExport['scalars'] {
  // A Map, then own properties: a key from the file ("constructor", "__proto__") never reaches a prototype.
  const out = new Map<string, RunExport['scalars'][string]>()
  let header = true
  for (const { fields, line } of records(text.replace(/^\uFEFF/, ''))) {
    if (header) {
      if (fields.join(',') !== SCALARS_CSV_HEADER) throw new CsvError(`line ${line}: the header must be "${SCALARS_CSV_HEADER}"`)
      header = false
      continue
    }
    if (fields.length === 1 && fields[0] === '') continue // blank line
    if (fields.length !== 4) throw new CsvError(`line ${line}: expected 4 fields (${SCALARS_CSV_HEADER}), found ${fields.length}`)
    const [key, stepText, wallText, valueText] = fields
    const step = Number(stepText)
    const wall = Number(wallText)
    const value = valueText === '' ? null : Number(valueText)
    if (key === '') throw new CsvError(`line ${line}: the key is empty`)
    if (stepText === '' || !Number.isInteger(step)) throw new CsvError(`line ${line}: step "${stepText}" is not an integer`)
    if (wallText === '' || !Number.isFinite(wall)) throw new CsvError(`line ${line}: wall "${wallText}" is not a number`)
    if (value !== null && !Number.isFinite(value)) throw new CsvError(`line ${line}: value "${valueText}" is not a number (leave it empty for a non-finite value)`)
    let s = out.get(key)
    if (!s) out.set(key, (s = { step: [], wall: [], value: [] }))
    s.step.push(step)
    s.wall.push(wall)
    s.value.push(value)
  }
  if (header) throw new CsvError(`line 1: the file is empty; the header must be "${SCALARS_CSV_HEADER}"`)
  return Object.fromEntries(out)
}
