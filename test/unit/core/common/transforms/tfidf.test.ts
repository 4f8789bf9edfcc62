import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tfidf, TFIDF_DEFAULTS, type TfidfOptions } from '../../../../../core/common/transforms/tfidf';
import { analyze } from '../../../../../core/common/transforms/textAnalyzer';
import type { ColumnValues } from '../../../../../core/common/transforms/TransformModule';
import { runOnnx } from './onnxCheck';
import { scanWords } from '../../../../../core/common/transforms/termTable';
import { readGroup } from '../../../../fixtures/text/spamCorpus';

interface Combo {
  params: Partial<TfidfOptions>;
  vocabulary: string[];
  idf: number[];
  train: number[][];
  test: number[][];
}
const oracle = JSON.parse(readFileSync('test/fixtures/text/tfidf_oracles.json', 'utf8')) as {
  trainDocs: string[];
  testDocs: string[];
  combos: Combo[];
};

const docs = (xs: readonly (string | null)[]): ColumnValues => ({ kind: 'category', values: xs });

function dense(v: ColumnValues): number[][] {
  if (v.kind !== 'sparse') throw new Error(`expected sparse rows, got ${v.kind}`);
  const rows: number[][] = [];
  for (let i = 0; i + 1 < v.indptr.length; i++) {
    const row = new Array<number>(v.width).fill(0);
    for (let k = v.indptr[i]; k < v.indptr[i + 1]; k++) row[v.indices[k]] = v.values[k];
    rows.push(row);
  }
  return rows;
}

function maxDiff(a: number[][], b: ArrayLike<number>[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i].length);
    row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j]))));
  });
  return m;
}

const optionsOf = (c: Combo): TfidfOptions => ({ ...TFIDF_DEFAULTS, ...c.params });

