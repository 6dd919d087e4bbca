/**
 * Bringing files into the dataset library, whatever the transport: in Electron a native dialog picks
 * paths the engine reads; in serve mode the browser's files are uploaded first. Views call `pickFiles`
 * (native only — in a browser the view's <input type=file> is the picker) and `startImport`.
 */
import type { MethodParams } from '../../src-shared/contract'
import type { DatasetJob } from '../../src-shared/datasets'
import { lab } from './client'

export type ImportOptions = Omit<MethodParams<'datasets.import'>, 'paths'>

/** Files chosen for an import: paths from a native dialog, or browser File objects to upload. */
export type ImportSource = { paths: string[] } | { files: (Blob & { name: string })[] }

/** 'native': show a "Choose files…" button; 'upload': show a file input. */
export const importMode: 'native' | 'upload' = lab.files.mode

export function sourceNames(src: ImportSource): string[] {
  return 'paths' in src ? src.paths.map((p) => p.split(/[\\/]/).pop() ?? p) : src.files.map((f) => f.name)
}

/** Native dialog for dataset files (Electron). Resolves to null when the user cancels. */
export async function pickFiles(): Promise<ImportSource | null> {
  if (lab.files.mode !== 'native') throw new Error('pickFiles is for the desktop app; use a file input in the browser')
  const paths = await lab.files.pick('dataset')
  return paths.length ? { paths } : null
}

/**
 * Upload the files if needed (reporting bytes sent over all files), then start the engine's import job.
 * The job's progress arrives as `datasets.job` events.
 */
export async function startImport(
  src: ImportSource,
  options: ImportOptions,
  onUpload?: (loaded: number, total: number, file: string) => void,
  signal?: AbortSignal
): Promise<DatasetJob> {
  let paths: string[]
  if ('paths' in src) paths = src.paths
  else {
    const files = lab.files
    if (files.mode !== 'upload') throw new Error('this transport imports by path')
    const total = src.files.reduce((n, f) => n + f.size, 0)
    let done = 0
    paths = []
    for (const f of src.files) {
      paths.push(await files.upload(f, (loaded) => onUpload?.(done + loaded, total, f.name), signal))
      done += f.size
    }
  }
  return lab.invoke('datasets.import', { paths, ...options })
}
