/** Cards of studies not built yet: what each will reproduce, at which scale (they cannot be launched). */
import { plannedCard, type GalleryCard } from './cards'

export const PLANNED_CARDS: GalleryCard[] = [
  // ── layer-wise ──
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
