/**
 * The learners the classical bench runs: our node type and params, the scikit-learn estimator with
 * the same hyperparameters, and for fits too short to time once (part a), how many timed fits each
 * side runs after one warm-up (the median is reported).
 */
export const benchLearners: Record<string, { type: string; ours: object; peer: string; repeats?: number }> = {
  logistic: {
    type: 'ml.logistic',
    ours: { C: 1, maxIter: 100, tol: 1e-4 },
    peer: 'LogisticRegression(C=1.0, max_iter=100, tol=1e-4)',
    repeats: 7,
  },
  tree: { type: 'ml.tree', ours: { seed: 0 }, peer: 'DecisionTreeClassifier(random_state=0)' },
  forest: {
    type: 'ml.forest',
    ours: { nEstimators: 100, maxFeatures: 'sqrt', seed: 0 },
    peer: "RandomForestClassifier(n_estimators=100, max_features='sqrt', random_state=0, n_jobs=THREADS)",
  },
  boosting: {
    type: 'ml.boosting',
    ours: { maxIter: 100, earlyStopping: 'off', seed: 0 },
    peer: 'HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)',
  },
  svm: {
    type: 'ml.svm',
    ours: { kernel: 'rbf', C: 1, gamma: 'scale' },
    peer: "SVC(kernel='rbf', C=1.0, gamma='scale')",
  },
  knn: {
    type: 'ml.knn',
    ours: { nNeighbors: 5 },
    peer: "KNeighborsClassifier(n_neighbors=5, algorithm='brute', n_jobs=THREADS)",
  },
  naive_bayes: { type: 'ml.naive_bayes', ours: {}, peer: 'GaussianNB()' },
};
