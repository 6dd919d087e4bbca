#!/usr/bin/python3
"""The bench's PyTorch peer (test/bench/peer.ts drives it; `npm run bench -- --peer`).

The same two workloads as the bench's raw tfjs loops in test/bench/bench.ts:
  mlp  784-392-50-10 relu, MSE on one-hot targets, SGD lr 0.01 momentum 0, batch 64 (rawTrain)
  cnn  conv16 3x3 valid relu -> maxpool 2 -> conv32 3x3 valid relu -> maxpool 2 -> flatten -> dense 10,
       softmax cross-entropy, SGD lr 0.01, batch 64, 28x28x1 images (rawCnn)
on seeded synthetic data of the same shapes and distributions (uniform [0, 1) features / pixel bytes / 255,
uniform labels). The values are not the lab's: speed does not depend on them. Each framework uses its native
image layout (tfjs NHWC, PyTorch NCHW). Nothing is downloaded.

Timing matches the lab's loop: pre-sliced batches, a few untimed warm-up steps, then timed steps with no
per-step read-back (CPU PyTorch runs each op to completion anyway), and one final loss read inside the timed
span, like the lab's closing dataSync.

Usage:
  peer.py mlp --threads 1 --seconds 3          one timed round, one JSON line on stdout
  peer.py --serve --threads 1                  long-lived: prints {"ready": ...}, then per stdin line
                                               {"workload": "mlp", "seconds": 3, "samples": 10000}
                                               answers one JSON line; exits at end of input

One process per thread count, long-lived: interpreter start-up and `import torch` (≈ 2 s) happen once and are
never timed, the bench can alternate lab and PyTorch rounds without paying them again, and the thread count is
fixed before torch loads — Debian's torch calls a generic BLAS (OpenBLAS, pthread build) whose pool size is read
from OPENBLAS_NUM_THREADS when the library loads, so torch.set_num_threads alone would not limit the GEMMs.
"""
import argparse
import json
import os
import sys
import time

BATCH = 64
LR = 0.01
SEED = 1
WARMUP_STEPS = 3


def parse_args(argv):
    p = argparse.ArgumentParser(description='PyTorch peer of the lab bench: trains the bench MLP or CNN and prints samples/s as one JSON line.')
    p.add_argument('workload', nargs='?', choices=['mlp', 'cnn'], help='workload for a single round (omit with --serve)')
    p.add_argument('--threads', type=int, default=1, help='intra-op threads (torch and BLAS); fixed for the process')
    p.add_argument('--seconds', type=float, default=3.0, help='time cap of the timed steps (default 3)')
    p.add_argument('--steps', type=int, default=0, help='step cap of the timed steps (default: none, the time cap decides)')
    p.add_argument('--samples', type=int, default=0, help='training samples (default: 10000 for mlp, 2000 for cnn, as in the bench)')
    p.add_argument('--serve', action='store_true', help='read rounds as JSON lines on stdin, answer one JSON line each')
    a = p.parse_args(argv)
    if a.threads < 1:
        p.error('--threads must be at least 1')
    if not a.serve and a.workload is None:
        p.error('give a workload (mlp or cnn) or --serve')
    return a


ARGS = parse_args(sys.argv[1:])
# Before torch loads: OpenBLAS and OpenMP size their pools from these at library load.
for name in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[name] = str(ARGS.threads)

import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_interop_threads(1)
torch.set_num_threads(ARGS.threads)

DEFAULT_SAMPLES = {'mlp': 10_000, 'cnn': 2000}
_data = {}


def data(workload, samples):
    """Pre-sliced batches (views of one tensor), cached per (workload, samples) across rounds."""
    key = (workload, samples)
    if key not in _data:
        g = torch.Generator().manual_seed(SEED)
        if workload == 'mlp':
            x = torch.rand(samples, 784, generator=g)
            y = nn.functional.one_hot(torch.randint(0, 10, (samples,), generator=g), 10).float()
        else:
            x = torch.randint(0, 256, (samples, 1, 28, 28), generator=g).float() / 255
            y = torch.randint(0, 10, (samples,), generator=g)
        _data[key] = [(x[s:s + BATCH], y[s:s + BATCH]) for s in range(0, samples, BATCH)]
    return _data[key]


def model_of(workload):
    torch.manual_seed(SEED)
    if workload == 'mlp':
        layers = [nn.Linear(784, 392), nn.ReLU(), nn.Linear(392, 50), nn.ReLU(), nn.Linear(50, 10)]
        loss = nn.MSELoss()  # mean over all elements, like tf.losses.meanSquaredError
    else:
        layers = [
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
        ]
        loss = nn.CrossEntropyLoss()  # softmax CE, mean over the batch (class indices = one-hot targets)
    model = nn.Sequential(*layers)
    for m in model.modules():  # the lab's init (Glorot uniform, zero bias); speed does not depend on it
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model, loss


def timed_round(workload, seconds, steps=0, samples=0):
    samples = samples or DEFAULT_SAMPLES[workload]
    batches = data(workload, samples)
    model, loss_fn = model_of(workload)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0)

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()

    for i in range(WARMUP_STEPS):
        step(*batches[i % len(batches)])
    done = 0
    trained = 0
    t0 = time.perf_counter()
    # Epochs over the batches until a cap: the time cap (checked after each step, like the lab) or the step cap.
    while True:
        for xb, yb in batches:
            step(xb, yb)
            done += 1
            trained += xb.shape[0]
            if (steps and done >= steps) or time.perf_counter() - t0 > seconds:
                break
        else:
            continue
        break
    with torch.no_grad():
        final_loss = loss_fn(model(batches[0][0]), batches[0][1]).item()
    elapsed = time.perf_counter() - t0
    return {
        'workload': workload,
        'threads': torch.get_num_threads(),
        'samples': trained,
        'steps': done,
        'seconds': round(elapsed, 4),
        'samplesPerSecond': round(trained / elapsed, 1),
        'finalLoss': final_loss,
        'torch': torch.__version__,
    }


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def serve():
    emit({'ready': True, 'threads': torch.get_num_threads(), 'torch': torch.__version__})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            if cmd.get('workload') not in ('mlp', 'cnn'):
                raise ValueError(f"unknown workload {cmd.get('workload')!r} (mlp or cnn)")
            emit(timed_round(cmd['workload'], float(cmd.get('seconds', 3)), int(cmd.get('steps', 0)), int(cmd.get('samples', 0))))
        except Exception as err:  # answer and keep serving: one bad round must not kill the peer
            emit({'error': f'{type(err).__name__}: {err}'})


if __name__ == '__main__':
    if ARGS.serve:
        serve()
    else:
        emit(timed_round(ARGS.workload, ARGS.seconds, ARGS.steps, ARGS.samples))
