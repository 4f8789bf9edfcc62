/**
 * Learners on prep.tfidf's sparse rows against scikit-learn 1.2 (MultinomialNB, LogisticRegression
 * on TfidfVectorizer features of SpamAssassin messages, recorded in test/fixtures/text), and the
 * size checks for learners that need dense rows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, fitLearner, LearnerError } from '../../../../../core/common/learners';
import { treeLearner } from '../../../../../core/common/learners/forest';
import { logisticLearner } from '../../../../../core/common/learners/logistic';
import { naiveBayesLearner } from '../../../../../core/common/learners/naiveBayes';
import { svmLearner } from '../../../../../core/common/learners/svm';
import { logisticParams } from '../../../../../core/common/nodes/ml/logistic';
import { naiveBayesParams } from '../../../../../core/common/nodes/ml/naive_bayes';
import { svmParams } from '../../../../../core/common/nodes/ml/svm';
import { treeParams } from '../../../../../core/common/nodes/ml/tree';
import { fitTfidf, tfidfParams } from '../../../../../core/common/nodes/prep/fitTfidf';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { densifyRows } from '../../../../../core/common/sparse';
import { argmaxRows, noHooks } from '../../../../fixtures/learners/datasets';
import { readGroup, type Message } from '../../../../fixtures/text/spamCorpus';

const oracle = JSON.parse(readFileSync('test/fixtures/text/tfidf_oracles.json', 'utf8')).learners as {
  corpus: Record<'train' | 'test', [string, number, number, number][]>;
  tfidf: Record<string, unknown>;
  vocabularySize: number;
  vocabulary: string[];
  naiveBayes: { alpha: number; proba: number[][] };
  logistic: { C: number; predicted: number[]; proba: number[]; accuracy: number };
};

/** A text dataset as prep.split leaves it before prep.tfidf: raw documents, no features yet. */
function textDataset(splits: Record<string, readonly Message[]>): DatasetValue {
  return {
    task: 'classification',
    featureShape: [0],
    classNames: ['ham', 'spam'],
    rawFeatures: [{ name: 'text', type: 'text' }],
    transforms: [],
    splits: Object.fromEntries(
      Object.entries(splits).map(([name, ms]) => [
        name,
        {
          x: new Float32Array(0),
          y: Int32Array.from(ms, (m) => m.label),
          n: ms.length,
          raw: [{ name: 'text', type: 'text' as const, values: ms.map((m) => m.text) }],
        },
      ]),
    ),
  };
}

const read = (parts: [string, number, number, number][]) => parts.flatMap(([g, s, c]) => readGroup(g, s, c));
const spam = fitTfidf(
  textDataset({ train: read(oracle.corpus.train), test: read(oracle.corpus.test) }),
  tfidfParams.parse(oracle.tfidf),
).dataset;
const test = spam.splits.test;
const testX = densifyRows(test.sparse!);

