import type { z } from 'zod'

/** What a study produces, so generic panels can show it. */
export interface OutputDecl {
  key: string
  kind: 'scalar' | 'boundary' | 'heatmap' | 'histogram' | 'table'
  title: string
}

/** A ready-made, complete config for a study (a gallery card). */
export interface Template<C = unknown> {
  id: string
  studyId: string
  title: string
  description: string
  config: C
}

export interface StudyDescriptor<C = unknown> {
  id: string
  title: string
  summary: string
  /** Where the study comes from (source document and section). */
  source: string
  configSchema: z.ZodType<C>
  defaults: C
  templates: Template<C>[]
  outputs: OutputDecl[]
}
