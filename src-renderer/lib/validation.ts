import { validateConfig, type ConfigProblem } from '../../src-shared/studies'

/** Schema messages as a form should say them (an emptied number field arrives as a string). */
function friendly(message: string): string {
  if (/expected number, received (string|NaN)/.test(message)) return 'enter a number'
  if (/expected int/.test(message)) return 'enter a whole number'
  // A list field whose text is not a list yet (the generic form passes half-typed text on).
  if (/expected array, received string/.test(message)) return 'enter a list: numbers separated by commas'
  return message
    .replace(/^Too (small|big): expected number to be /, 'must be ')
    .replace(/^must be >=/, 'must be ≥ ')
    .replace(/^must be <=/, 'must be ≤ ')
    .replace(/^must be ([<>])/, 'must be $1 ')
}

/** Problems of a config keyed by dotted field path, for inline messages next to each field. */
export function problemsByPath(studyId: string, config: unknown): Record<string, string> {
  const v = validateConfig(studyId, config)
  if (v.ok) return {}
  const out: Record<string, string> = {}
  for (const p of v.problems as ConfigProblem[]) out[p.path] ??= friendly(p.message)
  return out
}
