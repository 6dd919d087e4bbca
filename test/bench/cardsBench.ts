/**
 * Bench section 10 (`npm run bench -- --cards`): every launchable gallery card's CPU-sized preset run to the end
 * through the lab's real path (Lab → queue → worker → runner), one after another, timed from start to finish.
 * Its output is the source of src-shared/gallery/measured.ts (the times the gallery shows), so the cards' times
 * are measured, not guessed. Cards that need a dataset the user imports (Fashion-MNIST) are left out.
 */
import { cpus } from 'node:os'
import { GALLERY_CARDS, isBuilt, launchCard } from '../../src-shared/gallery'
import { Lab } from '../../src-main/engine/lab'
import { validateConfig } from '../../src-shared/studies'

export interface CardTimes {
  machine: string
  backend: string
  date: string
  /** Wall seconds of the CPU preset, by card id (start of training to the end, the store included). */
  seconds: Record<string, number>
  /** Cards that could not run here, and why. */
  skipped: Record<string, string>
}

export async function cardTimes(dataDir: string, workerUrl: URL, log: (m: string) => void, only?: string): Promise<CardTimes> {
  const lab = await Lab.open({ dataDir, mode: 'inprocess', workerUrl, builtins: false })
  const seconds: Record<string, number> = {}
  const skipped: Record<string, string> = {}
  try {
    const builtins = lab.ensureBuiltins()
    if (builtins) await lab.datasetJobs.wait(builtins.jobId)
    for (const card of GALLERY_CARDS.filter((c) => isBuilt(c) && (!only || c.id.startsWith(only)))) {
      const launch = launchCard(card.id, 'cpu')
      if (!launch.ok) {
        skipped[card.id] = launch.reason
        continue
      }
      // A card whose CPU preset needs a dataset the user imports (its hint says which) is left out.
      if (card.datasetHint && !validateConfig(launch.studyId, launch.config).ok) {
        skipped[card.id] = `needs ${card.datasetHint.title} imported`
        continue
      }
      log(`  ${card.id}`)
      const e = await lab.call('experiments.create', { name: card.title, studyId: launch.studyId, config: launch.config })
      const run = lab.startRun(e.id)
      await lab.queue.idle()
      const done = lab.store.runs.get(run.id)!
      if (done.status !== 'completed') {
        skipped[card.id] = `ended ${done.status}: ${done.error}`
        continue
      }
      seconds[card.id] = Math.round(((done.finishedAt! - done.startedAt!) / 1000) * 10) / 10
    }
    return { machine: `${cpus().length} cores, ${process.platform}-${process.arch}, Node ${process.version}`, backend: lab.backend, date: new Date().toISOString().slice(0, 10), seconds, skipped }
  } finally {
    await lab.close()
  }
}
