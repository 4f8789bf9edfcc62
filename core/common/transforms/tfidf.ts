import type { GraphBuilder, SShape, T } from '../model/graph/GraphBuilder';
import { DataError } from '../nodes/prep/DataError';
import {
  analyze,
  compareCodePoints,
  defaultTokens,
  PY_SPACE_RE2,
  PY_SPACES,
  stopWordsOf,
  TOKEN_RE2,
  type AnalyzerOptions,
} from './textAnalyzer';
import { DEFAULT_TOKEN_PATTERN, tokenRegex } from './tokenPattern';
import { scanWords, TermTable } from './termTable';
import { asCategories, defineTransform, type ColumnValues } from './TransformModule';

/** Options of prep.tfidf, named as scikit-learn's TfidfVectorizer names them (camelCase). */
export interface TfidfOptions extends AnalyzerOptions {
  /** Below 1: a share of the training documents; else a document count (min_df). */
  minDf: number;
  /** Up to 1: a share of the training documents; else a document count (max_df). */
  maxDf: number;
  /** Keep only the terms most frequent over the training documents (max_features); null = all. */
  maxFeatures: number | null;
  sublinearTf: boolean;
  norm: 'l2' | 'l1' | 'none';
  useIdf: boolean;
  smoothIdf: boolean;
}

/**
 * A fitted TF-IDF vectorizer: one slot per vocabulary term (sorted by code point, as scikit-learn
 * sorts), `idf` per term (empty when `useIdf` is off). Fitted on the training documents only.
 */
export interface Tfidf extends TfidfOptions {
  kind: 'tfidf';
  column: string;
  vocabulary: string[];
  idf: number[];
  /** Training documents with no terms (kept as all-zero rows). */
  emptyDocuments: number;
}

const documents = (v: ColumnValues, column: string): string[] =>
  asCategories(v, 'prep.tfidf', column).map((d) => d ?? '');

function docBounds(p: TfidfOptions, n: number): { min: number; max: number } {
  return { min: p.minDf < 1 ? p.minDf * n : p.minDf, max: p.maxDf <= 1 ? p.maxDf * n : p.maxDf };
}

/**
 * Whether terms are word unigrams of the default token pattern with no stop words, which the
 * scanner and term table count without slicing strings.
 */
const wordUnigrams = (o: AnalyzerOptions): boolean =>
  o.analyzer === 'word' && o.ngramRange[0] === 1 && o.ngramRange[1] === 1 && defaultTokens(o) && !stopWordsOf(o);

/**
 * Whether the ONNX graph can compute the rows from raw strings: word n-grams of the default token
 * pattern, and stop words only for unigrams (they are never in the vocabulary, so counting the
 * vocabulary's unigrams is the same; for longer n-grams their removal changes which words are
 * adjacent); character n-grams always.
 */
const graphable = (t: AnalyzerOptions): boolean =>
  t.analyzer !== 'word' || (defaultTokens(t) && (!stopWordsOf(t) || t.ngramRange[1] === 1));

interface TermStats {
  terms: string[];
  df: ArrayLike<number>;
  tf: ArrayLike<number>;
  empty: number;
  /**
   * Word unigrams only: each document's distinct term ids in order of first occurrence, with their
   * counts in `docCounts`; document i at `docPtr[i] .. docPtr[i + 1]`.
   */
  docTerms?: Int32Array;
  docCounts?: Int32Array;
  docPtr?: Int32Array;
}

