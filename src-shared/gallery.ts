/**
 * The template gallery: one card per study and figure/table of the source papers it reproduces (the study specs in
 * shared/studies/*.md). Pure data, read by the renderer (gallery view) and the CLI (`templates`, `run --template`).
 * Cards of studies without a runner yet are listed with what they will reproduce, and cannot be launched.
 */
import { STUDIES, findPreset, findTemplate } from './studies'
import { trainingPresets, type DatasetHint, type TrainingConfig, type TrainingTemplate } from './studies/training'
import { elasticityManifoldPresets, type ElasticityManifoldConfig } from './studies/elasticityManifold'
import { elasticityClassesPresets } from './studies/elasticityClasses'
import { elasticityClusteringPresets, type ElasticityClusteringConfig } from './studies/elasticityClustering'
import { PUBLISHED_MNIST } from './studies/elasticityPublished'
import { neurashedTemplates, type NeurashedConfig } from './studies/neurashed'

export const PRESET_IDS = ['cpu', 'paper'] as const
export type PresetId = (typeof PRESET_IDS)[number]

export interface GalleryPreset {
  /** What the preset runs, in words (shown on the card and by `templates`). */
  summary: string
  /** The complete config, for built studies. */
  config?: unknown
}

export interface GalleryCard {
  /** `<study>/<name>`; for built studies the id of the template it starts from. */
  id: string
  /** The gallery family the card is listed under (a GALLERY_STUDIES id). */
  studyId: string
  /** The study a built card runs, when it is not the family itself (e.g. `elasticity-manifold` in `local-elasticity`). */
  runStudyId?: string
  title: string
  /** The source document (paper, thesis chapter, slides). */
  source: string
  /** The figure or table it reproduces. */
  figure: string
  /** The published outcome to compare against. */
  expected: string
  presets: Record<PresetId, GalleryPreset>
  datasetHint?: DatasetHint
}

export interface GalleryStudy {
  id: string
  title: string
  /** The spec of the study: shared/studies/<spec>. */
  spec: string
  source: string
}

