/** Cards of studies not built yet: what each will reproduce, at which scale (they cannot be launched). */
import { plannedCard, type GalleryCard } from './cards'

export const PLANNED_CARDS: GalleryCard[] = [
  // ── layer-wise ──
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
