/**
 * Mean hidden activations per class of a finished `training` run's MLP — the input of the neurashed bridge
 * view (src-shared/neurashed/bridge.ts). The run's saved model (`model.json`, tfjs layers format) is loaded,
 * up to `maxPerClass` examples per class of the run's own train or test split are pushed through it in one
 * batched pass, and every hidden layer's post-activation output is averaged per class.
 * Runs in the engine thread: a dense forward pass over ≤ a few thousand samples takes well under a second.
 */
import { LabError } from '../../../src-shared/contract'
import type { ClassActivations } from '../../../src-shared/neurashed/bridge'
import type { Run } from '../../../src-shared/records'
import type { TrainingConfig } from '../../../src-shared/studies/training'
import { upgradeConfig } from '../../../src-shared/studies'
import { tf } from '../compute/backend'
import type { LabStore } from '../store'
import { RunFailure, type RunContext } from '../studies/context'
import { loadSource, runSplit } from '../studies/training'
import { gather } from '../training/data'

/** Layer classes a dense network is made of; anything else (conv, pooling) is not an MLP. */
const MLP_LAYERS = new Set(['Dense', 'Dropout', 'BatchNormalization', 'LeakyReLU', 'Activation', 'Flatten'])

export async function classActivations(store: LabStore, run: Run, opts: { split: 'train' | 'test'; maxPerClass: number }): Promise<ClassActivations> {
  if (run.studyId !== 'training') throw new LabError('bad-request', `run ${run.name} is a ${run.studyId} run; hidden activations are read from training runs`)
  if (run.status !== 'completed') throw new LabError('conflict', `run ${run.name} is ${run.status}; its network is read once it has completed`)
  const artifact = store.runs.artifact(run.id, 'model.json')
  if (!artifact) throw new LabError('not-found', `run ${run.name} has no saved model (model.json)`)
  const saved = JSON.parse(artifact.bytes.toString('utf8')) as { modelTopology: object; weightSpecs: any; weightData: string }
  const bytes = Buffer.from(saved.weightData, 'base64')
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })
  )
  try {
    const foreign = model.layers.find((l) => !MLP_LAYERS.has(l.getClassName()))
    if (foreign) throw new LabError('bad-request', `run ${run.name}'s network has a ${foreign.getClassName()} layer; the neurashed view reads dense networks (MLPs) only`)
    // A hidden layer's output is the dense layer's, or the LeakyReLU right after it; the last dense is the output.
    const dense = model.layers.map((l, i) => ({ l, i })).filter(({ l }) => l.getClassName() === 'Dense')
    const hidden = dense.slice(0, -1).map(({ l, i }) => (model.layers[i + 1]?.getClassName() === 'LeakyReLU' ? model.layers[i + 1] : l))
    if (!hidden.length) throw new LabError('bad-request', `run ${run.name}'s network has no hidden layer`)

    const cfg = upgradeConfig('training', run.config) as TrainingConfig
    const ctx = {
      seed: run.seed,
      datasets: { load: (id: string) => store.datasets.loadArrays(id) }
    } as unknown as RunContext
    let data
    try {
      data = loadSource(ctx, cfg.dataset)
    } catch (err) {
      throw new LabError('not-found', err instanceof RunFailure ? err.message : String(err))
    }
    // The run's own split (the training runner's).
    const split = runSplit(data.n, cfg.dataset, run.seed)
    const pool = opts.split === 'train' ? split.train : split.test
    const perClass = new Array<number>(data.classes).fill(0)
    const rows: number[] = []
    for (const i of pool) {
      const c = data.labels[i]
      if (perClass[c] < opts.maxPerClass) {
        perClass[c]++
        rows.push(i)
      }
    }
    if (!rows.length) throw new LabError('bad-request', `the ${opts.split} split of run ${run.name} is empty`)
    const batch = gather(data, Int32Array.from(rows), 0, rows.length)
    const probe = tf.model({ inputs: model.inputs, outputs: hidden.map((l) => l.output as any) })
    const outs = tf.tidy(() => {
      const x = tf.tensor(batch.x, [rows.length, ...data.sample])
      const ys = probe.predict(x)
      return (Array.isArray(ys) ? ys : [ys]).map((t) => t.reshape([rows.length, -1]).arraySync() as number[][])
    })
    const layers = outs.map((act, li) => {
      const units = act[0].length
      const mean = Array.from({ length: data.classes }, () => new Array<number>(units).fill(0))
      rows.forEach((row, r) => {
        const m = mean[data.labels[row]]
        for (let u = 0; u < units; u++) m[u] += act[r][u]
      })
      mean.forEach((m, c) => perClass[c] && m.forEach((_, u) => (m[u] /= perClass[c])))
      return { name: `hidden ${li + 1} (${hidden[li].name})`, mean }
    })
    const classes = data.classNames ?? Array.from({ length: data.classes }, (_, c) => `class ${c}`)
    return { classes, counts: perClass, layers }
  } finally {
    model.dispose()
  }
}
