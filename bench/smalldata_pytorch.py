"""PyTorch CPU peer for bench/smalldata.bench.ts: the iris-sized MLP (4-16-3, ReLU), Adam, batch 16,
on the rows given in a float32 file, timed over `steps` optimizer steps after `warmup` untimed ones.
Prints one JSON line: {"steps_per_s": ..., "threads": n, "torch": version, "blas": kernel}.

    /usr/bin/python3 bench/smalldata_pytorch.py ROWS_FILE N STEPS WARMUP BATCH THREADS
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

from blas_info import blas_info


def main():
    rows_file, n, steps, warmup, batch, threads = sys.argv[1], *map(int, sys.argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    data = torch.from_numpy(np.fromfile(rows_file, dtype=np.float32).reshape(n, 5))
    x, y = data[:, :4].contiguous(), data[:, 4].long()
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(0)
    per_epoch = (n + batch - 1) // batch

    def run(count):
        done = 0
        while done < count:
            perm = torch.randperm(n, generator=g)
            for b in range(per_epoch):
                if done == count:
                    return
                idx = perm[b * batch : (b + 1) * batch]
                opt.zero_grad()
                loss_fn(model(x[idx]), y[idx]).backward()
                opt.step()
                done += 1

    run(warmup)
    t = time.perf_counter()
    run(steps)
    rate = steps / (time.perf_counter() - t)
    print(json.dumps({"steps_per_s": rate, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas_info()}))


if __name__ == "__main__":
    main()