function countTerms(docs: readonly string[], p: TfidfOptions): TermStats {
  if (wordUnigrams(p)) {
    const table = new TermTable();
    let df = new Int32Array(4096);
    let tf = new Float64Array(4096);
    let last = new Int32Array(4096).fill(-1);
    let empty = 0;
    let doc = 0;
    let count = 0;
    let text = '';
    let docTerms = new Int32Array(1 << 16);
    let docCounts = new Int32Array(docTerms.length);
    /** Per term: where its count for the current document is in `docCounts`. */
    let countAt = new Int32Array(4096);
    let at = 0;
    const docPtr = new Int32Array(docs.length + 1);
    const token = (start: number, end: number, hash: number): void => {
      const id = table.intern(text, start, end, hash);
      if (id >= df.length) {
        const size = df.length * 2;
        df = grow(df, new Int32Array(size));
        tf = grow(tf, new Float64Array(size));
        last = grow(last, new Int32Array(size).fill(-1));
        countAt = grow(countAt, new Int32Array(size));
      }
      tf[id]++;
      count++;
      if (last[id] === doc) {
        docCounts[countAt[id]]++;
        return;
      }
      last[id] = doc;
      df[id]++;
      if (at === docTerms.length) {
        docTerms = grow(docTerms, new Int32Array(at * 2));
        docCounts = grow(docCounts, new Int32Array(at * 2));
      }
      countAt[id] = at;
      docTerms[at] = id;
      docCounts[at++] = 1;
    };
    for (; doc < docs.length; doc++) {
      text = p.lowercase ? docs[doc].toLowerCase() : docs[doc];
      count = 0;
      scanWords(text, token);
      if (!count) empty++;
      docPtr[doc + 1] = at;
    }
    return { terms: table.terms, df, tf, empty, docTerms, docCounts, docPtr };
  }
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  let empty = 0;
  for (const doc of docs) {
    const terms = analyze(doc, p);
    if (!terms.length) empty++;
    const seen = new Set<string>();
    for (const term of terms) {
      tf.set(term, (tf.get(term) ?? 0) + 1);
      if (seen.has(term)) continue;
      seen.add(term);
      df.set(term, (df.get(term) ?? 0) + 1);
    }
  }
  const terms = [...df.keys()];
  return { terms, df: terms.map((t) => df.get(t)!), tf: terms.map((t) => tf.get(t)!), empty };
}

function grow<A extends Int32Array | Float64Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

function fitTfidf(column: string, train: ColumnValues, p: TfidfOptions): Tfidf {
  if (p.analyzer === 'word' && !defaultTokens(p)) tokenRegex(p.tokenPattern!, `prep.tfidf: column '${column}'`);
  const docs = documents(train, column);
  const n = docs.length;
  const stats = countTerms(docs, p);
  const empty = stats.empty;
  const where = `prep.tfidf: column '${column}'`;
  if (!stats.terms.length)
    throw new DataError(
      `${where}: the ${n} training documents hold no terms (${docs.filter((d) => !d.trim()).length} are empty; ` +
        `${p.analyzer !== 'word' ? 'every document is empty' : defaultTokens(p) ? 'a word term needs two letters or digits' : `no match of tokenPattern ${p.tokenPattern}`}` +
        `${p.analyzer === 'word' && stopWordsOf(p) ? ', stop words removed' : ''}); check that the column holds the text`,
    );
  const { min, max } = docBounds(p, n);
  if (max < min)
    throw new DataError(
      `${where}: maxDf ${p.maxDf} allows ${max} of the ${n} training documents, fewer than minDf ${p.minDf} asks for (${min})`,
    );
  const ids: number[] = [];
  for (let id = 0; id < stats.terms.length; id++) if (stats.df[id] <= max && stats.df[id] >= min) ids.push(id);
  ids.sort((a, b) => compareCodePoints(stats.terms[a], stats.terms[b]));
  if (!ids.length)
    throw new DataError(
      `${where}: no term is left after minDf ${p.minDf} and maxDf ${p.maxDf} (a term must be in ${Math.ceil(min)} to ` +
        `${Math.floor(max)} of the ${n} training documents; ${stats.terms.length} terms were seen); lower minDf or raise maxDf`,
    );
  let kept = ids;
  if (p.maxFeatures !== null && kept.length > p.maxFeatures) {
    const rank = kept.map((id, i) => ({ id, i, f: stats.tf[id] }));
    rank.sort((a, b) => b.f - a.f || a.i - b.i);
    kept = rank
      .slice(0, p.maxFeatures)
      .sort((a, b) => a.i - b.i)
      .map((r) => r.id);
  }
  const s = p.smoothIdf ? 1 : 0;
  const t: Tfidf = {
    kind: 'tfidf',
    column,
    analyzer: p.analyzer,
    ngramRange: [p.ngramRange[0], p.ngramRange[1]],
    lowercase: p.lowercase,
    tokenPattern: p.tokenPattern ?? DEFAULT_TOKEN_PATTERN,
    stopWords: p.stopWords ?? 'none',
    stopWordList: [...(p.stopWordList ?? [])],
    minDf: p.minDf,
    maxDf: p.maxDf,
    maxFeatures: p.maxFeatures,
    sublinearTf: p.sublinearTf,
    norm: p.norm,
    useIdf: p.useIdf,
    smoothIdf: p.smoothIdf,
    vocabulary: kept.map((id) => stats.terms[id]),
    idf: p.useIdf ? kept.map((id) => Math.log((n + s) / (stats.df[id] + s)) + 1) : [],
    emptyDocuments: empty,
  };
  const { docTerms, docCounts, docPtr } = stats;
  if (docTerms && docCounts && docPtr) {
    const slot = new Int32Array(stats.terms.length).fill(-1);
    kept.forEach((id, k) => (slot[id] = k));
    let stored = 0;
    for (let u = 0; u < docPtr[n]; u++) if (slot[docTerms[u]] >= 0) stored++;
    const rows = buildRows(
      t,
      n,
      (i, add) => {
        for (let u = docPtr[i]; u < docPtr[i + 1]; u++) {
          const k = slot[docTerms[u]];
          if (k >= 0) add(k, docCounts[u]);
        }
      },
      stored,
    );
    trainRows.set(t, { docs, rows });
  }
  return t;
}

