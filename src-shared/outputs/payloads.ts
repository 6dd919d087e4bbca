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
