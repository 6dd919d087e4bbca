/** Native dialogs of the desktop app, kept apart from Electron's objects so tests can check them. */
import { FILE_DIALOG_KINDS, type FileDialogKind } from '../../src-shared/contract'

type DialogProperty = 'openFile' | 'multiSelections'

export interface FileDialog {
  options: { title: string; buttonLabel: string; properties: DialogProperty[]; filters: { name: string; extensions: string[] }[] }
  /** The most paths one pick may return. */
  max: number
}

const DIALOGS: Record<FileDialogKind, FileDialog> = {
  /** Several files; IDX (.gz or plain), CSV, NPY. */
  dataset: {
    options: {
      title: 'Import dataset files',
      buttonLabel: 'Import',
      properties: ['openFile', 'multiSelections'],
      filters: [
        // IDX files are named like `t10k-images-idx3-ubyte` (no dot before the type), so "All files" stays offered.
        { name: 'Datasets (IDX, CSV, NPY, gzip)', extensions: ['gz', 'csv', 'npy', 'idx1-ubyte', 'idx3-ubyte', 'ubyte'] },
        { name: 'All files', extensions: ['*'] }
      ]
    },
    max: 4
  },
  /** One run exported as JSON (`lab export <runId> --out run.json`, or Runs → Export). */
  run: {
    options: {
      title: 'Import a run',
      buttonLabel: 'Import',
      properties: ['openFile'],
      filters: [
        { name: 'Exported runs (JSON)', extensions: ['json'] },
        { name: 'All files', extensions: ['*'] }
      ]
    },
    max: 1
  }
}

/** The dialog for a kind the renderer asked for; anything else is refused (the kind comes from the window). */
export function fileDialog(kind: unknown): FileDialog {
  if (typeof kind !== 'string' || !(FILE_DIALOG_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`unknown file dialog "${String(kind).slice(0, 40)}" (one of: ${FILE_DIALOG_KINDS.join(', ')})`)
  }
  return DIALOGS[kind as FileDialogKind]
}

/** What the renderer gets back: the chosen paths, [] when cancelled; never more than an import takes. */
export function pickedPaths(result: { canceled: boolean; filePaths: string[] }, max = 4): string[] {
  if (result.canceled) return []
  if (result.filePaths.length > max) {
    throw new Error(max === 1 ? `choose one file (you chose ${result.filePaths.length})` : `choose at most ${max} files for one import (you chose ${result.filePaths.length})`)
  }
  return result.filePaths
}
