/** Distinct series colours for runs and groups (readable on the dark and the light theme). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#17becf', '#bcbd22']

export function seriesColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]
}

/**
 * The colour of every compared run and group, shared by the run chips, the curves, the legends and the
 * parallel plot: ungrouped, runs take the palette in their order; grouped, each group takes the palette in
 * group order and its runs wear their group's colour — a legend entry and the chips of its runs match.
 */
export function compareColors(runIds: string[], groups: { key: string; ids: string[] }[] | null): { run: Map<string, string>; group: Map<string, string> } {
  const run = new Map<string, string>()
  const group = new Map<string, string>()
  if (groups) {
    groups.forEach((g, i) => {
      group.set(g.key, seriesColor(i))
      for (const id of g.ids) run.set(id, seriesColor(i))
    })
  }
  runIds.forEach((id, i) => {
    if (!run.has(id)) run.set(id, seriesColor(i))
  })
  return { run, group }
}

/** The colour with an alpha (hex #rrggbb → rgba). */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
