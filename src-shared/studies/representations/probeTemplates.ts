/**
 * The thesis ch. 5 probe figures as templates of the `training` study: the network trains as usual and the
 * representation probes (src-shared/probes/lsd.ts, hyz.ts, kred.ts, layer-pca.ts) measure every layer as it
 * learns — the same probes can be attached to any run. Listed in the gallery family `representations`.
 */
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { dense } from '../../network/layers'
import { newProbeEntry, type ProbeEntry } from '../../probes'
import { adam } from '../../training/optimizer'
import { layers, trainingDefaults, type TrainingConfig } from '../training/config'
import { BUILTIN_MNIST_ID, type TrainingTemplate } from '../training/descriptor'

const probe = (id: string, every: number, params: Record<string, unknown> = {}): ProbeEntry => {
  const e = newProbeEntry(id)
  return { ...e, every, params: { ...e.params, ...params } }
}

/** An MLP on the built-in digits (70 % train, 10 % validation, 20 % test) with Adam and the given probes. */
function mnistMlp(id: string, title: string, description: string, hidden: number[], epochs: number, probes: ProbeEntry[]): TrainingTemplate {
  const config: TrainingConfig = structuredClone(trainingDefaults)
  config.dataset = { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0.1 }
  config.network = layers(...hidden.map((u) => dense(u, 'relu')))
  config.loss = 'softmax-cross-entropy'
  config.optimizer = adam(0.001)
  config.batchSize = 64
  config.epochs = epochs
  config.logEvery = 20
  delete config.boundary
  config.probes = probes
  return { id: `representations/${id}`, studyId: 'training', title, description, config }
}

export const representationProbeTemplates: TrainingTemplate[] = [
  mnistMlp(
    'lsd-per-layer',
    'Least-squares distance per layer',
    'Thesis Fig. 5.6: the MLP 784-392-196-50-10 (ReLU, softmax cross-entropy, Adam) on the built-in digits, with the LSD of every layer (layer 0 = the input) on 2 000 training rows every epoch, and the first two principal components of every layer for classes 0–3 (Fig. 5.9) every 2 epochs. Expected: LSD falls with the layer index and over training.',
    [392, 196, 50],
    10,
    [probe('lsd', 1, { samples: 2000 }), probe('layer-pca', 2)]
  ),
  mnistMlp(
    'conditional-entropy',
    'Feature-wise conditional entropy H(Y|z)',
    'Thesis §5.3: the MLP 784-300-50-10 (ReLU, softmax cross-entropy, Adam) on the built-in digits for 5 epochs, H(Y|z_j) of every dense layer\'s units on 2 000 training rows at epochs 0–5. Published: layer 1 3.26 → 3.12, layer 2 3.26 → 2.55, output 3.03 → 0.09 bits.',
    [300, 50],
    5,
    [probe('hyz', 1, { samples: 2000 })]
  ),
  mnistMlp(
    'k-redundancy',
    'k-redundancy per layer',
    'Thesis Fig. 5.14: the MLP 784-392-196-50-10 (ReLU, Adam) on the built-in digits for 6 epochs, the k-redundancy of every layer for k = 5, 10, 20 on 4 000 training rows with neighbours searched in chunks of 2 000, every 2 epochs. Expected: it rises sigmoidally with depth, the top layers near 100 %.',
    [392, 196, 50],
    6,
    [probe('kred', 2, { samples: 4000, chunk: 2000, ks: [5, 10, 20] })]
  )
]

const byId = (name: string) => representationProbeTemplates.find((t) => t.id === `representations/${name}`)!

export const representationProbeCards: GalleryCard[] = [
  templateCard(
    'representations',
    byId('lsd-per-layer'),
    {
      figure: 'Thesis Figs 5.6 and 5.9',
      expected: 'LSD decreases with the layer index and over training (MLP 784-392-196-50-10 on MNIST); the PCA of higher layers separates the classes.',
      cpu: 'Built-in digits (7 000 for training), 784-392-196-50-10 ReLU, Adam 0.001, 10 epochs, LSD on 2 000 rows every epoch, PCA every 2.',
      paper: 'Import all 60 000 MNIST digits; 50 epochs, LSD on 10 000 rows every epoch (minutes per epoch for the input layer\'s 784 features).'
    },
    {
      patch: (c) => {
        c.epochs = 50
        c.probes = [probe('lsd', 1, { samples: 10_000 }), probe('layer-pca', 5)]
      }
    }
  ),
  templateCard(
    'representations',
    byId('conditional-entropy'),
    {
      figure: 'Thesis §5.3 and Fig. 5.21',
      expected: '784-300-50-10 ReLU, epochs 0–5: layer 1 3.26 → 3.12, layer 2 3.26 → 2.55, output 3.03 → 0.09 bits; Fig. 5.21: H(Y|Z_i) falls over training, lower in higher layers.',
      cpu: 'Built-in digits, 784-300-50-10 ReLU, softmax cross-entropy, Adam 0.001, 5 epochs, H(Y|z) on 2 000 rows every epoch.',
      paper: 'Fig. 5.21\'s experiment 2: 784-392-196-50-10, MSE loss, learning rate 3e-6 (the thesis does not name the optimiser: Adam here), 50 epochs, H(Y|z) on 10 000 rows.'
    },
    {
      patch: (c) => {
        c.network = layers(dense(392, 'relu'), dense(196, 'relu'), dense(50, 'relu'))
        c.loss = 'mse'
        c.optimizer = adam(3e-6)
        c.epochs = 50
        c.probes = [probe('hyz', 1, { samples: 10_000 })]
      }
    }
  ),
  templateCard(
    'representations',
    byId('k-redundancy'),
    {
      figure: 'Thesis Fig. 5.14',
      expected: 'k-redundancy rises sigmoidally with depth; top layers near 100 %.',
      cpu: 'Built-in digits, 784-392-196-50-10 ReLU, Adam, 6 epochs; k = 5, 10, 20 on 4 000 training rows in chunks of 2 000, every 2 epochs.',
      paper: 'All of MNIST imported, 20 epochs, 12 000 rows in chunks of 6 000 (the thesis ran kNN on mini-batches), every 2 epochs.'
    },
    {
      patch: (c) => {
        c.epochs = 20
        c.probes = [probe('kred', 2, { samples: 12_000, chunk: 6000, ks: [5, 10, 20] })]
      }
    }
  )
]
