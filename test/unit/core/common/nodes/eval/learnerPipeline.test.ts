import { describe, expect, it } from 'vitest';
import type { DatasetValue, LearnerValue, TableValue } from '../../../../../../core/common';
import { splitDigest, trainedOnOf } from '../../../../../../core/common/learners/trainedOn';
import { learnerPipeline } from '../../../../../../core/common/nodes/eval/learnerPipeline';
import { fitScaler, scaleParams } from '../../../../../../core/common/nodes/prep/fitScaler';
import { fitTfidf, tfidfParams } from '../../../../../../core/common/nodes/prep/fitTfidf';
import { fitTokenizer } from '../../../../../../core/common/nodes/prep/fitTokenizer';
import { splitParams } from '../../../../../../core/common/nodes/prep/split';
import { splitTable } from '../../../../../../core/common/nodes/prep/splitTable';
import { tokenizeParams } from '../../../../../../core/common/nodes/prep/tokenize';

const texts = Array.from({ length: 12 }, (_, i) => (i % 2 ? `cheap pills offer ${i}` : `meeting notes agenda ${i}`));
const labels: string[] = texts.map((_, i) => (i % 2 ? 'spam' : 'ham'));
const lengths = texts.map((t) => t.length);

function table(body = texts, label = labels, name = 'label'): TableValue {
  return {
    rowCount: body.length,
    columns: [
      { name: 'body', type: 'text', values: body },
      { name: 'len', type: 'number', values: Float64Array.from(lengths) },
      { name, type: 'category', values: label },
    ],
  };
}

function split(t: TableValue, params: Record<string, unknown> = {}): DatasetValue {
  return splitTable(
    t,
    splitParams.parse({
      target: t.columns[2].name,
      features: ['body'],
      train: 0.5,
      validation: 0,
      test: 0.5,
      seed: 1,
      ...params,
    }),
  ).dataset;
}

function learnerOn(data: DatasetValue): LearnerValue {
  return {
    format: 'weft.learner',
    learner: 'ml.logistic',
    task: 'classification',
    params: {},
    seed: 0,
    trainedOn: trainedOnOf(data),
  };
}

const name = 'logistic (learner1)';
const escape = (s: string): string => s.replace(/[()]/g, '\\$&');
const refused = 'logistic (learner1) was trained on data that does not come from the compared dataset: ';

describe('splitDigest', () => {
  it('names the set of rows and their labels, not their order', () => {
    const s = { x: new Float32Array(0), n: 3, rowIds: Int32Array.of(4, 7, 9), y: Int32Array.of(0, 1, 1) };
    const shuffled = { ...s, rowIds: Int32Array.of(9, 4, 7), y: Int32Array.of(1, 0, 1) };
    const relabelled = { ...s, y: Int32Array.of(1, 1, 1) };
    const other = { ...s, rowIds: Int32Array.of(4, 7, 10) };
    expect(splitDigest(shuffled)).toEqual(splitDigest(s));
    expect(splitDigest(relabelled).rows).toBe(splitDigest(s).rows);
    expect(splitDigest(relabelled).labels).not.toBe(splitDigest(s).labels);
    expect(splitDigest(other).rows).not.toBe(splitDigest(s).rows);
  });
});

