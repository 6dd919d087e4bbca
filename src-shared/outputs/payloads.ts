/**
 * The payloads of the generic series kinds (see decl.ts). Plain JSON; numbers are finite or null. Writers:
 * the probes and studies in the engine; readers: the generic panels in src-renderer/outputs/.
 */

export interface HistogramPayload {
  /** bins + 1 ascending edges. */
  edges: number[]
  counts: number[]
  /** Of the values counted (also outside the edges, when they were clipped). */
  min?: number
  max?: number
  mean?: number
  std?: number
  /** Vertical reference lines at values (a noise floor ±1/√M), drawn over the bars. */
  lines?: { label: string; value: number }[]
  /** What the histogram holds, shown under the title. */
  note?: string
}

export interface HeatmapPayload {
  rows: number
  cols: number
  /** Row-major rows × cols. */
  values: (number | null)[]
  rowLabels?: string[]
  colLabels?: string[]
  /** Axis titles: "true class", "predicted class". */
  rowTitle?: string
  colTitle?: string
  /** How a cell reads: counts, fractions (percent) or plain values. */
  format?: 'count' | 'fraction' | 'value'
}

export interface ImageGridPayload {
  /** One image: [H, W, C], C = 1 (grey) or 3 (RGB). */
  shape: [number, number, number]
  /** base64 of n × H × W × C bytes (0–255). */
  images: string
  /** One per image ("7 → 1"). */
  captions: string[]
  /** What the grid holds, for the panel's subtitle ("32 of 187 misclassified test images"). */
  note?: string
}

export interface TableColumn {
  key: string
  label: string
  /** Fractions shown as percentages. */
  percent?: boolean
}

export interface TablePayload {
  columns: TableColumn[]
  rows: Record<string, number | string | null>[]
}

export interface VectorPayload {
  values: (number | null)[]
  labels?: string[]
  /** What the entries are ("class", "unit"). */
  axis?: string
}

/** Groups of values drawn as box plots over a category axis (accuracy vs bits over seeds, thesis Fig. 3.1). */
export interface BoxPlotPayload {
  /** The category axis ("bits per weight") and the value axis ("test accuracy"). */
  xLabel: string
  yLabel: string
  /** One box per group, in axis order; `values` are the raw observations (one per seed). */
  groups: { label: string; values: number[] }[]
  /** Horizontal reference lines across the plot (the uncompressed baseline's median). */
  lines?: { label: string; value: number }[]
  /** Values are fractions shown as percentages. */
  percent?: boolean
}

/** Curves y(x) over a shared numeric x axis that is not the training step (curvature vs x, accuracy vs floor c). */
export interface CurvesPayload {
  xLabel: string
  yLabel: string
  x: number[]
  series: { name: string; y: (number | null)[] }[]
  /** Draw the y axis on a log scale by default (the view offers the switch whenever every value is > 0). */
  logY?: boolean
  percent?: boolean
}

/**
 * Points in a plane (a layer's first two principal components, 2-D data before / after filtering, a pure
 * Voronoi map, −∂ℒ/∂x at the training points), each layer optional:
 *  - groups: points drawn in one colour per group (a class, 'removed'); `faded` groups drawn grey, under the others,
 *    and the others coloured in order among themselves (the k-th non-faded group = colour k = class k of the grid);
 *  - arrows: a quiver, from (x, y) to (x + dx, y + dy) in data units (the writer scales them for display);
 *  - grid: a background map over `extent` = [x0, x1, y0, y1], row-major ny rows of nx cells from (x0, y0):
 *    `kind: 'class'` colours cell values by group index (a Voronoi cell's label), `'value'` by a diverging scale;
 *  - markers: larger symbols (centroids), coloured by `group` (index into groups) when given;
 *  - lines: straight segments (a unit's decision line w·x + b = 0).
 */
export interface ScatterPayload {
  xLabel: string
  yLabel: string
  groups: { name: string; x: number[]; y: number[]; faded?: boolean }[]
  arrows?: { x: number[]; y: number[]; dx: number[]; dy: number[]; name?: string }
  grid?: { nx: number; ny: number; extent: [number, number, number, number]; values: (number | null)[]; kind: 'class' | 'value'; label?: string }
  markers?: { name: string; x: number[]; y: number[]; group?: number[] }
  lines?: { name: string; x: [number, number]; y: [number, number] }[]
  /** Same scale on both axes (2-D data, where distances matter); default false. */
  equalAxes?: boolean
  /** What the plot holds ("2 000 of 10 000 test samples"), shown under the title. */
  note?: string
}
