/**
 * A run as one portable document: config, metadata, every scalar point, every series entry and every
 * artifact. `runs.export` writes it, `runs.import` reads it back as a new run (the CLI also writes it as a
 * folder: run.json + scalars.csv + series.jsonl + artifacts/).
 */
import { z } from 'zod'

export const RUN_EXPORT_FORMAT = 'phenomenology-lab/run'

const finiteOrNull = z.number().nullable()

/** One series entry (also a line of an exported folder's series.jsonl). */
export const seriesEntrySchema = z.strictObject({ key: z.string().max(200), step: z.number().int(), payload: z.unknown() })

export const runExportSchema = z.strictObject({
  format: z.literal(RUN_EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: z.number(),
  run: z.strictObject({
    id: z.string().max(100),
    name: z.string().min(1).max(200),
    studyId: z.string().min(1).max(100),
    config: z.unknown(),
    seed: z.number().int(),
    status: z.enum(['completed', 'failed', 'cancelled', 'interrupted', 'queued', 'running']),
    backend: z.string().max(100).nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    error: z.string().max(100_000).nullable(),
    summary: z.unknown().nullable(),
    tags: z.array(z.string().max(100)).max(100),
    notes: z.string().max(100_000),
    starred: z.boolean(),
    archived: z.boolean(),
    /** Where it came from (informational: sweeps and experiments are not exported with it). */
    experimentName: z.string().max(200).nullable(),
    sweepName: z.string().max(200).nullable(),
    /** What it ran with (app, tfjs, backend, Node, platform, compute threads); absent in exports made before it was recorded. */
    environment: z
      .strictObject({
        app: z.string().max(100),
        tfjs: z.string().max(100),
        backend: z.string().max(100),
        node: z.string().max(100),
        platform: z.string().max(100),
        threads: z.number().int().min(1).max(1024).optional()
      })
      .nullable()
      .optional()
  }),
  /** Columnar per key; null stands for a non-finite value. */
  scalars: z.record(z.string().max(200), z.strictObject({ step: z.array(z.number()), wall: z.array(z.number()), value: z.array(finiteOrNull) })),
  series: z.array(seriesEntrySchema),
  artifacts: z.array(z.strictObject({ name: z.string().min(1).max(200), kind: z.string().max(100), base64: z.string() }))
})

export type RunExport = z.infer<typeof runExportSchema>
