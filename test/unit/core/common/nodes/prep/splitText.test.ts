import { describe, expect, it } from 'vitest';
import type { TableValue } from '../../../../../../core/common';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';
import { assembleSplitFeatures } from '../../../../../../core/common/transforms/features';
import { fitTfidf, tfidfParams } from '../../../../../../core/common/nodes/prep/fitTfidf';
import { fitEncoder, onehotParams, ordinalParams } from '../../../../../../core/common/nodes/prep/fitEncoder';
import { fitImputer, imputeParams } from '../../../../../../core/common/nodes/prep/impute';
import { refitTransforms } from '../../../../../../core/common/nodes/prep/refitTransforms';
import { tfidf, TFIDF_DEFAULTS } from '../../../../../../core/common/transforms/tfidf';

const texts = Array.from({ length: 40 }, (_, i) => (i % 2 ? `cheap pills offer ${i}` : `meeting notes agenda ${i}`));
const table: TableValue = {
  rowCount: 40,
  columns: [
    { name: 'body', type: 'text', values: texts },
    { name: 'label', type: 'category', values: texts.map((_, i) => (i % 2 ? 'spam' : 'ham')) },
  ],
};

describe('prep.split with a free-text column', () => {
  it('says to list the text column and add prep.tfidf when it is the only feature', () => {
    expect(() => splitTable(table, splitParams.parse({ target: 'label' }))).toThrow(
      "no feature columns left besides the target 'label'; the free-text column 'body' was left out: list it in features, " +
        'then prep.tfidf turns text into word features for classical models (prep.tokenize into token ids for neural ones)',
    );
  });

  it('a listed text column becomes sparse TF-IDF word features (scikit-learn defaults) fitted on train', () => {
    const { dataset } = splitTable(table, splitParams.parse({ target: 'label', features: ['body'], seed: 1 }));
    const train = dataset.splits.train;
    expect(dataset.transforms.map((t) => t.kind)).toEqual(['tfidf']);
    expect(train.x.length).toBe(0);
    expect(train.sparse!.rows).toBe(train.n);
    expect(dataset.featureNames).toContain('body=pills');
  });

  it('says prep.split fitted the default TF-IDF when a listed text column holds no words', () => {
    const codes: TableValue = {
      rowCount: 40,
      columns: [
        { name: 'code', type: 'text', values: texts.map((_, i) => `${i % 10} ${'xyz'[i % 3]}`) },
        table.columns[1],
      ],
    };
    expect(() => splitTable(codes, splitParams.parse({ target: 'label', features: ['code'], seed: 1 }))).toThrow(
      "prep.split gives the listed text column 'code' default TF-IDF word features, and they failed: the 28 training " +
        'documents hold no terms (0 are empty; a word term needs two letters or digits); check that the column holds ' +
        "the text. If the column holds codes or labels rather than text, set its type to category in data.csv's types",
    );
  });

  it('a text column without an encoder is refused with a pointer to prep.tfidf', () => {
    const raw = [{ name: 'body', type: 'text' as const, values: ['a b'] }];
    expect(() => assembleSplitFeatures(raw, [{ name: 'body', type: 'text' }], [], 1)).toThrow(
      "column 'body' holds free text; turn free text into word features with prep.tfidf (classical models) or into token ids with prep.tokenize (neural models)",
    );
  });
});

describe('prep.tfidf in cross-validation folds', () => {
  it('refitTransforms fits the vocabulary and idf again on the fold rows only, with the same options', () => {
    const column = { name: 'body', type: 'text' as const, values: ['alpha beta', 'beta gamma', 'delta', 'alpha'] };
    const options = { ...TFIDF_DEFAULTS, sublinearTf: true, minDf: 1 };
    const all = tfidf.fit('body', { kind: 'category', values: column.values }, options);
    expect(all.vocabulary).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    const [fold] = refitTransforms([all], [column], 2);
    expect(fold).toMatchObject({ kind: 'tfidf', sublinearTf: true, vocabulary: ['alpha', 'beta', 'gamma'] });
    // scikit-learn smooth idf on 2 documents: ln(3 / (1 + df)) + 1
    expect((fold as typeof all).idf).toEqual([Math.log(3 / 2) + 1, Math.log(3 / 3) + 1, Math.log(3 / 2) + 1]);
  });
});

