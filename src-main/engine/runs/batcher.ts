/**
 * Collects what a run logs and hands it over in batches: at most one batch per `intervalMs`
 * (never one message per step), so both the worker→engine channel and the store see a few
 * transactions per second whatever the step rate.
 */
import type { ArtifactEntry, ScalarPoint, SeriesEntry } from '../store/runs'

export interface RunBatch {
  scalars: ScalarPoint[]
  series: SeriesEntry[]
  artifacts: ArtifactEntry[]
  progress: { step: number; totalSteps: number; message: string } | null
}

export class MetricBatcher {
  private scalars: ScalarPoint[] = []
  private series: SeriesEntry[] = []
  private artifacts: ArtifactEntry[] = []
  private progress: RunBatch['progress'] = null
  private lastFlush: number

  constructor(
    private readonly send: (batch: RunBatch) => void,
    // 300 ms: two streaming events (progress, metrics) per batch stay under ~10 messages/s per run,
    // and a crash loses at most the last 0.3 s of logging.
    private readonly intervalMs = 300,
    private readonly now: () => number = () => performance.now()
  ) {
    this.lastFlush = now()
  }

  scalar(key: string, step: number, value: number): void {
    this.scalars.push({ key, step, wall: Date.now(), value })
    this.maybeFlush()
  }

  seriesEntry(key: string, step: number, payload: unknown): void {
    this.series.push({ key, step, payload })
    this.maybeFlush()
  }

  artifact(name: string, kind: string, bytes: Uint8Array): void {
    this.artifacts.push({ name, kind, bytes })
    this.maybeFlush()
  }

  setProgress(step: number, totalSteps: number, message: string): void {
    this.progress = { step, totalSteps, message }
    this.maybeFlush()
  }

  maybeFlush(): void {
    if (this.now() - this.lastFlush >= this.intervalMs) this.flush()
  }

  /** Send whatever is pending now (end of run, cancel, failure). */
  flush(): void {
    this.lastFlush = this.now()
    if (!this.scalars.length && !this.series.length && !this.artifacts.length && !this.progress) return
    const batch: RunBatch = { scalars: this.scalars, series: this.series, artifacts: this.artifacts, progress: this.progress }
    this.scalars = []
    this.series = []
    this.artifacts = []
    this.progress = null
    this.send(batch)
  }
}