describe('learners on sparse TF-IDF rows (scikit-learn 1.2 on the same messages)', () => {
  it('prep.tfidf leaves CSR rows, not dense x', () => {
    const train = spam.splits.train;
    expect(spam.featureShape).toEqual([oracle.vocabularySize]);
    expect(spam.featureNames).toEqual(oracle.vocabulary.map((t) => `text=${t}`));
    expect(train.x.length).toBe(0);
    expect(train.sparse!.cols).toBe(oracle.vocabularySize);
    expect(train.sparse!.indptr[train.n]).toBeLessThan(train.n * oracle.vocabularySize * 0.2);
  });

  it('multinomial naive Bayes equals MultinomialNB predict_proba', async () => {
    const fitted = await naiveBayesLearner.fit(
      fitDataOf(naiveBayesLearner, spam, naiveBayesParams.parse({ kind: 'multinomial', alpha: 0.5 })),
      naiveBayesParams.parse({ kind: 'multinomial', alpha: 0.5 }),
      noHooks,
    );
    const p = fitted.predict(testX, test.n);
    oracle.naiveBayes.proba.flat().forEach((t, i) => expect(Math.abs(p[i] - t)).toBeLessThan(1e-5));
  });

  it('logistic regression (lbfgs, sparse) predicts as LogisticRegression', async () => {
    const params = logisticParams.parse({ C: oracle.logistic.C, maxIter: 1000, tol: 1e-10 });
    const fitted = await logisticLearner.fit(fitDataOf(logisticLearner, spam, params), params, noHooks);
    const p = fitted.predict(testX, test.n);
    expect(argmaxRows(p, 2)).toEqual(oracle.logistic.predicted);
    oracle.logistic.proba.forEach((t, i) => expect(Math.abs(p[2 * i + 1] - t)).toBeLessThan(1e-3));
  });

  it('the sparse SVM (linear) gives the decisions of the same SVM fitted on dense rows', async () => {
    const params = svmParams.parse({ kernel: 'linear', C: 1 });
    const sparse = await svmLearner.fit(fitDataOf(svmLearner, spam, params), params, noHooks);
    const train = spam.splits.train;
    const dense: DatasetValue = {
      ...spam,
      splits: { train: { x: densifyRows(train.sparse!), y: train.y, n: train.n } },
    };
    const denseFit = await svmLearner.fit(fitDataOf(svmLearner, dense, params), params, noHooks);
    const a = sparse.predict(testX, test.n);
    const b = denseFit.predict(testX, test.n);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    expect(m).toBeLessThan(1e-6);
    expect(sparse.metrics.support_vectors).toBe(denseFit.metrics.support_vectors);
  });

  it('a learner that needs dense rows densifies small sparse data and refuses large', async () => {
    const params = treeParams.parse({});
    const small = fitDataOf(treeLearner, spam, params);
    expect(small.sparse).toBeUndefined();
    expect(small.x.length).toBe(spam.splits.train.n * oracle.vocabularySize);
    const rows = 10_000;
    const big: DatasetValue = {
      ...spam,
      featureShape: [20_000],
      featureNames: [],
      splits: {
        train: {
          x: new Float32Array(0),
          y: Int32Array.from({ length: rows }, (_, i) => i % 2),
          n: rows,
          sparse: {
            rows,
            cols: 20_000,
            indptr: Int32Array.from({ length: rows + 1 }, (_, i) => i),
            indices: Int32Array.from({ length: rows }, (_, i) => i % 20_000),
            values: new Float32Array(rows).fill(1),
          },
        },
      },
    };
    expect(() => fitDataOf(treeLearner, big, params)).toThrow(LearnerError);
    expect(() => fitDataOf(treeLearner, big, params)).toThrow(
      'ml.tree needs dense features, but these 10000 rows × 20000 sparse features (from prep.tfidf) would take 763 MiB; ' +
        'use ml.logistic, ml.svm (linear kernel) or ml.naive_bayes (multinomial), which read sparse rows, or lower maxFeatures in prep.tfidf',
    );
  });

  it('a 20,000-term vocabulary on 10,000 documents fits and trains without dense rows', async () => {
    const random = seededRandom(11);
    const word = (k: number): string => `w${k.toString(36)}x`;
    const docs: Message[] = Array.from({ length: 10_000 }, (_, i) => {
      const label = (i % 2) as 0 | 1;
      const words = Array.from({ length: 60 }, () => {
        const k = Math.floor(random() ** 2 * 20_000);
        return word(label && random() < 0.2 ? 19_999 - k : k);
      });
      return { group: '', label, text: words.join(' ') };
    });
    const ds = fitTfidf(textDataset({ train: docs }), tfidfParams.parse({})).dataset;
    const train = ds.splits.train;
    expect(ds.featureShape[0]).toBe(20_000);
    expect(train.x.length).toBe(0);
    expect(train.sparse!.indptr[train.n]).toBeLessThan(600_000);
    for (const [module, p] of [
      [logisticLearner, logisticParams.parse({})],
      [naiveBayesLearner, naiveBayesParams.parse({ kind: 'multinomial' })],
    ] as const) {
      const { metrics } = await fitLearner(module as never, p as never, ds, noHooks);
      expect(metrics.accuracy_train).toBeGreaterThan(0.6);
    }
  }, 60_000);
});