describe('tfidf (scikit-learn 1.2 TfidfVectorizer, recorded in test/fixtures/text)', () => {
  for (const c of oracle.combos) {
    it(`matches TfidfVectorizer(${JSON.stringify(c.params)}) on train and unseen documents`, () => {
      const t = tfidf.fit('text', docs(oracle.trainDocs), optionsOf(c));
      expect(t.vocabulary).toEqual(c.vocabulary);
      expect(maxDiff([t.idf], [c.idf])).toBeLessThanOrEqual(1e-12);
      expect(maxDiff(dense(tfidf.apply(t, docs(oracle.trainDocs))), c.train)).toBeLessThanOrEqual(1e-6);
      expect(maxDiff(dense(tfidf.apply(t, docs(oracle.testDocs))), c.test)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('cuts words as \\b\\w\\w+\\b does in Python: letters, digits and _ of any script, two or more', () => {
    const o = { analyzer: 'word', ngramRange: [1, 2], lowercase: true } as const;
    expect(analyze("L'été x1 a_b 42 I à", o)).toEqual(['été', 'x1', 'a_b', '42', 'été x1', 'x1 a_b', 'a_b 42']);
    expect(analyze('ab  \n\t cd', { ...o, analyzer: 'char', ngramRange: [3, 3] })).toEqual(['ab ', 'b c', ' cd']);
  });

  it('the word scanner finds exactly the runs /[\\p{L}\\p{N}_]{2,}/gu matches, on every SpamAssassin ham-1 message', () => {
    const tricky = [
      '𝐀𝐁 x𝐀 𝐀 a\u0301b İstanbul ß ǅa ½½ ٣٤ 中文 a_ __ x\uD800y',
      ...readGroup('easy-ham-1').map((m) => m.text),
    ];
    for (const text of tricky) {
      const runs: string[] = [];
      scanWords(text, (s, e) => runs.push(text.slice(s, e)));
      expect(runs).toEqual(text.match(/[\p{L}\p{N}_]{2,}/gu) ?? []);
    }
  });

  it('keeps empty and missing documents as zero rows and counts them', () => {
    const t = tfidf.fit('text', docs(['spam spam eggs', '', null, 'eggs ham']), TFIDF_DEFAULTS);
    expect(t.emptyDocuments).toBe(2);
    const rows = dense(tfidf.apply(t, docs(['', null, 'ham'])));
    expect(rows[0]).toEqual([0, 0, 0]);
    expect(rows[1]).toEqual([0, 0, 0]);
    expect(rows[2]).toEqual([0, 1, 0]);
  });

  it('says which params emptied the vocabulary, and when there are no terms at all', () => {
    const corpus = docs(['alpha beta', 'beta gamma', 'gamma delta']);
    expect(() => tfidf.fit('body', corpus, { ...TFIDF_DEFAULTS, minDf: 3 })).toThrow(
      "prep.tfidf: column 'body': no term is left after minDf 3 and maxDf 1 (a term must be in 3 to 3 of the 3 training documents; 4 terms were seen); lower minDf or raise maxDf",
    );
    expect(() => tfidf.fit('body', corpus, { ...TFIDF_DEFAULTS, minDf: 2, maxDf: 0.3 })).toThrow(
      'maxDf 0.3 allows 0.8999999999999999 of the 3 training documents, fewer than minDf 2 asks for (2)',
    );
    expect(() => tfidf.fit('body', docs(['', 'a', null]), TFIDF_DEFAULTS)).toThrow(
      "prep.tfidf: column 'body': the 3 training documents hold no terms (2 are empty",
    );
  });

  it('the exported graph (StringNormalizer, Tokenizer, TfIdfVectorizer, idf, norm) gives the app rows', async () => {
    const wordCombos = oracle.combos.filter((c) => (c.params.analyzer ?? 'word') === 'word');
    expect(wordCombos.length).toBeGreaterThanOrEqual(6);
    let inGraph = 0;
    for (const c of wordCombos) {
      const t = tfidf.fit('c', docs(oracle.trainDocs), optionsOf(c));
      if (!tfidf.inGraph?.(t)) continue;
      inGraph++;
      const raw = [...oracle.testDocs, ...oracle.trainDocs, ...tfidf.check(t).categories!];
      const app = dense(tfidf.apply(t, docs(raw)));
      const graph = await runOnnx(raw, [t]);
      const width = t.vocabulary.length;
      const rows = app.map((_, i) => graph.subarray(i * width, (i + 1) * width));
      expect(maxDiff(app, rows), JSON.stringify(c.params)).toBeLessThanOrEqual(1e-12);
    }
    expect(inGraph).toBeGreaterThanOrEqual(7);
  });

  it('a custom tokenPattern, and stop words inside word n-grams, leave the graph (the export takes the feature vector)', () => {
    const fit = (o: Partial<TfidfOptions>) => tfidf.fit('c', docs(oracle.trainDocs), { ...TFIDF_DEFAULTS, ...o });
    expect(tfidf.inGraph?.(fit({ stopWords: 'english' }))).toBe(true);
    expect(tfidf.inGraph?.(fit({ stopWords: 'english', ngramRange: [1, 2] }))).toBe(false);
    expect(tfidf.inGraph?.(fit({ stopWordList: ['dog'], ngramRange: [2, 2] }))).toBe(false);
    expect(tfidf.inGraph?.(fit({ tokenPattern: '(?u)\\b\\w+\\b' }))).toBe(false);
    expect(tfidf.inGraph?.(fit({ tokenPattern: '(?u)\\b\\w\\w+\\b' }))).toBe(true);
  });

  it("reads token patterns in Python syntax, with Python's Unicode \\w and \\b", () => {
    const words = (tokenPattern: string, text: string, lowercase = false) =>
      analyze(text, { analyzer: 'word', ngramRange: [1, 1], lowercase, tokenPattern });
    expect(words('(?u)\\b\\w+\\b', 'été à x_1 ½ 中文')).toEqual(['été', 'à', 'x_1', '½', '中文']);
    expect(words('\\d+', '٣٤ and 12')).toEqual(['٣٤', '12']);
    expect(words('#(?P<tag>\\w+)', '#Café and #x')).toEqual(['Café', 'x']);
    expect(words('(?i)[a-z]\\-\\d', 'A-1 b-2 c3')).toEqual(['A-1', 'b-2']);
    expect(words('[\\w\\-]+', 'a-b c')).toEqual(['a-b', 'c']);
  });

  it('refuses token patterns it cannot read, naming the column and the pattern', () => {
    const fit = (tokenPattern: string) =>
      tfidf.fit('body', docs(oracle.trainDocs), { ...TFIDF_DEFAULTS, tokenPattern });
    expect(() => fit('(\\w)(\\w)')).toThrow(
      /column 'body': tokenPattern "\(\\\\w\)\(\\\\w\)" cannot be used \(2 capturing groups/,
    );
    expect(() => fit('[a-')).toThrow(/column 'body': tokenPattern .* cannot be used \(Invalid regular expression/);
    expect(() => fit('(?x) a b')).toThrow(/inline flag \(\?x\)/);
    expect(() => fit('zzzz')).toThrow(/no match of tokenPattern zzzz/);
  });

  it('character n-grams go into the graph too: scikit-learn rows from raw strings, white-space runs collapsed', async () => {
    const charCombos = oracle.combos.filter((c) => c.params.analyzer === 'char');
    expect(charCombos).toHaveLength(2);
    for (const c of charCombos) {
      const t = tfidf.fit('c', docs(oracle.trainDocs), optionsOf(c));
      expect(tfidf.inGraph?.(t)).toBe(true);
      const width = t.vocabulary.length;
      const graph = await runOnnx([...oracle.trainDocs, ...oracle.testDocs], [t]);
      const rows = [...c.train, ...c.test].map((_, i) => graph.subarray(i * width, (i + 1) * width));
      expect(maxDiff([...c.train, ...c.test], rows), JSON.stringify(c.params)).toBeLessThanOrEqual(1e-6);
      const check = tfidf.check(t).categories!;
      const app = dense(tfidf.apply(t, docs(check)));
      const checked = await runOnnx([...check], [t]);
      expect(
        maxDiff(
          app,
          app.map((_, i) => checked.subarray(i * width, (i + 1) * width)),
        ),
      ).toBeLessThanOrEqual(1e-12);
    }
  });

  it('counts character n-grams over collapsed white space by hand, in the graph as in the app', async () => {
    // scikit-learn's \s\s+ → ' ' (a single tab stays a tab); (2, 2)-grams of 'a b\tc' after collapsing 'a  b\tc'
    const t = tfidf.fit('c', docs(['a  b\tc', 'b a']), {
      ...TFIDF_DEFAULTS,
      analyzer: 'char',
      ngramRange: [2, 2],
      norm: 'none',
      useIdf: false,
    });
    expect(t.vocabulary).toEqual(['\tc', ' a', ' b', 'a ', 'b\t', 'b ']);
    const graph = await runOnnx(['a \u3000\u2003b\tc', 'b\t\ta', 'b\u00a0a'], [t]);
    // the three-character run becomes one space; two tabs become a space; one no-break space stays itself
    expect(Array.from(graph)).toEqual([1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    // a batch with no characters at all (the Tokenizers' outputs are empty)
    expect(Array.from(await runOnnx(['', ' '], [t]))).toEqual(new Array(12).fill(0));
    expect(Array.from(await runOnnx(['a '], [t]))).toEqual([0, 0, 0, 1, 0, 0]);
  });
});
