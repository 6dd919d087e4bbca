/// <reference types="vite/types/importMeta.d.ts" />
/**
 * The engine's probes: every folder here with an index.ts default-exporting a `ProbeImpl` (context.ts) is
 * registered by its descriptor's id — adding a probe is its shared descriptor (src-shared/probes/<id>.ts, one
 * line in that registry) and its folder here; nothing else. A unit test checks both sides name the same ids.
 */
import { deriveSeed } from '../../../src-shared/rng'
import type { ProbeEntry } from '../../../src-shared/probes'
import type { RunContext } from '../studies/context'
import type { ProbeContext, ProbeData, ProbeImpl, ProbeInstance, ProbedNetwork } from './context'

const modules = import.meta.glob<{ default: ProbeImpl }>('./*/index.ts', { eager: true })

/** The engine's probe implementations by id. */
export const PROBE_IMPLS: ReadonlyMap<string, ProbeImpl> = new Map(Object.values(modules).map((m) => [m.default.descriptor.id, m.default]))

/**
 * Set up a run's probes on each of its networks. A probe that does not apply to the run says why (a warning
 * scalar-free log line in the run's series `warnings`) and is left out; an unknown id is an error.
 */
export function setupProbes(
  ctx: RunContext,
  entries: readonly ProbeEntry[],
  networks: ProbedNetwork[],
  data: ProbeData,
  epochs: number,
  record: (key: string, step: number, value: number) => void
): { every: number; instance: ProbeInstance }[] {
  const out: { every: number; instance: ProbeInstance }[] = []
  const warnings: string[] = []
  for (const entry of entries) {
    const impl = PROBE_IMPLS.get(entry.id)
    if (!impl) throw new Error(`no engine implementation for probe "${entry.id}"`)
    for (const network of networks) {
      const pc: ProbeContext = {
        tf: ctx.tf,
        run: { runId: ctx.runId, log: record, logSeries: ctx.logSeries, progress: ctx.progress, get aborted() { return ctx.aborted } },
        params: entry.params,
        seed: deriveSeed(ctx.seed, `probe/${entry.id}/${network.name}`),
        runSeed: ctx.seed,
        network,
        data,
        epochs,
        key: (sub) => (network.name ? `${entry.id}/${network.name}/${sub}` : `${entry.id}/${sub}`),
        skip: (reason) => {
          warnings.push(`${impl.descriptor.title} probe${network.name ? ` (${network.name} net)` : ''} skipped: ${reason}`)
          return null
        }
      }
      const instance = impl.setup(pc)
      if (instance) out.push({ every: entry.every, instance })
    }
  }
  if (warnings.length) ctx.logSeries('warnings/probes', 0, { messages: warnings })
  return out
}
