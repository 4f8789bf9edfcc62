"""scikit-learn peer of bench/text.bench.ts: TF-IDF throughput and TF-IDF + logistic accuracy.

    /usr/bin/python3 bench/text_sklearn.py DATA.json REPEATS [throughput]

DATA.json holds {docs, labels, train, test} (the bench's seeded split). Prints one JSON line; with
`throughput` it times TfidfVectorizer().fit_transform only.
"""
import json
import sys
import time

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

data = json.load(open(sys.argv[1], encoding="utf-8"))
repeats = int(sys.argv[2])
docs, labels = data["docs"], data["labels"]
train = [docs[i] for i in data["train"]]
test = [docs[i] for i in data["test"]]
y_train = [labels[i] for i in data["train"]]
y_test = [labels[i] for i in data["test"]]

best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    vec = TfidfVectorizer()
    x = vec.fit_transform(train)
    best = min(best, time.perf_counter() - t0)

if len(sys.argv) > 3 and sys.argv[3] == "throughput":
    print(json.dumps({"seconds": best, "docsPerSecond": len(train) / best}))
    sys.exit(0)

clf = LogisticRegression(C=1.0, max_iter=1000).fit(x, y_train)
accuracy = float((clf.predict(vec.transform(test)) == y_test).mean())
print(json.dumps({
    "seconds": best,
    "docsPerSecond": len(train) / best,
    "vocabulary": len(vec.vocabulary_),
    "accuracy": accuracy,
    "ran": f"scikit-learn {sklearn.__version__}: TfidfVectorizer() fit_transform, LogisticRegression(C=1, max_iter=1000, lbfgs)",
}))
