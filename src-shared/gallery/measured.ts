/**
 * How long each launchable card's CPU-sized preset took, measured end to end on one of this project's
 * machines by `npm run bench -- --cards` (bench section 10) — what the gallery and `templates` show, so the
 * cards say measured times, not guesses. The editor's estimate before launch uses this machine's own rate.
 */
import { formatDuration } from '../format'

export interface MeasuredTimes {
  machine: string
  backend: string
  date: string
  seconds: Record<string, number>
}

export const MEASURED: MeasuredTimes = {
  machine: '2 cores, linux-x64, Node v20.20.2',
  backend: 'blas',
  date: '2026-12-03',
  seconds: {
    'training/two-spirals': 9.8,
    'training/checkerboard': 17.1,
    'training/mnist-cnn': 24.9,
    'training/random-labels': 44,
    'training/circles': 1.2,
    'training/xor': 1.3,
    'training/gaussian': 0.3,
    'elasticity-manifold/double-helix': 11.3,
    'elasticity-manifold/folded-boxes': 15,
    'elasticity-classes/mnist-4-9': 21.3,
    'elasticity-clustering/mnist-5-vs-8': 19.5,
    'elasticity-clustering/mnist-4-vs-9': 20.1,
    'elasticity-clustering/mnist-7-vs-9': 18.7,
    'elasticity-clustering/mnist-5-vs-9': 17.8,
    'elasticity-clustering/mnist-3-vs-5': 20,
    'elasticity-clustering/mnist-3-vs-8': 17.2,
    'neurashed/reference-model': 0,
    'neurashed/implicit-regularisation-small-batch': 0,
    'neurashed/implicit-regularisation-full-batch': 0,
    'neurashed/information-bottleneck': 0.1,
    'neurashed/local-elasticity-5-2': 0,
    'neurashed/theorem-1': 0,
    'neurashed/theorem-2': 0.1,
    // The thesis ch. 3–4 cards: each run's own wall time from `npm run lab -- run --template <id> --json` (blas, 2026-12-03).
    'weight-compression/fixed-quantisation': 198,
    'weight-compression/dynamic-compression': 186.5,
    'gradient-amplification/mnist-mlp': 80.6,
    // Run wall times from `run --template <id> --json` (blas), 2026-12-04 (re-measured after the ch. 6-7 cards changed).
    'representations/lsd-per-layer': 31.4,
    'representations/conditional-entropy': 3.0,
    'representations/k-redundancy': 5.9,
    'representations/k-filtering': 90.1,
    'representations/checkerboard-conundrum': 20.9,
    'representations/pure-voronoi': 0.1,
    'platonic/sine': 1.9,
    'platonic/two-spirals': 164.7,
    'platonic/mnist-width': 337.7,
    'gradient-amplification/vgg-cifar': 94.1,
    'platonic/checkerboard': 96.5,
    'layerwise/dll-cnn': 35.7,
    'layerwise/deep-mlp': 52.2
  }
}

/** "measured: 21.3 s on wasm (2 cores, 2026-12-03)", or null for a card not measured. */
export function measuredText(cardId: string): string | null {
  const s = Object.hasOwn(MEASURED.seconds, cardId) ? MEASURED.seconds[cardId] : undefined
  if (s === undefined) return null
  // The bench records tenths of a second: 0 means "less than that", not an instant run.
  const t = s < 0.1 ? 'under 0.1 s' : formatDuration(s)
  return `measured: ${t} on ${MEASURED.backend} (${MEASURED.machine.split(',')[0]}, ${MEASURED.date})`
}
