/**
 * Study `pure-voronoi` (thesis Defs 5–7, Figs 5.11–5.12; spec `representations.md`): points on both sides of
 * a sinusoid boundary y = A sin(2π f x) (the dataset library's `sinusoid-boundary` generator), their pure
 * Voronoi map (src-shared/representations/voronoi.ts) for every frequency f and sample count n: the number of
 * pure cells |C| and the pure entropy H* grow with f and with n. No network is trained.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'

export const pureVoronoiConfigSchema = z
  .strictObject({
    frequencies: z.array(z.number().min(0).max(64)).min(1).max(12),
    samples: z.array(z.number().int().min(10).max(100_000)).min(1).max(8),
    amplitude: z.number().min(0).max(10),
    labelNoise: z.number().min(0).max(0.5),
    seed: z.number().int().min(0).max(2 ** 31 - 1)
  })
  .superRefine((c, ctx) => {
    if (new Set(c.frequencies).size !== c.frequencies.length) ctx.addIssue({ code: 'custom', path: ['frequencies'], message: 'each frequency once' })
    if (new Set(c.samples).size !== c.samples.length) ctx.addIssue({ code: 'custom', path: ['samples'], message: 'each sample count once' })
  })
export type PureVoronoiConfig = z.infer<typeof pureVoronoiConfigSchema>

export const pureVoronoiDefaults: PureVoronoiConfig = { frequencies: [1, 2, 4, 8], samples: [500, 1000, 2000], amplitude: 0.5, labelNoise: 0, seed: 1 }

const templates: Template<PureVoronoiConfig>[] = [
  {
    id: 'representations/pure-voronoi',
    studyId: 'pure-voronoi',
    title: 'Pure Voronoi entropy',
    description: 'Thesis Figs 5.11–5.12: sinusoid boundaries of frequency 1, 2, 4 and 8 with 500, 1 000 and 2 000 points; the pure Voronoi map of each, |C| and H* against the frequency per sample count, and the maps drawn.',
    config: structuredClone(pureVoronoiDefaults)
  }
]

const fields: Record<string, FieldMeta> = {
  frequencies: { label: 'Frequencies f', help: 'One boundary y = A sin(2π f x) per value (thesis: 1, 2, 4, 8).', group: 'Data' },
  samples: { label: 'Sample counts', help: 'One set per count and frequency (Fig. 5.12: |C| and H* grow with the count).', unit: 'points', group: 'Data' },
  amplitude: { label: 'Amplitude A', help: 'Of the sinusoid (the generator\'s default 0.5; the thesis does not give it).', group: 'Data' },
  labelNoise: { label: 'Label noise', help: 'Fraction of labels flipped: each flipped point needs cells of its own.', group: 'Data' },
  seed: { label: 'Seed', help: 'Seeds the points (each set from its own stream).', group: 'Data' }
}

const presets: Preset<PureVoronoiConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'Frequencies 1, 2, 4, 8 with 500, 1 000 and 2 000 points (seconds).', config: structuredClone(pureVoronoiDefaults) },
  { id: 'paper', title: 'Paper scale', description: 'The same frequencies with 1 000 … 50 000 points (minutes: the map\'s rounds cost samples × cells).', config: { ...structuredClone(pureVoronoiDefaults), samples: [1000, 5000, 20_000, 50_000] } }
]

const cards: GalleryCard[] = [
  templateCard(
    'representations',
    templates[0],
    {
      figure: 'Thesis Figs 5.11–5.12',
      expected: 'The number of pure cells |C| and H* grow with the boundary frequency (1, 2, 4, 8) and the sample count.',
      cpu: 'Sinusoid boundaries of frequency 1, 2, 4, 8 with 500, 1 000 and 2 000 points.',
      paper: 'The same with 1 000, 5 000, 20 000 and 50 000 points.'
    },
    { patch: (c) => (c.samples = [1000, 5000, 20_000, 50_000]) }
  )
]

export const pureVoronoiStudy: StudyDescriptor<PureVoronoiConfig> = {
  id: 'pure-voronoi',
  title: 'Pure Voronoi entropy',
  summary: 'The pure Voronoi map of 2-D two-class data split by a sinusoid boundary: the number of cells |C| and the entropy H* needed so every point\'s nearest centroid has its label, against the boundary\'s frequency and the sample count.',
  source: 'Øland 2024 thesis, Defs 5–7 and Figs 5.11–5.12',
  configSchema: pureVoronoiConfigSchema,
  defaults: pureVoronoiDefaults,
  templates,
  fields,
  presets,
  cards,
  outputs: [
    { id: 'cells', kind: 'curves', key: 'voronoi/cells-vs-frequency', title: '|C| vs boundary frequency', help: 'One curve per sample count (Figs 5.11–5.12).' },
    { id: 'entropy', kind: 'curves', key: 'voronoi/entropy-vs-frequency', title: 'H* vs boundary frequency', help: 'Pure entropy in bits, one curve per sample count.' },
    { id: 'maps', kind: 'scatter', key: 'voronoi/map/**', title: 'Pure Voronoi map', help: 'Each cell coloured by its centroid\'s class, the centroids marked, the points by class.' },
    { id: 'table', kind: 'table', key: 'voronoi/table', title: '|C| and H* per set' }
  ]
}
