/** The `training` study's gallery cards (family `training`): CPU preset = the template, paper preset patched. */
import { templateCard, type CardText, type GalleryCard } from '../../gallery/cards'
import { sgd } from '../../training/optimizer'
import type { TrainingConfig } from './config'
import { datasetOf, trainingPresets, trainingTemplates, type TrainingTemplate } from './descriptor'

const byId = (id: string): TrainingTemplate => {
  const t = trainingTemplates.find((x) => x.id === id)
  if (!t) throw new Error(`gallery: no template ${id}`)
  return t
}
const card = (id: string, text: CardText, patch?: (c: TrainingConfig) => void, base?: TrainingConfig) => templateCard('training', byId(id), text, { base, patch })
const paperSpirals = trainingPresets.find((p) => p.id === 'paper')!.config
/** The thesis's CNN training settings (Table 6.1), the paper preset of both image cards. */
const thesisCnnTraining = (c: TrainingConfig) => {
  c.optimizer = sgd(0.05, 0.9)
  c.batchSize = 128
  c.epochs = 60
}

export const trainingCards: GalleryCard[] = [
  card(
    'training/two-spirals',
    {
      source: 'Øland 2024 thesis §7.6 (SGD baseline of the Platonic chapter); Lang & Witbrock 1988',
      figure: '§7.6, two spirals (SGD baseline)',
      expected: 'SGD baseline 99.17 % test accuracy (75 epochs); the CPU preset (Adam, 3 × 64 ReLU) reaches ≥ 95 %.',
      cpu: '5 000 points (10 % validation, 20 % test), 3 × 64 ReLU, Adam LR 0.01, batch 32, 40 epochs.',
      paper: '5 000 points, 2-32-32-32-32 tanh, SGD LR 0.01, momentum 0.9, batch 32, 75 epochs, LR ÷ 10 after epoch 56.'
    },
    undefined,
    paperSpirals
  ),
  card(
    'training/checkerboard',
    {
      source: 'Øland 2024 thesis §5.4.2 ("the checkerboard conundrum")',
      figure: '§5.4.2, 8 × 8 checkerboard',
      expected: 'Thesis: backprop + SGD stalls near 51–53 % training accuracy; the CPU preset (Adam, 3 × 128 ReLU) gets ≈ 70–75 % test accuracy in 80 epochs.',
      cpu: '5 000 points, 8 × 8 board, 3 × 128 ReLU, Adam LR 0.003, batch 64, 80 epochs.',
      paper: 'The thesis\'s setting: 5 000 points, 8 × 8 board, plain SGD (LR 0.01, no momentum), batch 32, 3 × 128 ReLU, 300 epochs.'
    },
    (c) => {
      c.optimizer = sgd(0.01, 0)
      c.batchSize = 32
      c.epochs = 300
    }
  ),
  card(
    'training/mnist-cnn',
    {
      source: 'Øland 2024 thesis, Table 5.1 and Table 6.1 (vanilla CNN baseline)',
      figure: 'Table 5.1 / 6.1, MNIST baseline',
      expected: 'Thesis 4-layer CNN on all of MNIST: 99.54 % test accuracy; the CPU preset (10 000 built-in digits, 6 epochs) reaches ≈ 97–98 %.',
      cpu: 'Built-in 10 000-digit sample, conv 16 → pool → conv 32 → pool → dense 64, Adam, 6 epochs, confusion matrix every 2 epochs.',
      paper: 'The thesis\'s training settings (SGD LR 0.05, batch 128, 60 epochs) on the built-in sample; the thesis used all 60 000 digits (import them).'
    },
    thesisCnnTraining
  ),
  card(
    'training/fashion-mnist-cnn',
    {
      source: 'Øland 2024 thesis, Table 5.1 and Table 6.1 (vanilla CNN baseline); Xiao et al. 2017 (Fashion-MNIST)',
      figure: 'Table 5.1 / 6.1, Fashion-MNIST baseline',
      expected: 'Thesis vanilla CNN: 92.02 % test accuracy; the CPU preset (4 epochs) reaches ≥ 85 %.',
      cpu: 'Fashion-MNIST (import it), small CNN, Adam, batch 64, 4 epochs.',
      paper: 'SGD LR 0.05, batch 128, 60 epochs on the imported Fashion-MNIST training set.'
    },
    thesisCnnTraining
  ),
  card(
    'training/random-labels',
    {
      source: 'Zhang et al., "Understanding deep learning requires rethinking generalization", ICLR 2017',
      figure: 'Fig. 1a (random labels)',
      expected: 'Training accuracy climbs towards 100 % by memorisation while test accuracy stays at chance (10 %).',
      cpu: '2 500 points in [0, 1)^784, 10 random classes, 2 × 512 ReLU, Adam, 60 epochs.',
      paper: 'CIFAR-10-sized: 50 000 points, 10 classes, 2 × 512 ReLU, SGD LR 0.01, momentum 0.9, 100 epochs (the editor estimates its time on your machine before launch).'
    },
    (c) => {
      c.dataset = datasetOf('random-labels', { n: 50_000, dims: 784, classes: 10, validationFraction: 0.1 })
      c.optimizer = sgd(0.01, 0.9)
      c.batchSize = 128
      c.epochs = 100
    }
  ),
  ...(['circles', 'xor', 'gaussian'] as const).map((name) =>
    card(`training/${name}`, {
      source: 'TensorFlow Playground (Smilkov & Carter 2016)',
      figure: `Playground "${name}" dataset`,
      expected: name === 'gaussian' ? 'Linearly separable: ≈ 100 % test accuracy within a few epochs.' : '≥ 95 % test accuracy, a clean decision boundary.',
      cpu: 'Playground scale: 1 000 points, a small net, 20–40 epochs.',
      paper: 'Same as the CPU preset: the Playground runs at this scale.'
    })
  )
]
