"""Writes breast_cancer.csv from the copy of the Wisconsin Diagnostic Breast Cancer data (UCI, CC BY 4.0)
that scikit-learn bundles (sklearn.datasets.load_breast_cancer reads it from the package; nothing is
downloaded). 569 rows, 30 numeric features, target `diagnosis` (malignant / benign).

Run with a Python that has scikit-learn: /usr/bin/python3 resources/data/make_breast_cancer.py
"""
import csv
import os

from sklearn.datasets import load_breast_cancer

data = load_breast_cancer()
names = [n.replace(" ", "_") for n in data.feature_names]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "breast_cancer.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(names + ["diagnosis"])
    for row, target in zip(data.data, data.target):
        w.writerow([repr(float(v)) for v in row] + [data.target_names[target]])
