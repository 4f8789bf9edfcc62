"""PyTorch CPU peer for bench/training.bench.ts.

Trains the MLP (784-128-64-10) or the small CNN (conv3x3x16, pool, conv3x3x32, pool, dense10) with
Adam on synthetic MNIST-shaped data and times training and inference the way the Weft bench does:
`warmup` steps untimed, then `steps` timed steps over consecutive batches of a shuffled order.
Prints one JSON line: {"train": samples/s, "infer": samples/s, "threads": n, "torch": version,
"blas": the BLAS kernel threadpoolctl reports, "first_loss": the loss of the first step}.

    /usr/bin/python3 bench/training_pytorch.py mlp|cnn STEPS WARMUP BATCH THREADS N INFER_ROWS
"""
import json
import sys
import time

import torch
from torch import nn

from blas_info import blas_info


def make(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
    )


def main():
    kind, steps, warmup, batch, threads, n, infer_rows = sys.argv[1], *map(int, sys.argv[2:8])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (n,), generator=g)
    model = make(kind)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(n, generator=g)
    batches = n // batch

    def step(i):
        idx = perm[(i % batches) * batch : (i % batches + 1) * batch]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    first_loss = float(step(0))
    for i in range(1, warmup):
        step(i)
    t = time.perf_counter()
    for i in range(warmup, warmup + steps):
        step(i)
    train = steps * batch / (time.perf_counter() - t)

    model.eval()
    ib = 1024
    with torch.no_grad():
        for i in range(2):
            model(x[i * ib : (i + 1) * ib])
        t = time.perf_counter()
        rows = 0
        for s in range(0, infer_rows, ib):
            model(x[s : min(s + ib, infer_rows)])
            rows += min(ib, infer_rows - s)
        infer = rows / (time.perf_counter() - t)
    print(
        json.dumps(
            {
                "train": train,
                "infer": infer,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "blas": blas_info(),
                "first_loss": first_loss,
            }
        )
    )


if __name__ == "__main__":
    main()
