"""PyTorch CPU peer for bench/text-sequence.bench.ts.

Trains the same two sequence classifiers as the Weft bench with Adam (lr 1e-3) on synthetic token
data and times them the same way: `warmup` steps untimed, then `steps` timed steps over consecutive
batches of a seeded shuffled order.
  lstm:        Embedding(vocab, d) -> LSTM(d, units) -> last hidden state -> Linear(classes)
  transformer: Embedding(vocab, d) -> TransformerEncoderLayer(d, heads, ff, dropout 0, GELU,
               post-norm, eps 1e-5, batch_first) -> mean over time -> Linear(classes)
Prints one JSON line: {"train": samples/s by the wall clock, "train_cpu": samples per process CPU
second, "threads": n, "torch": version, "blas": the BLAS threadpoolctl reports, "first_loss": the
loss of the first step, "ran": what ran}.

    /usr/bin/python3 bench/sequence_pytorch.py lstm|transformer STEPS WARMUP BATCH THREADS N SEQ VOCAB D UNITS_OR_FF HEADS CLASSES
"""
import json
import sys
import time

import torch
from torch import nn

from blas_info import blas_info


class LstmClassifier(nn.Module):
    def __init__(self, vocab, d, units, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.rnn = nn.LSTM(d, units, batch_first=True)
        self.out = nn.Linear(units, classes)

    def forward(self, x):
        _, (h, _) = self.rnn(self.emb(x))
        return self.out(h[-1])


class TransformerClassifier(nn.Module):
    def __init__(self, vocab, d, ff, heads, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.block = nn.TransformerEncoderLayer(
            d, heads, dim_feedforward=ff, dropout=0.0, activation="gelu", layer_norm_eps=1e-5, batch_first=True
        )
        self.out = nn.Linear(d, classes)

    def forward(self, x):
        return self.out(self.block(self.emb(x)).mean(dim=1))


def main():
    kind = sys.argv[1]
    steps, warmup, batch, threads, n, seq, vocab, d, width, heads, classes = map(int, sys.argv[2:13])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, vocab, (n, seq), generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    if kind == "lstm":
        model = LstmClassifier(vocab, d, width, classes)
        ran = f"nn.Embedding({vocab}, {d}) -> nn.LSTM({d}, {width}) last state -> nn.Linear({width}, {classes})"
    else:
        model = TransformerClassifier(vocab, d, width, heads, classes)
        ran = (
            f"nn.Embedding({vocab}, {d}) -> nn.TransformerEncoderLayer({d}, {heads} heads, ff {width}, gelu, "
            f"dropout 0, post-norm) -> mean over time -> nn.Linear({d}, {classes})"
        )
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(n, generator=g)
    batches = n // batch

    def step(i):
        idx = perm[(i % batches) * batch : (i % batches + 1) * batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        return loss

    first_loss = float(step(0))
    for i in range(1, warmup):
        step(i)
    t, c = time.perf_counter(), time.process_time()
    for i in range(warmup, warmup + steps):
        step(i)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(
        json.dumps(
            {
                "train": steps * batch / wall,
                "train_cpu": steps * batch / cpu,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "blas": blas_info(),
                "first_loss": first_loss,
                "ran": ran,
            }
        )
    )


if __name__ == "__main__":
    main()
