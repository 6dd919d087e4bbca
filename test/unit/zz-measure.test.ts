import { readFileSync } from 'node:fs'
import { test } from 'vitest'
import { openLab, tempDir } from './helpers'
test('measure', async () => {
  const spec = JSON.parse(readFileSync(process.env.SPEC!, 'utf8'))
  for (const c of [1, 2]) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
    const lab = await openLab(tempDir(), {}, c)
    const t0 = performance.now()
    const s = await lab.call('sweeps.create', spec)
    await lab.queue.idle()
    const sec = (performance.now() - t0) / 1000
    const d = lab.sweeps.get(s.id)
    const n = d.runs.length
    const mean = d.runs.reduce((a, r) => a + (r.run.finishedAt! - r.run.startedAt!) / 1000, 0) / n
    const loop = d.runs.reduce((a, r) => a + r.run.summary!.wallSeconds, 0) / n
    console.log(`MEASURE c${c} load=${load} ${sec.toFixed(2)} s ${Math.round((n / sec) * 3600)} runs/h mean run ${mean.toFixed(2)} s (loop ${loop.toFixed(2)} s) ${d.progress.counts.completed}/${n}`)
    await lab.close()
  }
}, 300_000)
