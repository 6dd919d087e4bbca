import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8'))
const define = { __LAB_VERSION__: JSON.stringify(pkg.version) }

// Native and wasm-loading packages must stay external: bundled, better-sqlite3 cannot find its
// binding and tfjs-wasm cannot find its .wasm files (see shared TOOLCHAIN.md).
const external = [
  'electron',
  'better-sqlite3',
  'ws',
  'zod',
  /^@tensorflow\//,
  // Only the bench drives Chromium; bundled, playwright-core cannot find its own package.json.
  'playwright-core',
  // Electron's own downloader, loaded at run time from node_modules/electron's dependencies by the launcher.
  '@electron/get'
]

export default defineConfig({
  main: {
    define,
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve(__dirname, 'src-main/electron/main.ts'),
          // `npm start` / `npm run serve` (scripts/start.mjs): plain Node, no Electron.
          launcher: resolve(__dirname, 'src-main/electron/launcher.ts'),
          engine: resolve(__dirname, 'src-main/engine/main.ts'),
          worker: resolve(__dirname, 'src-main/engine/worker.ts'),
          datasetWorker: resolve(__dirname, 'src-main/engine/datasets/jobWorker.ts'),
          runTransferWorker: resolve(__dirname, 'src-main/engine/runs/transferWorker.ts'),
          isingTrialWorker: resolve(__dirname, 'src-main/engine/studies/effective-model/trialWorker.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          bench: resolve(__dirname, 'test/bench/bench.ts')
        },
        external
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload may require only Electron's renderer modules, events, timers and url: every import
      // (the contract's names, zod behind them) is bundled in (test/unit/preload.sandbox.test.ts checks it).
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
        external: ['electron'],
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src-renderer',
    define,
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') }
    }
  }
})
