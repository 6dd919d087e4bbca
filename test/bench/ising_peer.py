#!/usr/bin/env python3
"""The Ising bench's numpy peer (test/bench/isingBench.ts drives it).

One parallel BP sweep on the dense pairwise model, exactly the study's form, in plain numpy:
  A = arctanh(tanh(J) * M); H = A.sum(0); M_new = tanh(h + H - A).T; diagonal 0
for a random model J ~ N(0, 0.05^2) (symmetric, zero diagonal), h ~ U(-0.3, 0.3), messages N(0, 0.01^2).
Times the median ms per sweep over many sweeps at each N and prints one JSON line:
  {"numpy": "2.4.0", "sweepMs": {"675": 2.6, "200": 0.3}}
Usage: ising_peer.py [--sizes 675,200] [--sweeps 200]
"""
import argparse
import json
import time

import numpy as np


def sweep(tJ, h, M):
    A = np.arctanh(tJ * M)
    H = A.sum(0)
    Mn = np.tanh(h[None, :] + H[None, :] - A).T
    np.fill_diagonal(Mn, 0.0)
    return Mn


def time_sweeps(n, sweeps, rng):
    J = rng.normal(0, 0.05, (n, n))
    J = np.triu(J, 1)
    J = J + J.T
    tJ = np.tanh(J)
    h = rng.uniform(-0.3, 0.3, n)
    M = rng.normal(0, 0.01, (n, n))
    np.fill_diagonal(M, 0.0)
    for _ in range(5):
        M = sweep(tJ, h, M)
    ts = []
    for _ in range(sweeps):
        t = time.perf_counter()
        M = sweep(tJ, h, M)
        ts.append((time.perf_counter() - t) * 1e3)
    return float(np.median(ts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', default='675,200')
    ap.add_argument('--sweeps', type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    out = {str(n): time_sweeps(int(n), args.sweeps, rng) for n in args.sizes.split(',')}
    print(json.dumps({'numpy': np.__version__, 'sweepMs': out}))


if __name__ == '__main__':
    main()
