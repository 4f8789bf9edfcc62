"""scikit-learn peer of bench/classical.bench.ts: fits one estimator on a bench data directory and prints
one JSON line (fit seconds, CPU seconds of the fit, test accuracy, peak resident memory in MB).
With repeats above 1, one warm-up fit is run first, then `repeats` timed fits, and the seconds and
CPU seconds are their medians (as bench/classical/fitOurs.ts does).
Usage: /usr/bin/python3 bench/classical_sklearn.py '<estimator expression>' <dir> <threads> [trainRows] [repeats]"""
import json
import os
import resource
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier  # noqa: F401
from sklearn.linear_model import LogisticRegression  # noqa: F401
from sklearn.naive_bayes import GaussianNB  # noqa: F401
from sklearn.neighbors import KNeighborsClassifier  # noqa: F401
from sklearn.svm import SVC  # noqa: F401
from sklearn.tree import DecisionTreeClassifier  # noqa: F401

expr, folder, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = json.load(open(os.path.join(folder, "meta.json")))
d = meta["d"]
def split(name, n):
    x = np.fromfile(os.path.join(folder, f"{name}_x.f32"), dtype="<f4").reshape(n, d)
    y = np.fromfile(os.path.join(folder, f"{name}_y.i32"), dtype="<i4")
    return x, y
xtr, ytr = split("train", meta["nTrain"])
xte, yte = split("test", meta["nTest"])
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 0
if rows:
    xtr, ytr = xtr[:rows], ytr[:rows]
repeats = max(1, int(sys.argv[5])) if len(sys.argv) > 5 else 1


def fit_once():
    m = eval(expr.replace("THREADS", str(threads)))
    c0 = time.process_time()
    t0 = time.perf_counter()
    m.fit(xtr, ytr)
    return m, time.perf_counter() - t0, time.process_time() - c0


if repeats > 1:
    fit_once()
runs = [fit_once() for _ in range(repeats)]
model = runs[-1][0]
seconds = float(np.median([r[1] for r in runs]))
cpu_seconds = float(np.median([r[2] for r in runs]))
accuracy = float((model.predict(xte) == yte).mean())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result = {"seconds": seconds, "cpuSeconds": cpu_seconds, "accuracy": accuracy, "peakMB": peak, "runs": [r[1] for r in runs]}
if hasattr(model, "n_iter_"):
    result["iterations"] = int(np.sum(model.n_iter_))
print(json.dumps(result))