describe('learnerPipeline', () => {
  const base = split(table());

  it('carries the steps of a learner trained behind prep.tfidf or prep.tokenize on the compared split', () => {
    expect(base.transforms.map((t) => t.kind)).toEqual(['tfidf']);
    const words = fitTfidf(base, tfidfParams.parse({ sublinearTf: true })).dataset;
    const tokens = fitTokenizer(base, tokenizeParams.parse({ maxLength: 8 })).dataset;
    const viaWords = learnerPipeline(learnerOn(words), base, name)!;
    expect(viaWords.transforms).toEqual(words.transforms);
    expect(viaWords.transforms[0]).toMatchObject({ kind: 'tfidf', sublinearTf: true });
    const viaTokens = learnerPipeline(learnerOn(tokens), base, name)!;
    expect(viaTokens.transforms.map((t) => t.kind)).toEqual(['tokenize']);
    expect(viaTokens.rawFeatures).toEqual([{ name: 'body', type: 'text' }]);
  });

  it("refuses a sibling branch: the compared dataset's own text encoder is not in the learner's preparation", () => {
    const words = fitTfidf(base, tfidfParams.parse({ sublinearTf: true })).dataset;
    const tokens = fitTokenizer(base, tokenizeParams.parse({ maxLength: 8 })).dataset;
    expect(() => learnerPipeline(learnerOn(tokens), words, name)).toThrow(
      new RegExp(
        `^${escape(refused)}the compared dataset has tfidf on 'body' \\(\\d+ word 1-1-gram terms, .*\\) where its preparation has tokenize on 'body' \\(word, \\d+ ids, length 8\\)`,
      ),
    );
    expect(() => learnerPipeline(learnerOn(words), tokens, name)).toThrow(
      /the compared dataset has tokenize on 'body' .* where its preparation has tfidf on 'body'/,
    );
  });

  it('adds nothing for a learner trained on the compared dataset itself, or one that records no data', () => {
    expect(learnerPipeline(learnerOn(base), base, name)).toBeUndefined();
    const { trainedOn: _t, ...recipe } = learnerOn(base);
    expect(learnerPipeline(recipe, split(table(), { seed: 2 }), name)).toBeUndefined();
  });

  it('refuses another split of the same table: other rows, or another number of rows', () => {
    const seed2 = split(table(), { seed: 2 });
    const rows = (d: DatasetValue): number[] => [...d.splits.train.rowIds!].sort((a, b) => a - b);
    // the hand check that seed 2 puts other rows (same count, 6) in train
    expect(rows(seed2)).toHaveLength(6);
    expect(rows(seed2)).not.toEqual(rows(base));
    expect(() => learnerPipeline(learnerOn(seed2), base, name)).toThrow(
      `${refused}its train split holds other rows than the compared dataset's (both 6; another split or seed)`,
    );
    const larger = split(table(), { train: 0.75, test: 0.25 });
    expect(() => learnerPipeline(learnerOn(larger), base, name)).toThrow(
      // stratified: 0.75 of 6 rows a class is 4.5, which the split rounds to 4
      `${refused}its train split has 8 rows, the compared dataset's 6 (another split)`,
    );
    expect(Object.keys(base.splits).sort()).toEqual(['test', 'train']);
    const withValidation: DatasetValue = { ...base, splits: { ...base.splits, validation: base.splits.test } };
    expect(() => learnerPipeline(learnerOn(base), withValidation, name)).toThrow(
      `${refused}the compared dataset has a validation split of 6 rows, its data none`,
    );
  });

  it('refuses another source, another target and other classes', () => {
    const edited = texts.map((t, i) => (i === 0 ? 'meeting moved' : t));
    expect(() => learnerPipeline(learnerOn(split(table(edited))), base, name)).toThrow(
      new RegExp(
        `^${escape(refused)}it comes from another source table \\(content hash \\w{12}, the compared dataset's \\w{12}\\)`,
      ),
    );
    const junk = labels.map((l) => (l === 'spam' ? 'junk' : l));
    expect(() => learnerPipeline(learnerOn(split(table(texts, junk))), base, name)).toThrow(
      `${refused}its classes are 'ham', 'junk', the compared dataset's 'ham', 'spam'`,
    );
    expect(() => learnerPipeline(learnerOn(split(table(texts, labels, 'kind'))), base, name)).toThrow(
      `${refused}its target is 'kind', the compared dataset's 'label'`,
    );
  });

  it('refuses the same rows with other labels', () => {
    const train = base.splits.train;
    const flipped: DatasetValue = {
      ...base,
      splits: { ...base.splits, train: { ...train, y: Int32Array.from(train.y, (c) => 1 - c) } },
    };
    expect(() => learnerPipeline(learnerOn(flipped), base, name)).toThrow(
      `${refused}the rows of its train split carry other labels`,
    );
  });

  it('refuses a compared step the learner was not trained behind, and a column the compared dataset lacks', () => {
    const both = split(table(), { features: ['body', 'len'] });
    const scaled = fitScaler(both, scaleParams.parse({}), 'standardize');
    // train rows of `len` by hand, for the step's description: mean and population std
    const train = [...both.splits.train.rowIds!].map((id) => lengths[id - 1]);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
    // prep.split gave the numeric column a mean imputer (no value is missing: the same mean)
    expect(() => learnerPipeline(learnerOn(both), scaled, name)).toThrow(
      `${refused}the compared dataset has standardize on 'len' (mean ${mean.toPrecision(4)}, std ${std.toPrecision(4)}), ` +
        `which its preparation of 'len' (impute on 'len' (mean ${mean.toPrecision(4)})) lacks`,
    );
    expect(learnerPipeline(learnerOn(scaled), both, name)!.transforms.map((t) => t.kind)).toEqual([
      'tfidf',
      'impute',
      'standardize',
    ]);
    expect(() => learnerPipeline(learnerOn(both), base, name)).toThrow(
      `${refused}it reads the column 'len' (number), which the compared dataset does not have as a feature`,
    );
  });
});