describe('prep.tfidf without a text feature', () => {
  it('says to list the text column in prep.split', () => {
    const numbers: TableValue = {
      rowCount: 6,
      columns: [
        { name: 'x', type: 'number', values: Float64Array.of(1, 2, 3, 4, 5, 6) },
        { name: 'label', type: 'category', values: ['a', 'b', 'a', 'b', 'a', 'b'] },
      ],
    };
    const { dataset } = splitTable(numbers, splitParams.parse({ target: 'label', seed: 1 }));
    expect(() => fitTfidf(dataset, tfidfParams.parse({}))).toThrow(
      "prep.tfidf: the dataset has no free-text feature; list the text column in prep.split's features (and here in columns)",
    );
  });
});

describe('encoders and imputation beside a free-text column', () => {
  const mixed: TableValue = {
    rowCount: 40,
    columns: [
      { name: 'body', type: 'text', values: texts.map((t, i) => (i % 7 === 3 ? null : t)) },
      { name: 'color', type: 'category', values: texts.map((_, i) => (i % 3 ? 'red' : 'blue')) },
      { name: 'size', type: 'number', values: Float64Array.from(texts, (_, i) => (i % 6 === 1 ? NaN : i)) },
      { name: 'label', type: 'category', values: texts.map((_, i) => (i % 2 ? 'spam' : 'ham')) },
    ],
  };
  const split = () =>
    splitTable(mixed, splitParams.parse({ target: 'label', features: ['body', 'color', 'size'], seed: 3 })).dataset;
  const kinds = (ds: { transforms: readonly { column: string; kind: string }[] }, column: string) =>
    ds.transforms.filter((t) => t.column === column).map((t) => t.kind);

  it('prep.onehot and prep.ordinal take the category columns by default and keep the text column on TF-IDF', () => {
    for (const kind of ['onehot', 'ordinal'] as const) {
      const params = kind === 'onehot' ? onehotParams.parse({}) : ordinalParams.parse({});
      const ds = fitEncoder(split(), kind, params);
      expect(kinds(ds, 'body')).toEqual(['tfidf']);
      expect(kinds(ds, 'color')).toContain(kind);
    }
  });

  it('a listed text column is refused by the encoders, pointing to prep.tfidf and prep.tokenize', () => {
    expect(() => fitEncoder(split(), 'onehot', onehotParams.parse({ columns: ['body'] }))).toThrow(
      "prep.onehot: column 'body' holds free text, which one-hot encoding cannot take: turn it into numbers first with " +
        'prep.tokenize (token ids for Embedding, LSTM, GRU or Transformer models) or prep.tfidf (bag-of-words weights ' +
        "for classical models such as ml.logistic); to encode it as categories anyway, set its type to category in data.csv's types",
    );
    expect(() => fitEncoder(split(), 'ordinal', ordinalParams.parse({ columns: ['body'] }))).toThrow(
      /prep\.ordinal: column 'body' holds free text, which ordinal encoding cannot take/,
    );
  });

  it('prep.impute leaves missing texts to TF-IDF (empty documents) unless listed, and a text has no mean', () => {
    const ds = fitImputer(split(), imputeParams.parse({}));
    expect(kinds(ds, 'body')).toEqual(['tfidf']);
    expect(kinds(ds, 'size')[0]).toBe('impute');
    expect(() => fitImputer(split(), imputeParams.parse({ columns: ['body'] }))).toThrow(
      "prep.impute: column 'body' holds free text, which has no mean: use most_frequent or constant, or leave it out " +
        '(prep.tfidf and prep.tokenize read a missing text as an empty one)',
    );
    const filled = fitImputer(split(), imputeParams.parse({ columns: ['body'], strategy: 'constant', fillValue: '' }));
    expect(kinds(filled, 'body')).toEqual(['impute', 'tfidf']);
  });
});
