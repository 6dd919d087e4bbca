/**
 * The memory check a run makes before it allocates anything (in its worker: every launch path passes here,
 * the GUI, the CLI, sweeps): a config whose estimate exceeds what the backend can address fails at once with
 * the figure, instead of growing the process until wasm aborts or the machine swaps.
 */
import { totalmem } from 'node:os'
import { memoryRefusal, type ResourceEstimate } from '../../../src-shared/training/estimate'
import { RunFailure } from '../studies/context'

export function checkMemory(e: ResourceEstimate | null, backend: string): void {
  const refusal = memoryRefusal(e, backend, totalmem())
  if (refusal) throw new RunFailure(refusal)
}
