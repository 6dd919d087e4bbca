/** Native dialogs of the desktop app, kept apart from Electron's objects so tests can check them. */

/** The IPC channel of the open-file dialog for dataset imports. */
export const PICK_FILES_CHANNEL = 'lab:pickFiles'

/** Options of the dataset-import dialog: several files; IDX (.gz or plain), CSV, NPY. */
export function importDialogOptions() {
  return {
    title: 'Import dataset files',
    buttonLabel: 'Import',
    properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[],
    filters: [
      // IDX files are named like `t10k-images-idx3-ubyte` (no dot before the type), so "All files" stays offered.
      { name: 'Datasets (IDX, CSV, NPY, gzip)', extensions: ['gz', 'csv', 'npy', 'idx1-ubyte', 'idx3-ubyte', 'ubyte'] },
      { name: 'All files', extensions: ['*'] }
    ]
  }
}

/** What the renderer gets back: the chosen paths, [] when cancelled; never more than an import takes. */
export function pickedPaths(result: { canceled: boolean; filePaths: string[] }, max = 4): string[] {
  if (result.canceled) return []
  if (result.filePaths.length > max) throw new Error(`choose at most ${max} files for one import (you chose ${result.filePaths.length})`)
  return result.filePaths
}
