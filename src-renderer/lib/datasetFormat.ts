/** How the dataset views describe a dataset in a few words. */
import type { DatasetInfo } from '../../src-shared/datasets'


export function formatShape(d: Pick<DatasetInfo, 'shape'>): string {
  return `${d.shape.n.toLocaleString('en-US')} × ${d.shape.sample.join('×')}${d.shape.dtype === 'uint8' ? ' (uint8)' : ''}`
}

export function formatClasses(d: Pick<DatasetInfo, 'shape'>): string {
  return d.shape.task === 'regression' ? `regression (${d.shape.targets})` : `${d.shape.classes ?? '—'}`
}

/** One line: where it came from (generator and seed, files, parent transform, package). */
export function provenanceSummary(d: Pick<DatasetInfo, 'kind' | 'spec' | 'provenance'>): string {
  const spec = (d.spec ?? {}) as Record<string, any>
  const prov = (d.provenance ?? {}) as Record<string, any>
  switch (d.kind) {
    case 'generated':
      return `${spec.generator ?? prov.generator ?? 'generator'}${spec.seed != null ? `, seed ${spec.seed}` : ''}`
    case 'imported': {
      const files = (prov.importedFrom ?? prov.files ?? spec.files ?? spec.paths) as ({ name?: string; path?: string } | string)[] | undefined
      const names = Array.isArray(files) ? files.map((f) => (typeof f === 'string' ? f : f.name ?? f.path ?? '')).map((s) => uploadedName(String(s))) : []
      return names.length ? `from ${names.join(', ')}` : 'imported'
    }
    case 'derived': {
      const t = (spec.transform ?? prov.transform ?? spec) as Record<string, unknown>
      const op = typeof t.op === 'string' ? t.op : 'transform'
      const args = Object.entries(t).filter(([k]) => k !== 'op').map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : v}`)
      const ve = varianceExplained(d)
      if (ve != null) args.push(`${(ve * 100).toFixed(1)} % variance`)
      return `${op}${args.length ? ` (${args.join(', ')})` : ''} of ${prov.parent?.name ?? prov.parentName ?? 'its parent'}`
    }
    case 'builtin':
      return `built in${prov.package ? ` (${prov.package})` : ''}`
  }
}

/** PCA datasets: the fraction of the parent's variance the kept components explain. */
export function varianceExplained(d: Pick<DatasetInfo, 'spec' | 'provenance'>): number | null {
  const v = (d.provenance as Record<string, unknown>)?.varianceExplained ?? (d.spec as Record<string, unknown> | null)?.varianceExplained
  return typeof v === 'number' ? v : null
}

/** A file name as the user knows it: the folder and the upload's unique prefix (`<uuid>-name`) dropped. */
export function uploadedName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path
  return base.replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-/i, '')
}
