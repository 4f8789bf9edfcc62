"""PyTorch eval peer for bench/serving.bench.ts: the same MLP with the same weights, timed in-process.

Usage: serving_pytorch.py WEIGHTS INPUTS SIZES(comma) ROWS BATCH THREADS SECONDS
Prints one JSON line: rows/s at BATCH, calls/s at batch 1, and the first rows' probabilities.
"""
import json
import sys
import time

import numpy as np
import torch

from blas_info import blas_info

weights_file, inputs_file, sizes_arg, rows_arg, batch_arg, threads_arg, seconds_arg = sys.argv[1:8]
sizes = [int(s) for s in sizes_arg.split(",")]
rows, batch, threads, seconds = int(rows_arg), int(batch_arg), int(threads_arg), float(seconds_arg)
torch.set_num_threads(threads)

flat = np.fromfile(weights_file, dtype="<f4")
layers = []
at = 0
for i in range(len(sizes) - 1):
    fan_in, fan_out = sizes[i], sizes[i + 1]
    lin = torch.nn.Linear(fan_in, fan_out)
    w = flat[at : at + fan_in * fan_out].reshape(fan_in, fan_out)
    at += fan_in * fan_out
    b = flat[at : at + fan_out]
    at += fan_out
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(w.T.copy()))
        lin.bias.copy_(torch.from_numpy(b.copy()))
    layers.append(lin)
    if i < len(sizes) - 2:
        layers.append(torch.nn.ReLU())
layers.append(torch.nn.Softmax(dim=1))
model = torch.nn.Sequential(*layers).eval()
x = torch.from_numpy(np.fromfile(inputs_file, dtype="<f4").reshape(rows, sizes[0]).copy())


def timed(step, per_call_rows):
    for _ in range(20):
        step(0)
    done, calls, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(calls)
        calls += 1
        done += per_call_rows
    return done / (time.perf_counter() - start), calls / (time.perf_counter() - start)


with torch.no_grad():
    n_batches = rows // batch
    rows_per_s, _ = timed(lambda i: model(x[(i % n_batches) * batch : (i % n_batches + 1) * batch]), batch)
    _, calls_per_s = timed(lambda i: model(x[i % rows : i % rows + 1]), 1)
    probs = model(x[:8]).numpy().reshape(-1).tolist()
blas = blas_info()
print(json.dumps({"rows_per_s": rows_per_s, "calls_per_s": calls_per_s, "probs": probs, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas}))
