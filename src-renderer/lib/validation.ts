import { validateConfig, type ConfigProblem } from '../../src-shared/studies'

/** Problems of a config keyed by dotted field path, for inline messages next to each field. */
export function problemsByPath(studyId: string, config: unknown): Record<string, string> {
  const v = validateConfig(studyId, config)
  if (v.ok) return {}
  const out: Record<string, string> = {}
  for (const p of v.problems as ConfigProblem[]) out[p.path] ??= p.message
  return out
}
