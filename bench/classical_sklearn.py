"""scikit-learn peer of bench/classical.bench.ts: fits one estimator on a bench data directory and prints
one JSON line (fit seconds, CPU seconds of the fit, test accuracy, peak resident memory in MB).
Usage: /usr/bin/python3 bench/classical_sklearn.py '<estimator expression>' <dir> <threads> [trainRows]"""
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
if len(sys.argv) > 4:
    rows = int(sys.argv[4])
    xtr, ytr = xtr[:rows], ytr[:rows]
model = eval(expr.replace("THREADS", str(threads)))
c0 = time.process_time()
t0 = time.perf_counter()
model.fit(xtr, ytr)
seconds = time.perf_counter() - t0
cpu_seconds = time.process_time() - c0
accuracy = float((model.predict(xte) == yte).mean())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "accuracy": accuracy, "peakMB": peak}))
