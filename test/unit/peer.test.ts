/**
 * The bench's PyTorch peer (test/bench/peer.ts) without torch: the aggregation maths, a missing or torch-less
 * interpreter, and the round protocol against a stand-in interpreter (a Node script speaking peer.py's protocol).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { median, peerAvailable, peerComparison, peerPython, peerRounds, peerThreadCounts, threadFigures, workloadFigures } from '../bench/peer'

const tmp = mkdtempSync(join(tmpdir(), 'lab-peer-test-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function executable(name: string, text: string): string {
  const path = join(tmp, name)
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

describe('aggregation', () => {
  test('median of odd and even counts, unsorted input left as it was', () => {
    const values = [5, 1, 3]
    expect(median(values)).toBe(3)
    expect(values).toEqual([5, 1, 3])
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
    expect(() => median([])).toThrow(/no values/)
  })

  test('ratio = median PyTorch samples/s ÷ median lab samples/s (lab time ÷ PyTorch time)', () => {
    const f = threadFigures(2, [100, 300, 200], [1000, 5000, 900])
    expect(f).toMatchObject({ threads: 2, labSamplesPerSecond: 200, torchSamplesPerSecond: 1000, ratio: 5, rounds: 3 })
    expect(f.labRounds).toEqual([100, 300, 200])
    expect(f.torchRounds).toEqual([1000, 5000, 900])
    // the lab faster than PyTorch gives a ratio below 1
    expect(threadFigures(1, [400], [100]).ratio).toBe(0.25)
  })

  test('a round without throughput is an error, not an infinite ratio', () => {
    expect(() => threadFigures(1, [0, 0, 0], [100, 100, 100])).toThrow(/no positive throughput/)
  })

  test('the headline ratio is the worst (largest) over thread counts', () => {
    const w = workloadFigures([threadFigures(1, [100], [800]), threadFigures(2, [100], [1200]), threadFigures(4, [200], [600])])
    expect(w.ratio).toBe(12)
    expect(w.byThreads.map((t) => t.ratio)).toEqual([8, 12, 3])
    expect(() => workloadFigures([])).toThrow()
  })

  test('thread counts: 1 and all cores, once each', () => {
    expect(peerThreadCounts(1)).toEqual([1])
    expect(peerThreadCounts(2)).toEqual([1, 2])
    expect(peerThreadCounts(8)).toEqual([1, 8])
    expect(peerRounds(false)).toBeGreaterThanOrEqual(3)
  })
})

describe('availability', () => {
  test('LAB_PEER_PYTHON overrides the interpreter', () => {
    expect(peerPython({ LAB_PEER_PYTHON: '/opt/py/bin/python3' })).toBe('/opt/py/bin/python3')
    expect(peerPython({})).toBe('/usr/bin/python3')
  })

  test('a missing interpreter: available false with a reason naming it', async () => {
    const a = await peerAvailable('/nonexistent/python3')
    expect(a).toMatchObject({ available: false, torchVersion: null })
    expect(a.reason).toMatch(/\/nonexistent\/python3 not found/)
    expect(a.reason).toMatch(/LAB_PEER_PYTHON/)
  })

  test('an interpreter without torch: available false with its error', async () => {
    const python = executable('no-torch-python', `#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1\n`)
    const a = await peerAvailable(python)
    expect(a.available).toBe(false)
    expect(a.reason).toContain("cannot import torch: ModuleNotFoundError: No module named 'torch'")
  })

  test('without torch the comparison runs nothing and says why', async () => {
    const before = process.env.LAB_PEER_PYTHON
    process.env.LAB_PEER_PYTHON = '/nonexistent'
    try {
      let labRounds = 0
      const p = await peerComparison({ quick: true, log: () => {}, lab: async () => (labRounds++, { samplesPerSecond: 1 }) })
      expect(p.available).toBe(false)
      expect(p).toMatchObject({ reason: expect.stringContaining('/nonexistent not found') })
      expect(labRounds).toBe(0)
      expect(JSON.parse(JSON.stringify(p))).toEqual({ available: false, reason: (p as { reason: string }).reason })
    } finally {
      if (before === undefined) delete process.env.LAB_PEER_PYTHON
      else process.env.LAB_PEER_PYTHON = before
    }
  })
})

describe('rounds against a stand-in interpreter', () => {
  // Speaks peer.py's protocol: `-c …` prints a version; `peer.py --serve --threads N` prints a ready line, then
  // answers each round with samples/s = 1000 × threads × (its round number), ×2 for the MLP.
  const fake = executable(
    'fake-python',
    `#!${process.execPath}
const args = process.argv.slice(2)
if (args[0] === '-c') { process.stdout.write('0.0-fake'); process.exit(0) }
const threads = Number(args[args.indexOf('--threads') + 1])
console.log(JSON.stringify({ ready: true, threads, torch: '0.0-fake' }))
let n = 0
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line)
  n++
  const sps = 1000 * threads * n * (cmd.workload === 'mlp' ? 2 : 1)
  console.log(JSON.stringify({ workload: cmd.workload, threads, samples: cmd.samples, seconds: cmd.seconds, samplesPerSecond: sps, torch: '0.0-fake' }))
})
`
  )

  test('lab and PyTorch rounds alternate; medians and worst ratios come out of the real protocol', async () => {
    const events: string[] = []
    const p = await peerComparison({
      quick: false,
      python: fake,
      threads: [1, 2],
      log: () => events.push('torch'),
      lab: async (workload, threads) => {
        events.push(`lab ${workload} ${threads}`)
        return { samplesPerSecond: 100 }
      }
    })
    if (!p.available) throw new Error(p.reason)
    const rounds = peerRounds(false)
    // lab, torch, lab, torch … for mlp then cnn, at 1 then 2 threads
    expect(events).toEqual(
      [1, 2].flatMap((t) => ['mlp', 'cnn'].flatMap((w) => Array.from({ length: rounds }, () => [`lab ${w} ${t}`, 'torch']).flat()))
    )
    expect(p.torchVersion).toBe('0.0-fake')
    expect(p.threads).toEqual([1, 2])
    // one process per thread count: its round counter runs on across the workloads (mlp rounds 1…R, cnn R+1…2R)
    const mid = (from: number) => median(Array.from({ length: rounds }, (_, i) => from + i))
    expect(p.mlp.byThreads.map((t) => t.torchSamplesPerSecond)).toEqual([2000 * mid(1), 4000 * mid(1)])
    expect(p.cnn.byThreads.map((t) => t.torchSamplesPerSecond)).toEqual([1000 * mid(rounds + 1), 2000 * mid(rounds + 1)])
    expect(p.mlp.ratio).toBe((4000 * mid(1)) / 100)
    expect(p.cnn.ratio).toBe((2000 * mid(rounds + 1)) / 100)
  })
})