/**
 * The training rows computed while fitting (word unigrams), handed to the first `apply` on the same
 * documents — scikit-learn's fit_transform, one pass over the text — then dropped.
 */
const trainRows = new WeakMap<Tfidf, { docs: readonly string[]; rows: Extract<ColumnValues, { kind: 'sparse' }> }>();

const tables = new WeakMap<Tfidf, TermTable>();

/** The vocabulary's term table (ids = slots), built once per fitted vectorizer. */
function tableOf(t: Tfidf): TermTable {
  let table = tables.get(t);
  if (!table) tables.set(t, (table = new TermTable(t.vocabulary)));
  return table;
}

/** TF-IDF rows of documents (CSR, float64): counts, sublinear tf, idf, then the row norm. */
export function tfidfRows(t: Tfidf, docs: readonly string[]): Extract<ColumnValues, { kind: 'sparse' }> {
  const cached = trainRows.get(t);
  if (cached && cached.docs.length === docs.length && cached.docs.every((d, i) => d === docs[i])) {
    trainRows.delete(t);
    return cached.rows;
  }
  if (wordUnigrams(t)) {
    const table = tableOf(t);
    let text = '';
    let add: (k: number) => void = () => {};
    const token = (start: number, end: number, hash: number): void => {
      const k = table.find(text, start, end, hash);
      if (k >= 0) add(k);
    };
    return buildRows(t, docs.length, (i, a) => {
      text = t.lowercase ? docs[i].toLowerCase() : docs[i];
      add = a;
      scanWords(text, token);
    });
  }
  const index = new Map(t.vocabulary.map((term, k) => [term, k]));
  return buildRows(t, docs.length, (i, add) => {
    for (const term of analyze(docs[i], t)) {
      const k = index.get(term);
      if (k !== undefined) add(k);
    }
  });
}

/**
 * CSR rows from term slots: `fill(i, add)` calls `add(slot, count)` for the occurrences of vocabulary
 * terms in document i; then counts become sublinear tf, times idf, and the row is normalised.
 * `capacity` is the expected number of stored values (grown when short).
 */
function buildRows(
  t: Tfidf,
  n: number,
  fill: (i: number, add: (k: number, count?: number) => void) => void,
  capacity = n * 8,
): Extract<ColumnValues, { kind: 'sparse' }> {
  const width = t.vocabulary.length;
  const counts = new Float64Array(width);
  const indptr = new Int32Array(n + 1);
  let indices = new Int32Array(Math.max(16, capacity));
  let values = new Float64Array(indices.length);
  let nnz = 0;
  /** Distinct slots of the current document, written at `indices[nnz …]` as they are first seen. */
  let m = 0;
  const add = (k: number, count = 1): void => {
    if (counts[k] === 0) {
      if (nnz + m === indices.length) {
        indices = grow(indices, new Int32Array(indices.length * 2));
        values = grow(values, new Float64Array(indices.length));
      }
      indices[nnz + m++] = k;
    }
    counts[k] += count;
  };
  const { sublinearTf, useIdf, norm: kind } = t;
  const idf = Float64Array.from(t.idf);
  for (let i = 0; i < n; i++) {
    m = 0;
    fill(i, add);
    const end = nnz + m;
    indices.subarray(nnz, end).sort();
    let norm = 0;
    for (let u = nnz; u < end; u++) {
      const k = indices[u];
      let v = counts[k];
      counts[k] = 0;
      if (sublinearTf) v = 1 + Math.log(v);
      if (useIdf) v *= idf[k];
      values[u] = v;
      norm += kind === 'l1' ? Math.abs(v) : v * v;
    }
    if (kind !== 'none' && norm > 0) {
      const scale = kind === 'l2' ? Math.sqrt(norm) : norm;
      for (let u = nnz; u < end; u++) values[u] /= scale;
    }
    nnz = end;
    indptr[i + 1] = nnz;
  }
  const exact = nnz === indices.length;
  return {
    kind: 'sparse',
    width,
    indptr,
    indices: exact ? indices : indices.slice(0, nnz),
    values: exact ? values : values.slice(0, nnz),
  };
}