export const GALLERY_STUDIES: GalleryStudy[] = [
  { id: 'training', title: 'Training', spec: 'training (TensorFlow Playground; thesis §5.4.2, §7.6)', source: 'TensorFlow Playground; Øland 2024 thesis' },
  { id: 'local-elasticity', title: 'Local elasticity', spec: 'local-elasticity.md', source: 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020 (seeds 000–002)' },
  { id: 'neurashed', title: 'Neurashed', spec: 'neurashed.md', source: 'Su, "Neurashed: a phenomenological model for imitating deep learning training" (seeds 000–002)' },
  { id: 'weight-compression', title: 'Weight entropy and compression', spec: 'weight-compression.md', source: 'Øland 2024 thesis, ch. 3' },
  { id: 'gradient-amplification', title: 'Gradient amplification', spec: 'gradient-amplification.md', source: 'Øland 2024 thesis, ch. 4' },
  { id: 'representations', title: 'Representation probes', spec: 'representations.md', source: 'Øland 2024 thesis, ch. 5' },
  { id: 'layerwise', title: 'Deep layer-wise learning', spec: 'layerwise.md', source: 'Øland 2024 thesis, ch. 6' },
  { id: 'platonic', title: 'Platonic projections', spec: 'platonic.md', source: 'Øland 2024 thesis, ch. 7' },
  { id: 'effective-model', title: 'Effective (Ising) model of weight space', spec: 'effective-model.md', source: 'Zou & Huang, data-driven effective model (seed 004)' },
  { id: 'landscape', title: 'Loss landscapes', spec: 'landscape.md', source: 'Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018' }
]

/** A card of the training study: CPU preset = the template, paper preset = the template patched. */
function trainingCard(
  templateId: string,
  card: Omit<GalleryCard, 'id' | 'studyId' | 'title' | 'presets' | 'datasetHint'> & { cpu: string; paper: string },
  paper: ((c: TrainingConfig) => void) | null
): GalleryCard {
  const t = findTemplate(templateId) as TrainingTemplate | undefined
  if (!t) throw new Error(`gallery: no template ${templateId}`)
  const paperConfig = structuredClone(t.config)
  paper?.(paperConfig)
  return {
    id: t.id,
    studyId: 'training',
    title: t.title,
    source: card.source,
    figure: card.figure,
    expected: card.expected,
    presets: { cpu: { summary: card.cpu, config: t.config }, paper: { summary: card.paper, config: paperConfig } },
    ...(t.datasetHint ? { datasetHint: t.datasetHint } : {})
  }
}

/**
 * A card of a built study listed under a gallery family: the CPU preset is the template's config, the paper
 * preset the study's `paper` preset with the template's own choices (`paper` patches it).
 */
function familyCard<C>(
  family: string,
  templateId: string,
  card: Omit<GalleryCard, 'id' | 'studyId' | 'runStudyId' | 'title' | 'presets' | 'datasetHint' | 'source'> & { source?: string; cpu: string; paper: string },
  paper: (c: C) => void = () => {}
): GalleryCard {
  const t = findTemplate(templateId)
  if (!t) throw new Error(`gallery: no template ${templateId}`)
  const base = findPreset(t.studyId, 'paper')?.config
  if (base === undefined) throw new Error(`gallery: study ${t.studyId} has no paper preset`)
  const paperConfig = structuredClone(base) as C
  paper(paperConfig)
  return {
    id: t.id,
    studyId: family,
    runStudyId: t.studyId,
    title: t.title,
    source: card.source ?? GALLERY_STUDIES.find((s) => s.id === family)!.source,
    figure: card.figure,
    expected: card.expected,
    presets: { cpu: { summary: card.cpu, config: t.config }, paper: { summary: card.paper, config: paperConfig } }
  }
}

/** A card of a study that has no runner yet: what it will reproduce, at which scale. */
function plannedCard(studyId: string, name: string, title: string, card: { source?: string; figure: string; expected: string; cpu: string; paper: string }): GalleryCard {
  const study = GALLERY_STUDIES.find((s) => s.id === studyId)!
  return {
    id: `${studyId}/${name}`,
    studyId,
    title,
    source: card.source ?? study.source,
    figure: card.figure,
    expected: card.expected,
    presets: { cpu: { summary: card.cpu }, paper: { summary: card.paper } }
  }
}

/** A neurashed card: the CPU preset is the template; the paper preset trains longer (IB: measured every iteration; Theorem 2: deeper). */
function neurashedCard(templateId: string, card: Omit<GalleryCard, 'id' | 'studyId' | 'runStudyId' | 'title' | 'presets' | 'datasetHint' | 'source'> & { source?: string; cpu: string; paper: string }): GalleryCard {
  const t = neurashedTemplates.find((x) => x.id === templateId)
  if (!t) throw new Error(`gallery: no template ${templateId}`)
  return familyCard<NeurashedConfig>('neurashed', templateId, card, (c) => {
    Object.assign(c, structuredClone(t.config))
    if (c.depthSweep.enabled) c.depthSweep.depths = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
    else if (c.mi.enabled) {
      // IB: the same training measured at every iteration (longer training drifts: see the card).
      c.logEvery = 1
      c.stateEvery = 5
    } else {
      // Longer training, logged as often as before in number of points.
      c.iterations *= 10
      c.logEvery *= 10
      c.stateEvery *= 10
      if (c.generator.kind === 'theorem') c.generator.m = 2000
    }
  })
}

const paperSpirals = trainingPresets.find((p) => p.id === 'paper')!.config

export const GALLERY_CARDS: GalleryCard[] = [
  // ── training (built) ──
  trainingCard(
    'training/two-spirals',
    {
      source: 'Øland 2024 thesis §7.6 (SGD baseline of the Platonic chapter); Lang & Witbrock 1988',
      figure: '§7.6, two spirals (SGD baseline)',
      expected: 'SGD baseline 99.17 % test accuracy (75 epochs); the CPU preset (Adam, 3 × 64 ReLU) reaches ≥ 95 %.',
      cpu: '5 000 points, 3 × 64 ReLU, Adam LR 0.01, batch 32, 40 epochs — about a minute on WebAssembly.',
      paper: '5 000 points, 2-32-32-32-32 tanh, SGD LR 0.01, momentum 0.9, batch 32, 75 epochs (no LR drop at epoch 56 here).'
    },
    (c) => Object.assign(c, structuredClone(paperSpirals))
  ),
  trainingCard(
    'training/checkerboard',
    {
      source: 'Øland 2024 thesis §5.4.2 ("the checkerboard conundrum")',
      figure: '§5.4.2, 8 × 8 checkerboard',
      expected: 'Thesis: backprop + SGD stalls near 51–53 % training accuracy; the CPU preset (Adam, 3 × 128 ReLU) gets ≈ 70–75 % test accuracy in 80 epochs.',
      cpu: '5 000 points, 8 × 8 board, 3 × 128 ReLU, Adam LR 0.003, batch 64, 80 epochs.',
      paper: 'The thesis\'s setting: 5 000 points, 8 × 8 board, plain SGD (LR 0.01, no momentum), batch 32, 3 × 128 ReLU, 300 epochs.'
    },
    (c) => {
      c.optimizer = { kind: 'sgd', learningRate: 0.01, momentum: 0 }
      c.batchSize = 32
      c.epochs = 300
    }
  ),
  trainingCard(
    'training/mnist-cnn',
    {
      source: 'Øland 2024 thesis, Table 5.1 and Table 6.1 (vanilla CNN baseline)',
      figure: 'Table 5.1 / 6.1, MNIST baseline',
      expected: 'Thesis 4-layer CNN on all of MNIST: 99.54 % test accuracy; the CPU preset (10 000 built-in digits, 6 epochs) reaches ≈ 97–98 %.',
      cpu: 'Built-in 10 000-digit sample, conv 16 → pool → conv 32 → pool → dense 64, Adam, 6 epochs.',
      paper: 'The thesis\'s training settings (SGD LR 0.05, batch 128, 60 epochs) on the built-in sample; the thesis used all 60 000 digits (import them).'
    },
    (c) => {
      c.optimizer = { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }
      c.batchSize = 128
      c.epochs = 60
    }
  ),
  trainingCard(
    'training/fashion-mnist-cnn',
    {
      source: 'Øland 2024 thesis, Table 5.1 and Table 6.1 (vanilla CNN baseline); Xiao et al. 2017 (Fashion-MNIST)',
      figure: 'Table 5.1 / 6.1, Fashion-MNIST baseline',
      expected: 'Thesis vanilla CNN: 92.02 % test accuracy; the CPU preset (4 epochs) reaches ≥ 85 %.',
      cpu: 'Fashion-MNIST (import it), small CNN, Adam, batch 64, 4 epochs.',
      paper: 'SGD LR 0.05, batch 128, 60 epochs on the imported Fashion-MNIST training set.'
    },
    (c) => {
      c.optimizer = { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }
      c.batchSize = 128
      c.epochs = 60
    }
  ),
  trainingCard(
    'training/random-labels',
    {
      source: 'Zhang et al., "Understanding deep learning requires rethinking generalization", ICLR 2017',
      figure: 'Fig. 1a (random labels)',
      expected: 'Training accuracy climbs towards 100 % by memorisation while test accuracy stays at chance (10 %).',
      cpu: '2 500 points in [0, 1)^784, 10 random classes, 2 × 512 ReLU, Adam, 60 epochs.',
      paper: 'CIFAR-10-sized: 50 000 points, 10 classes, 2 × 512 ReLU, SGD LR 0.01, momentum 0.9, 100 epochs (hours on CPU).'
    },
    (c) => {
      c.dataset = { ...c.dataset, n: 50_000 }
      c.optimizer = { kind: 'sgd', learningRate: 0.01, momentum: 0.9 }
      c.batchSize = 128
      c.epochs = 100
    }
  ),
  ...(['circles', 'xor', 'gaussian'] as const).map((name) =>
    trainingCard(
      `training/${name}`,
      {
        source: 'TensorFlow Playground (Smilkov & Carter 2016)',
        figure: `Playground "${name}" dataset`,
        expected: name === 'gaussian' ? 'Linearly separable: ≈ 100 % test accuracy within a few epochs.' : '≥ 95 % test accuracy within seconds, a clean decision boundary.',
        cpu: 'Playground scale: 1 000 points, a small net, 20–40 epochs.',
        paper: 'Same as the CPU preset: the Playground runs at this scale.'
      },
      null
    )
  ),

  // ── local elasticity ──
  familyCard<ElasticityManifoldConfig>('local-elasticity', 'elasticity-manifold/double-helix', {
    source: 'He & Su, ICLR 2020 slides, "toy manifolds" (seed 000)',
    figure: 'Slides: double helix, two-layer neural vs linear net, S_rel vs distance',
    expected: 'Neural net: large S_rel for nearby points on the same strand, decaying with distance (locality index clearly > 1); linear net: no locality (index ≈ 1).',
    cpu: elasticityManifoldPresets.find((p) => p.id === 'cpu')!.description,
    paper: elasticityManifoldPresets.find((p) => p.id === 'paper')!.description
  }),
  familyCard<ElasticityManifoldConfig>(
    'local-elasticity',
    'elasticity-manifold/folded-boxes',
    {
      source: 'He & Su, ICLR 2020 slides, "toy manifolds" (seed 000)',
      figure: 'Slides: folded boxes, three-layer neural vs linear net',
      expected: 'Neural net locally elastic (locality index > 1) across the fold; linear net not (≈ 1).',
      cpu: 'Folded boxes, 1 000 points, 64-64 ReLU vs linear, plain SGD (LR 0.1, batch 32), 200 epochs, S_rel from 40 base points every 10 epochs.',
      paper: 'Folded boxes, 2 000 points, 256-256 ReLU vs linear, 400 epochs, S_rel from 100 base points every 40 epochs.'
    },
    (c) => {
      c.dataset.generator = 'folded-boxes'
      c.network.hidden = [256, 256]
    }
  ),
  familyCard('local-elasticity', 'elasticity-classes/mnist-4-9', {
    source: 'He & Su, ICLR 2020 (seed 001), Fig. 6',
    figure: 'Seed 001, Fig. 6 (LE histograms per class pair)',
    expected: 'LE(x, x′) larger for similar classes (MNIST 4 ↔ 9) than for dissimilar ones (4 → 1).',
    cpu: elasticityClassesPresets.find((p) => p.id === 'cpu')!.description,
    paper: elasticityClassesPresets.find((p) => p.id === 'paper')!.description + ' Seed 001 itself: pretrained VGG-19 on ImageNet — GPU-scale.'
  }),
  ...PUBLISHED_MNIST.map((row) =>
    familyCard<ElasticityClusteringConfig>(
      'local-elasticity',
      `elasticity-clustering/mnist-${row.primary[0]}-vs-${row.primary[1]}`,
      {
        source: 'He & Su, ICLR 2020 slides, "Local Elasticity Based Clustering"; HornHehhf/LocalElasticity',
        figure: `Slides "Results on MNIST", ${row.primary[0]} vs ${row.primary[1]} (auxiliary ${row.auxiliary.join(', ')})`,
        expected: `Published: K-means ${row.percent.kmeans} %, ℓ2-kernelized FNN ${row.percent['kernelized-mlp']} %, ℓ2-kernelized CNN ${row.percent['kernelized-cnn']} %.`,
        cpu: elasticityClusteringPresets.find((p) => p.id === 'cpu')!.description,
        paper: elasticityClusteringPresets.find((p) => p.id === 'paper')!.description
      },
      (c) => {
        c.primary = [...row.primary]
        c.auxiliary = [...row.auxiliary]
      }
    )
  ),
  // ── neurashed ──
  neurashedCard('neurashed/reference-model', {
    figure: 'Seed 001, Figs 1–2',
    expected: 'An update on class 1a changes 1b most, class 2 less, class 3 not at all (local elasticity): Δ1b / Δ2 > 1, Δ3 = 0.',
    cpu: '4 levels, 3 classes (class 1 with subtypes 1a/1b), g⁺ ×1.02, g⁻ identity, batch 1, 400 iterations, probe from 1a.',
    paper: 'Same model, 4 000 iterations.'
  }),
  neurashedCard('neurashed/implicit-regularisation-small-batch', {
    figure: 'Seed 001, Figs 3–4 (batch 1)',
    expected: 'Batch size 1 learns a sparse pathway: the shared nodes grow fastest (entropy of normalised λ falls, Gini rises).',
    cpu: 'One class, two pathways sharing nodes; g⁺ ×1.05, g⁻ ×0.95, batch 1, 200 iterations.',
    paper: 'Same, 2 000 iterations.'
  }),
  neurashedCard('neurashed/implicit-regularisation-full-batch', {
    figure: 'Seed 001, Figs 3–4 (full batch)',
    expected: 'The full batch learns a dense pathway: every node grows alike (entropy stays at its maximum).',
    cpu: 'The same graph and rules, batch 2 (both pathways), 200 iterations.',
    paper: 'Same, 2 000 iterations.'
  }),
  neurashedCard('neurashed/information-bottleneck', {
    figure: 'Seed 001, Fig. 5 and appendix',
    expected: 'Level 2: I(T;X) ≈ 2 bits early, then → 1 bit; I(T;Y) stays 1 bit (slides: bottom level 3 → 2 bits).',
    cpu: '2 classes × 4 input types, λ ~ U(0, 0.01), the appendix\'s g⁺/g⁻, batch 4 from shuffled epochs, 1 500 iterations, MI with σ = 0.05 (KDE).',
    paper: 'Same model and training with MI measured at every iteration. Far longer training drifts (the two classes\' λ ratio random-walks until one class falls below the noise at level 1).'
  }),
  neurashedCard('neurashed/local-elasticity-5-2', {
    source: 'Su, neurashed slides ("Neurashed implies local elasticity")',
    figure: 'Slides: tiger / cat / plane, ratio 5/2',
    expected: 'ΔC2 / ΔC3 = 5/2 exactly after one update on C1 (additive updates, equal counts).',
    cpu: 'Tiger, cat, plane; additive g⁺ +1, g⁻ identity, λ = η = 0, batch 1, 30 iterations.',
    paper: 'Same, 300 iterations.'
  }),
  neurashedCard('neurashed/theorem-1', {
    source: 'Su, seed 001 appendix (Theorem 1)',
    figure: 'Theorem 1',
    expected: 'ΔZ_j / ΔZ_j′ → (b1 + b2)/b1 = 2.5 for b1 = 2, b2 = 3.',
    cpu: 'm = 200, b1 = 2, b2 = 3, 3 classes, L = 4; g⁺ x + 2, g⁻ identity, η fixed; 600 iterations.',
    paper: 'm = 2 000, 6 000 iterations.'
  }),
  neurashedCard('neurashed/theorem-2', {
    source: 'Su, seed 001 appendix (Theorem 2)',
    figure: 'Theorem 2, ratio vs depth',
    expected: 'The ratio grows without bound with depth (2.5 at L = 2).',
    cpu: 'Theorem 1\'s graph at depths 2 … 32, 2 updates per class each.',
    paper: 'Depths 2 … 64.'
  }),
  // ── weight compression ──
  plannedCard('weight-compression', 'fixed-quantisation', 'Accuracy vs quantisation bits', {
    figure: 'Thesis Fig. 3.1',
    expected: 'Fixed quantisation recovers the baseline at 8 bits; nothing gained above 6–7 bits.',
    cpu: 'MNIST MLP 784-392-50-10 tanh, MSE, 10 trials, bits 2–12.',
    paper: '~1 500 trials, 100 epochs, bits 2–30 (box plot).'
  }),
  plannedCard('weight-compression', 'dynamic-compression', 'Dynamic entropy compression', {
    figure: 'Thesis §3.6 and §3.8',
    expected: 'c = 5, M = 4: 3.55 bits/param after Huffman (×9.01); c = 6, M = 4: 3.78 bits/param (×8.47), ≈ ×10.3 effective.',
    cpu: 'MNIST MLP 784-392-50-10, F = 3 %, M = 4, c = 6, 20 epochs.',
    paper: '100 epochs, c = 5 and c = 6, several trials; correlation of log(G + 1) with H (> 0.75).'
  }),
  // ── gradient amplification ──
  plannedCard('gradient-amplification', 'mnist-mlp', 'Non-squashing outputs on MNIST', {
    figure: 'Thesis Table 4.1',
    expected: 'Error / epochs to best: sigmoid 1.8 % / 98.5, tanh 1.7 / 95.0, linear 1.7 / 73.5 (≈ 25 % faster).',
    cpu: 'MNIST MLP 784-392-50-10 ReLU, 3 trials per output variant, 20 epochs.',
    paper: '20 trials (median), 100 epochs, tuned fixed LR, no regularisation.'
  }),
  plannedCard('gradient-amplification', 'vgg-cifar', 'Gradient amplification on VGG', {
    figure: 'Thesis Table 4.2',
    expected: 'CIFAR-10 error, VGG-13: softmax 5.68 %, exp-GA 5.61 %, pow3-GA 5.55 %, linear + MSE 5.47 %.',
    cpu: 'A small CNN on Fashion-MNIST with the four output variants.',
    paper: 'VGG-13 / VGG-19 on CIFAR-10, median of 8 — GPU-scale.'
  }),
  // ── representations ──
  plannedCard('representations', 'lsd-per-layer', 'Least-squares distance per layer', {
    figure: 'Thesis Fig. 5.6',
    expected: 'LSD decreases with the layer index and over training (MLP 784-392-196-50-10 on MNIST).',
    cpu: 'Built-in MNIST sample, 784-392-196-50-10, LSD every epoch.',
    paper: 'All of MNIST, 50 epochs.'
  }),
  plannedCard('representations', 'conditional-entropy', 'Feature-wise conditional entropy H(Y|z)', {
    figure: 'Thesis Fig. 5.21 and §5.3',
    expected: '784-300-50-10 ReLU, epochs 0–5: layer 1 3.26 → 3.12, layer 2 3.26 → 2.55, output 3.03 → 0.09 bits.',
    cpu: 'Built-in MNIST sample, 784-300-50-10, 5 epochs.',
    paper: '784-392-196-50-10, 50 epochs, LR 3e-6, MSE loss.'
  }),
  plannedCard('representations', 'k-redundancy', 'k-redundancy per layer', {
    figure: 'Thesis Fig. 5.14',
    expected: 'k-redundancy rises sigmoidally with depth; top layers near 100 %.',
    cpu: 'k = 5, 10, 20 on the built-in MNIST sample, chunks of 2 000.',
    paper: 'All of MNIST, chunks of ≈ 6 000, several epochs.'
  }),
  plannedCard('representations', 'pure-voronoi', 'Pure Voronoi entropy', {
    figure: 'Thesis Figs 5.11–5.12',
    expected: 'The number of pure cells |C| and H* grow with the boundary frequency (1, 2, 4, 8) and the sample count.',
    cpu: 'Sinusoid boundaries of frequency 1–8, 2 000 points.',
    paper: 'Same with sample counts up to 50 000.'
  }),
  plannedCard('representations', 'k-filtering', 'k-filtering', {
    figure: 'Thesis Table 5.1',
    expected: 'MNIST: baseline 99.54 % (100 % kept), k = 10 99.43 % (34 % kept), k = 20 99.50 % (53 %).',
    cpu: 'Built-in MNIST sample, small CNN, k = 10 and 20.',
    paper: 'All of MNIST and Fashion-MNIST, 4-layer CNN, k up to 42.'
  }),
  plannedCard('representations', 'checkerboard-conundrum', 'The checkerboard conundrum', {
    figure: 'Thesis §5.4.2 and Fig. 5.16',
    expected: 'Thesis: SGD on an MLP stalls at 51–53 % and fits after k-filtering (to be tested, not assumed).',
    cpu: '5 000 points, 8 × 8, MLP with SGD and Adam, with and without k-filtering.',
    paper: 'The thesis\'s setting with long training and a width sweep.'
  }),
  // ── layer-wise ──
  plannedCard('layerwise', 'dll-cnn', 'Deep layer-wise learning vs backprop', {
    figure: 'Thesis Table 6.1',
    expected: 'MNIST 99.54 → DLL 99.58 %, KMNIST 97.09 → 96.72 %, Fashion-MNIST 92.02 → 92.20 %.',
    cpu: 'Built-in MNIST sample, small CNN, DLL 3 layers × 5 epochs.',
    paper: 'Batch 128, LR 0.05, WD 8e-5, layers 1–3 trained 30/40/50 epochs, later ones 60.'
  }),
  plannedCard('layerwise', 'deep-mlp', '1000-layer MLP trained layer-wise', {
    figure: 'Thesis ch. 6 depth claim',
    expected: 'Layer-wise training works at 1 000 layers where full backprop fails past ~15–25 layers.',
    cpu: '100-layer narrow MLP on the built-in MNIST sample.',
    paper: '1 000-layer narrow MLP on all of MNIST.'
  }),
  // ── platonic ──
  plannedCard('platonic', 'sine', 'Closed-form fit of a sine', {
    figure: 'Thesis §7.5 (sine)',
    expected: '1-16-16-1 CELU: MSE 2e-5.',
    cpu: '5 000 samples of sin over two periods, float64 solves.',
    paper: 'Same as the CPU preset.'
  }),
  plannedCard('platonic', 'two-spirals', 'Platonic projections on two spirals', {
    figure: 'Thesis §7.6',
    expected: 'α = 0.1, β = 10: float32 N_tries 1 → 89.73 %, 50 → 94.51 %; float64 N_tries 1 → 99.99 % (SGD baseline 99.17 %).',
    cpu: '5 000 points, 2-32-32-32-32-1 tanh, float64, N_tries 1 and 5.',
    paper: 'Table 7.1: 1 000 runs, α/β = 1/2 and 0.1/10, pinv, lstsq and ridge in float32 and float64.'
  }),
  plannedCard('platonic', 'mnist-width', 'One hidden layer on MNIST, by width', {
    figure: 'Thesis Table 7.2',
    expected: 'Width 1 568: random W 93.89 %, random P 94.63 %, sorted PCA 95.88 % (backprop 784-392-50-10: 98.12 %).',
    cpu: 'Built-in MNIST sample, widths 98–784, ridge λ = 50 000.',
    paper: 'All of MNIST, widths 98 / 196 / 392 / 784 / 1 568, the four weight choices; Table 7.3 deeper nets.'
  }),
  // ── effective model ──
  plannedCard('effective-model', 'entropy-landscape', 'Entropy landscape of weight space', {
    figure: 'Seed 004, entropy landscape s(d) and Fig. 2(a)',
    expected: 'Under-parametrised ITR at x = 0: d 0.493, s 0.689 vs s_ub 0.693 (saturates the bound); no hysteresis.',
    cpu: '20-15-15-10 binary net on 20 PCA components of MNIST, a few thousand collected networks.',
    paper: '2 000 000 configurations (under-parametrised) — out of reach on 2 cores; the 1/√M noise floor is shown.'
  }),
  plannedCard('effective-model', 'shallow-hysteresis', 'Shallow network: hysteresis', {
    figure: 'Seed 004, shallow 20-10 landscape',
    expected: 'Clear hysteresis: jumps near x ≈ −1.6 and x ≈ +1.4; d between ≈ 0.4 and ≈ 0.96 never reached; s(0) ≈ 0.17.',
    cpu: 'Shallow 20-10 (N = 200), thousands of networks, x from 3 to −3 and back.',
    paper: '500 000 configurations, 20 references per energy region.'
  }),
  // ── landscape ──
  plannedCard('landscape', 'filter-normalised-2d', 'Filter-normalised 2-D loss surface', {
    figure: 'Li et al. 2018, Figs 1 and 5 (contour and surface plots)',
    expected: 'A convex-looking basin around a well-trained MLP; the goal is a 51 × 51 grid of an MNIST MLP in minutes.',
    cpu: 'MNIST MLP, 21 × 21 grid, coarse-to-fine.',
    paper: '51 × 51 grid (the reference code needs the cost of 441 epochs for 21 × 21).'
  }),
  plannedCard('landscape', 'interpolation', 'Linear interpolation between solutions', {
    figure: 'Li et al. 2018, 1-D plots (Goodfellow et al. interpolation)',
    expected: 'Loss along (1 − t)w_a + t w_b, t ∈ [−0.5, 1.5], with the barrier height between two saved runs.',
    cpu: 'Two runs of the MNIST CNN template, 41 points.',
    paper: 'Same with 201 points and several run pairs.'
  })
]

export type LaunchCheck = { ok: true; studyId: string; config: unknown; title: string } | { ok: false; reason: string }

export function findCard(id: string): GalleryCard | undefined {
  return GALLERY_CARDS.find((c) => c.id === id)
}

/** The study a card runs: its own (`runStudyId`) or its family's. */
export function cardStudyId(card: GalleryCard): string {
  return card.runStudyId ?? card.studyId
}

/** A card can launch when its study has a runner (a descriptor in STUDIES) and the preset has a config. */
export function isBuilt(card: GalleryCard): boolean {
  return !!STUDIES[cardStudyId(card)] && card.presets.cpu.config !== undefined
}

/** Why a card cannot launch (null when it can). */
export function notBuiltReason(card: GalleryCard): string | null {
  if (isBuilt(card)) return null
  const study = GALLERY_STUDIES.find((s) => s.id === card.studyId)
  return `not built yet: the "${study?.title ?? card.studyId}" study has no runner in this version of the lab (spec: ${study?.spec ?? '?'})`
}

/** The config a card launches with a preset, or why it cannot launch. */
export function launchCard(cardId: string, preset: string = 'cpu'): LaunchCheck {
  const card = findCard(cardId)
  if (!card) return { ok: false, reason: `unknown template "${cardId}"` }
  const why = notBuiltReason(card)
  if (why) return { ok: false, reason: `${card.id}: ${why}` }
  if (!(PRESET_IDS as readonly string[]).includes(preset)) return { ok: false, reason: `unknown preset "${preset}"; use ${PRESET_IDS.join(' or ')}` }
  const config = card.presets[preset as PresetId].config
  if (config === undefined) return { ok: false, reason: `${card.id} has no "${preset}" preset` }
  return { ok: true, studyId: cardStudyId(card), config: structuredClone(config), title: card.title }
}

/** The study-level preset a card's config is compared against when no card preset applies. */
export function studyPresetConfig(studyId: string, presetId: string): unknown {
  return findPreset(studyId, presetId)?.config
}
