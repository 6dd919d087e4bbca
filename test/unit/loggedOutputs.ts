/** Checks of what a run logged against what its study declares (pure: no engine, no build). */
import { keyMatches, type OutputDecl } from '../../src-shared/outputs/decl'

/**
 * The keys a run's declared outputs draw that it did not log, as `<output id>: <key>` (a pattern with wildcards
 * needs at least one logged key it matches). Scalar keys: scalars outputs and custom panels' `keys`; series keys:
 * the rest.
 */
export function unloggedOutputKeys(outputs: readonly OutputDecl[], scalarKeys: Iterable<string>, seriesKeys: Iterable<string>): string[] {
  const scalars = [...scalarKeys]
  const series = [...seriesKeys]
  const missing: string[] = []
  const need = (o: OutputDecl, pattern: string, logged: string[]) => {
    if (!logged.some((k) => keyMatches(pattern, k))) missing.push(`${o.id}: ${pattern}`)
  }
  for (const o of outputs) {
    if (o.kind === 'scalars') for (const k of o.keys) need(o, k, scalars)
    else if (o.kind === 'custom') {
      for (const k of o.keys ?? []) need(o, k, scalars)
      if (o.seriesKey) need(o, o.seriesKey, series)
    } else if (o.kind === 'boundary') {
      need(o, o.key, series)
      need(o, o.pointsKey, series)
    } else need(o, o.key, series)
  }
  return missing
}