/** The vocabulary as TfIdfVectorizer's n-gram pool: grams grouped by length, with their slots. */
function ngramPool(t: Tfidf): { pool: string[]; counts: number[]; indexes: number[] } {
  const [lo, hi] = t.ngramRange;
  const pool: string[] = [];
  const counts: number[] = [];
  const indexes: number[] = [];
  for (let n = 1; n <= hi; n++) {
    counts.push(pool.length);
    if (n < lo) continue;
    t.vocabulary.forEach((term, k) => {
      const parts = term.split(' ');
      if (parts.length !== n) return;
      for (const part of parts) pool.push(part);
      indexes.push(k);
    });
  }
  return { pool, counts, indexes };
}

/**
 * StringNormalizer (lowercase) → com.microsoft Tokenizer (the token pattern, in RE2) →
 * TfIdfVectorizer (counts of the vocabulary's word n-grams) → float64 sublinear tf, idf, norm.
 */
function emitTfidf(t: Tfidf, b: GraphBuilder, x: T): T {
  if (!graphable(t))
    throw new DataError(
      `prep.tfidf: column '${t.column}' uses ${defaultTokens(t) ? 'stop words inside word n-grams' : 'a custom tokenPattern'}, which an ONNX graph cannot cut`,
    );
  let docs = b.op('Reshape', [x, b.constI64([-1])], ['batch'], {}, 'string');
  if (t.lowercase)
    docs = b.opNoGrad(
      'StringNormalizer',
      [docs],
      ['batch'],
      { case_change_action: { s: 'LOWER' }, is_case_sensitive: { i: 1 }, locale: { s: 'C.UTF-8' } },
      'string',
    );
  const tf32 = t.analyzer === 'word' ? wordCounts(t, b, docs) : charCounts(t, b, docs);
  return weigh(t, b, tf32);
}

/** com.microsoft Tokenizer (the token pattern, in RE2) → TfIdfVectorizer over the vocabulary's word n-grams. */
function wordCounts(t: Tfidf, b: GraphBuilder, docs: T): T {
  const width = t.vocabulary.length;
  const tokens = b.domainOp(
    'com.microsoft',
    'Tokenizer',
    [docs],
    ['batch', 0],
    { mark: { i: 0 }, pad_value: { s: '#' }, tokenexp: { s: TOKEN_RE2 }, mincharnum: { i: 1 } },
    'string',
  );
  const { pool, counts, indexes } = ngramPool(t);
  const [lo, hi] = t.ngramRange;
  return b.opNoGrad(
    'TfIdfVectorizer',
    [tokens],
    ['batch', width],
    {
      mode: { s: 'TF' },
      min_gram_length: { i: lo },
      max_gram_length: { i: hi },
      max_skip_count: { i: 0 },
      ngram_counts: { ints: counts },
      ngram_indexes: { ints: indexes },
      pool_strings: { strings: pool },
    },
    'float32',
  );
}

const tokenizer = (b: GraphBuilder, x: T, shape: SShape, tokenexp: string): T =>
  b.domainOp(
    'com.microsoft',
    'Tokenizer',
    [x],
    shape,
    { mark: { i: 0 }, pad_value: { s: '' }, tokenexp: { s: tokenexp }, mincharnum: { i: 1 } },
    'string',
  );

/**
 * Character n-grams counted in the graph: each character becomes an int64 id (LabelEncoder over the
 * vocabulary's characters, others -1) and TfIdfVectorizer counts the vocabulary's id n-grams.
 * `char`: the Tokenizer cuts single characters and runs of two or more white-space characters, and a
 * second one cuts each run to its first two, which the encoder maps to the space (scikit-learn's
 * `\s\s+` → ' '). `char_wb`: the Tokenizer cuts `str.split()` words and a second one their characters
 * between its start and end marks, which stand for the padding spaces; the characters of padding
 * words are set to -1. Words laid end to end meet in two spaces, which no term holds, so no n-gram
 * spans two words; a word shorter than the shortest n is a term of its own length, counted once.
 */
