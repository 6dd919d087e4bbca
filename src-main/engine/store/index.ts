import { join } from 'node:path'
import { DB_FILE, openDatabase, type Db } from './database'
import { DatasetStore } from './datasets'
import { ExperimentStore } from './experiments'
import { LayoutStore } from './layouts'
import { RunStore } from './runs'
import { SettingsStore } from './settings'
import { SweepStore } from './sweeps'
import { WeightCollectionStore } from './weightCollections'

export interface LabStore {
  db: Db
  dbPath: string
  experiments: ExperimentStore
  runs: RunStore
  datasets: DatasetStore
  settings: SettingsStore
  sweeps: SweepStore
  layouts: LayoutStore
  collections: WeightCollectionStore
  close(): void
}

/** The store of a data directory; `readOnly` for processes that only read it (see openDatabase). */
export function openStore(dataDir: string, opts: { readOnly?: boolean } = {}): LabStore {
  const db = openDatabase(dataDir, undefined, opts)
  return {
    db,
    dbPath: join(dataDir, DB_FILE),
    experiments: new ExperimentStore(db),
    runs: new RunStore(db),
    datasets: new DatasetStore(db),
    settings: new SettingsStore(db),
    sweeps: new SweepStore(db),
    layouts: new LayoutStore(db),
    collections: new WeightCollectionStore(db),
    close: () => db.close()
  }
}
