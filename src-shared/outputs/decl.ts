/**
 * Declared outputs: what a study or a probe logs, by kind, so the run page and the compare view draw generic
 * panels for it (TensorBoard's dashboards by plugin kind). Keys may hold `*` wildcards, each matching one path
 * segment ('gradient-rms/*' matches 'gradient-rms/dense1'), and end in `**`, matching one or more segments
 * ('mi/**'); a series output whose key matches several logged keys gets one panel per key. A study adds a
 * `custom` output (its own component) only where no kind fits.
 */

interface OutputBase {
  /** Unique within the study or probe. */
  id: string
  title: string
  /** What the panel shows and where it comes from (one or two sentences). */
  help?: string
}

/** A group of scalar curves in one chart (loss: train / validation / test). */
export interface ScalarsOutput extends OutputBase {
  kind: 'scalars'
  keys: string[]
  /** Values are fractions shown as percentages (accuracies). */
  percent?: boolean
  /** Offer a log-scale y axis (only for positive quantities such as losses). */
  logScale?: boolean
  yLabel?: string
}

/** A 2-D decision boundary (BoundaryPayload) over the data's points (PointsPayload at `pointsKey`). */
export interface BoundaryOutput extends OutputBase {
  kind: 'boundary'
  key: string
  pointsKey: string
}

/**
 * One series payload per logged step, drawn at a chosen step (slider):
 *  - heatmap: HeatmapPayload (a confusion matrix, an elasticity matrix)
 *  - histogram: HistogramPayload, with every step's histogram also drawn as one matrix over steps
 *  - image-grid: ImageGridPayload (misclassified examples)
 *  - table: TablePayload
 *  - vector: VectorPayload, drawn as bars at the step and as a matrix over steps
 *  - boxplot: BoxPlotPayload, one box per group (values over seeds) with reference lines
 *  - curves: CurvesPayload, lines over an x axis of their own (not the step)
 *  - scatter: ScatterPayload, points in a plane by group, with optional arrows (quiver), a background map and lines
 */
export interface SeriesOutput extends OutputBase {
  kind: 'heatmap' | 'histogram' | 'image-grid' | 'table' | 'vector' | 'boxplot' | 'curves' | 'scatter'
  key: string
}

/**
 * Drawn by a component of the study's (or probe's) own, registered under `panel` in its renderer folder. With
 * `seriesKey`, the run page gives the component that series at a chosen step (props `{ run, payload, step }`, as
 * the compare view's series grid does); without, the whole run (props of a study panel).
 */
export interface CustomOutput extends OutputBase {
  kind: 'custom'
  panel: string
  /** Scalar keys the panel shows (so the generic curves do not repeat them). */
  keys?: string[]
  seriesKey?: string
}

export type OutputDecl = ScalarsOutput | BoundaryOutput | SeriesOutput | CustomOutput
export type OutputKind = OutputDecl['kind']
export type SeriesKind = SeriesOutput['kind']

/** Every key (pattern) an output reads: scalar keys, series keys, a boundary's points. */
export function outputKeys(o: OutputDecl): string[] {
  switch (o.kind) {
    case 'scalars':
      return o.keys
    case 'custom':
      return [...(o.keys ?? []), ...(o.seriesKey ? [o.seriesKey] : [])]
    case 'boundary':
      return [o.key, o.pointsKey]
    default:
      return [o.key]
  }
}

/** The same output with every key (pattern) rewritten by `f`. */
export function mapOutputKeys<O extends OutputDecl>(o: O, f: (key: string) => string): O {
  const d = o as OutputDecl
  switch (d.kind) {
    case 'scalars':
      return { ...o, keys: d.keys.map(f) }
    case 'custom':
      return { ...o, ...(d.keys ? { keys: d.keys.map(f) } : {}), ...(d.seriesKey ? { seriesKey: f(d.seriesKey) } : {}) }
    case 'boundary':
      return { ...o, key: f(d.key), pointsKey: f(d.pointsKey) }
    default:
      return { ...o, key: f(d.key) }
  }
}

/** Does a logged key match a declared key pattern ('*' = one segment)? */
export function keyMatches(pattern: string, key: string): boolean {
  if (!pattern.includes('*')) return pattern === key
  const p = pattern.split('/')
  const k = key.split('/')
  if (p.at(-1) === '**') return k.length >= p.length && p.slice(0, -1).every((seg, i) => seg === '*' || seg === k[i])
  return p.length === k.length && p.every((seg, i) => seg === '*' || seg === k[i])
}

/**
 * The part of `key` that the wildcards of `pattern` matched ('dense1' for 'gradient-rms/*', 'k5/layer2' for
 * 'kred/**'), '' when none.
 */
export function wildcardPart(pattern: string, key: string): string {
  const p = pattern.split('/')
  const k = key.split('/')
  const rest = p.at(-1) === '**' ? k.slice(p.length - 1) : []
  return [...p.flatMap((seg, i) => (seg === '*' ? [k[i]] : [])), ...rest].join('/')
}

/** Every key an output covers among the logged ones, in the declared order of its patterns. */
export function matchingKeys(patterns: string[], logged: Iterable<string>): string[] {
  const all = [...logged]
  const out: string[] = []
  for (const p of patterns) for (const k of all.filter((key) => keyMatches(p, key)).sort()) if (!out.includes(k)) out.push(k)
  return out
}

/** The series output a logged series key belongs to, if any. */
export function seriesOutputFor(outputs: readonly OutputDecl[], key: string): SeriesOutput | BoundaryOutput | CustomOutput | undefined {
  for (const o of outputs) {
    if (o.kind === 'scalars') continue
    const pattern = o.kind === 'custom' ? o.seriesKey : o.key
    if (pattern && keyMatches(pattern, key)) return o
  }
  return undefined
}