function charCounts(t: Tfidf, b: GraphBuilder, docs: T): T {
  const ws = `[${PY_SPACE_RE2}]`;
  const terms = t.vocabulary.map((term) => Array.from(term));
  const chars = [...new Set(terms.flat())].sort(compareCodePoints);
  if (!chars.includes(' ')) chars.push(' ');
  const id = new Map(chars.map((c, k) => [c, k]));
  const keys = [...chars];
  const values = chars.map((_, k) => k);
  const space = id.get(' ')!;
  let ids: T;
  if (t.analyzer === 'char') {
    const pieces = tokenizer(b, docs, ['batch', 0], `${ws}{2,}|(?s).`);
    const firstTwo = tokenizer(b, pieces, ['batch', 0, 1], `^${ws}{2}|^(?s).`);
    const flat = b.op('Reshape', [firstTwo, b.constI64([0, -1])], ['batch', 0], {}, 'string');
    const spaces = Array.from(PY_SPACES);
    for (const a of spaces)
      for (const c of spaces) {
        keys.push(a + c);
        values.push(space);
      }
    ids = encode(b, flat, keys, values, ['batch', 0]);
  } else {
    // one padding word more, so that the letter Tokenizer's output keeps its word axis when no document has a word
    const column = b.op('Unsqueeze', [docs, b.constI64([1])], ['batch', 1], {}, 'string');
    const blank = b.mlOp(
      'LabelEncoder',
      [column],
      [['batch', 1]],
      { keys_strings: { strings: [''] }, values_strings: { strings: [''] }, default_string: { s: '' } },
      ['string'],
    )[0];
    const cut = tokenizer(b, docs, ['batch', 0], `[^${PY_SPACE_RE2}]+`);
    const words = b.op('Concat', [cut, blank], ['batch', 0], { axis: { i: 1 } }, 'string');
    const letters = tokenizer(b, words, ['batch', 0, 0], '(?s).');
    const shape3 = ['batch', 0, 0] as const;
    const bool = (x: T): T => b.opNoGrad('Cast', [x], x.shape, { to: { i: 9 } }, 'bool');
    // each word's letters as ids, between a padding column on each side: [-1, c1 … cL, -1 …, -1]
    const coded = encode(b, letters, keys, values, shape3);
    const around = b.op('Pad', [coded, b.constI64([0, 0, 1, 0, 0, 1]), b.constI64(-1)], shape3, {}, 'int64');
    // the word's length L: the start space goes in column 0, the end space in column L + 1
    const present = encode(b, letters, [''], [0], shape3, 1);
    const length = b.op('ReduceSum', [present, b.constI64([2])], ['batch', 0, 1], { keepdims: { i: 1 } }, 'int64');
    const columns = b.opNoGrad('Shape', [around], [1], { start: { i: 2 }, end: { i: 3 } }, 'int64');
    const count = b.op('Squeeze', [columns, b.constI64([0])], [], {}, 'int64');
    const position = b.op('Range', [b.constI64(0), count, b.constI64(1)], [0], {}, 'int64');
    const end = b.op('Add', [length, b.constI64(1)], ['batch', 0, 1], {}, 'int64');
    const edge = b.opNoGrad(
      'Or',
      [
        b.opNoGrad('Equal', [position, b.constI64(0)], [0], {}, 'bool'),
        b.opNoGrad('Equal', [position, end], shape3, {}, 'bool'),
      ],
      shape3,
      {},
      'bool',
    );
    const padded = b.op('Where', [edge, b.constI64(space), around], shape3, {}, 'int64');
    // padding words ('' from the word Tokenizer) count nothing
    const real = encode(b, words, [''], [0], ['batch', 0], 1);
    const keep = bool(b.op('Unsqueeze', [real, b.constI64([2])], ['batch', 0, 1], {}, 'int64'));
    const masked = b.op('Where', [keep, padded, b.constI64(-1)], shape3, {}, 'int64');
    ids = b.op('Reshape', [masked, b.constI64([0, -1])], ['batch', 0], {}, 'int64');
  }
  const [lo, hi] = t.ngramRange;
  const shortest = terms.reduce((m, g) => Math.min(m, g.length), lo);
  const pool: number[] = [];
  const counts: number[] = [];
  const indexes: number[] = [];
  for (let n = 1; n <= hi; n++) {
    counts.push(pool.length);
    if (n < shortest) continue;
    terms.forEach((g, k) => {
      if (g.length !== n) return;
      for (const c of g) pool.push(id.get(c)!);
      indexes.push(k);
    });
  }
  return b.opNoGrad(
    'TfIdfVectorizer',
    [ids],
    ['batch', t.vocabulary.length],
    {
      mode: { s: 'TF' },
      min_gram_length: { i: shortest },
      max_gram_length: { i: hi },
      max_skip_count: { i: 0 },
      ngram_counts: { ints: counts },
      ngram_indexes: { ints: indexes },
      pool_int64s: { ints: pool },
    },
    'float32',
  );
}

