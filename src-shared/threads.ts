/**
 * Compute threads per run. The native BLAS pool belongs to the engine process, and every run trains in a thread
 * of it, so the cores are divided among the runs that train at once: one run gets them all, a sweep of N in
 * parallel gets ⌊cores / N⌋ each (at least one). One rule, so the sweep form, Settings and the queue agree.
 */
export function threadsPerRun(cores: number, runsInParallel: number): number {
  return Math.max(1, Math.floor(Math.max(1, cores) / Math.max(1, runsInParallel)))
}