/** LabelEncoder from strings to int64 ids, `fallback` for other strings. */
function encode(b: GraphBuilder, x: T, keys: string[], values: number[], shape: SShape, fallback = -1): T {
  return b.mlOp(
    'LabelEncoder',
    [x],
    [shape],
    { keys_strings: { strings: keys }, values_int64s: { ints: values }, default_int64: { i: fallback } },
    ['int64'],
  )[0];
}

/** Sublinear tf, idf and the row norm in float64 over the counts. */
function weigh(t: Tfidf, b: GraphBuilder, tf32: T): T {
  const width = t.vocabulary.length;
  const shape = ['batch', width] as const;
  let v = b.op('Cast', [tf32], shape, { to: { i: 11 } }, 'float64');
  if (t.sublinearTf) {
    const present = b.opNoGrad('Greater', [v, b.constF(0)], shape, {}, 'bool');
    const safe = b.op('Where', [present, v, b.constF(1)], shape, {}, 'float64');
    const sub = b.op('Add', [b.op('Log', [safe], shape), b.constF(1)], shape);
    v = b.op('Where', [present, sub, b.constF(0)], shape, {}, 'float64');
  }
  if (t.useIdf)
    v = b.op('Mul', [v, b.initializer('tfidf_idf', [1, width], Float64Array.from(t.idf), 'float64')], shape);
  if (t.norm !== 'none') {
    const mag = t.norm === 'l2' ? b.op('Mul', [v, v], shape) : b.op('Abs', [v], shape);
    let sum = b.op('ReduceSum', [mag, b.constI64([1])], ['batch', 1], { keepdims: { i: 1 } });
    if (t.norm === 'l2') sum = b.op('Sqrt', [sum], ['batch', 1]);
    const zero = b.opNoGrad('Equal', [sum, b.constF(0)], ['batch', 1], {}, 'bool');
    v = b.op('Div', [v, b.op('Where', [zero, b.constF(1), sum], ['batch', 1], {}, 'float64')], shape);
  }
  return v;
}

/** Documents for export checks: runs of vocabulary terms, some upper-cased, so every slot is exercised. */
function checkDocuments(t: Tfidf): string[] {
  const docs: string[] = [];
  const terms = t.vocabulary;
  const per = Math.max(1, Math.ceil(terms.length / 24));
  for (let start = 0; start < terms.length && docs.length < 24; start += per) {
    const chunk = terms.slice(start, start + per);
    const doc = [...chunk, ...chunk.slice(0, 2)].join(' , ');
    docs.push(docs.length % 3 === 1 ? doc.toUpperCase() : doc);
  }
  docs.push('');
  if (t.analyzer !== 'word')
    docs.push(
      '\tA  b\u3000\u3000c\n',
      ' x ',
      'a',
      `${terms[0] ?? ''}\u0085\u00a0 ${terms[1] ?? ''}\u2028`,
      'émoji 😀 ok  ',
      '\u001c\u001f',
    );
  return docs;
}

export const tfidf = defineTransform<Tfidf, TfidfOptions>({
  kind: 'tfidf',
  fit: fitTfidf,
  apply: (t, v) => tfidfRows(t, documents(v, t.column)),
  emit(t, b, x) {
    if (x.kind !== 'category') throw new DataError(`prep.tfidf: column '${t.column}' is not text in the export graph`);
    return { kind: 'slots', width: t.vocabulary.length, t: emitTfidf(t, b, x.t) };
  },
  check: (t) => ({ categories: checkDocuments(t) }),
  slots: (t) => t.vocabulary,
  inGraph: graphable,
});

/** scikit-learn's TfidfVectorizer defaults. */
export const TFIDF_DEFAULTS: TfidfOptions = {
  analyzer: 'word',
  ngramRange: [1, 1],
  lowercase: true,
  tokenPattern: DEFAULT_TOKEN_PATTERN,
  stopWords: 'none',
  stopWordList: [],
  minDf: 1,
  maxDf: 1,
  maxFeatures: null,
  sublinearTf: false,
  norm: 'l2',
  useIdf: true,
  smoothIdf: true,
};
