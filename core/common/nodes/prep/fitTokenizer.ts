import { columnValues } from '../../transforms/features';
import { encodeText, OOV_ID, tokenize, type Tokenize } from '../../transforms/tokenize';
import type { DataPreviewValue, DatasetValue, FittedTransform } from '../../values';
import { DataError } from './DataError';
import { pickFeatures, trainValues, withTransforms } from './refitDataset';
import type { TokenizeNodeParams } from './tokenize';

/** How well a fitted vocabulary covers a split's texts. */
export interface Coverage {
  split: string;
  /** Tokens found in the vocabulary / all tokens. */
  tokens: number;
  /** Rows with more tokens than maxLength. */
  truncatedRows: number;
  rows: number;
}

/** Coverage of `t` on the texts of one split (raw column values). */
export function coverageOf(t: Tokenize, texts: readonly (string | null)[], split: string): Coverage {
  let known = 0;
  let total = 0;
  let truncated = 0;
  for (const s of texts) {
    const ids = encodeText(t, s);
    total += ids.length;
    for (const id of ids) if (id !== OOV_ID) known++;
    if (ids.length > t.maxLength) truncated++;
  }
  return { split, tokens: total ? known / total : 1, truncatedRows: truncated, rows: texts.length };
}

/** Result of fitting prep.tokenize on a dataset. */
export interface TokenizeFit {
  dataset: DatasetValue;
  fitted: Tokenize[];
  coverage: Coverage[];
  warnings: string[];
}

/** Fits one tokenizer per text feature on the training split; each replaces the column's earlier steps. */
export function fitTokenizer(ds: DatasetValue, p: TokenizeNodeParams): TokenizeFit {
  const node = 'prep.tokenize';
  if (!ds.splits.train?.raw || !ds.rawFeatures)
    throw new DataError(`${node} needs a table's text column (from prep.split); this dataset has no raw columns`);
  const features = pickFeatures(ds, p.columns, (f) => f.type === 'text', node);
  if (!features.length)
    throw new DataError(
      `${node}: the dataset has no free-text feature; list the text column in prep.split's features (or in columns here)`,
    );
  let transforms: FittedTransform[] = [...ds.transforms];
  const fitted: Tokenize[] = [];
  const warnings: string[] = [];
  for (const f of features) {
    if (f.type !== 'text' && f.type !== 'category')
      throw new DataError(`${node}: column '${f.name}' holds ${f.type} values, not text`);
    transforms = transforms.filter((t) => t.column !== f.name);
    const train = trainValues(ds, f.name, transforms, node);
    const t = tokenize.fit(f.name, train, p);
    if (train.kind === 'category') {
      const empty = train.values.reduce((k, s) => (s === null || !s.trim() ? k + 1 : k), 0);
      if (empty)
        warnings.push(
          `column '${f.name}': ${empty} of ${train.values.length} training texts are empty or missing; their rows are all padding`,
        );
    }
    const ids = t.vocab.length + 2;
    if (ids < p.vocabSize)
      warnings.push(
        `column '${f.name}': vocabSize ${p.vocabSize} is more than the training split gives ` +
          `(${t.distinct} distinct ${p.mode === 'bpe' ? 'symbols and merges' : 'tokens'}); the vocabulary holds ${ids} ids`,
      );
    if (t.vocab.length === 0)
      warnings.push(`column '${f.name}': the training texts hold no tokens; every row is padding`);
    transforms.push(t);
    fitted.push(t);
  }
  const coverage: Coverage[] = [];
  for (const name of ['validation', 'test', 'train']) {
    const split = ds.splits[name];
    if (!split?.raw || coverage.length) continue;
    for (const t of fitted) {
      const col = split.raw.find((c) => c.name === t.column);
      if (col)
        coverage.push(coverageOf(t, columnValues(col, split.n, split.rawRows).values as (string | null)[], name));
    }
  }
  return { dataset: withTransforms(ds, transforms), fitted, coverage, warnings };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The preview: the most frequent tokens of each fitted vocabulary and its coverage. */
export function tokenizePreview(fit: TokenizeFit, top = 40): DataPreviewValue {
  const rows: (string | number | null)[][] = [];
  for (const t of fit.fitted) {
    rows.push([t.column, 0, t.padToken, null]);
    rows.push([t.column, 1, t.oovToken, null]);
    t.vocab.slice(0, top).forEach((tok, k) => rows.push([t.column, k + 2, tok, t.counts[k] ?? null]));
  }
  const cov = fit.coverage.map(
    (c) => `${c.split}: ${pct(c.tokens)} of tokens in the vocabulary, ${c.truncatedRows} of ${c.rows} rows truncated`,
  );
  return {
    format: 'tokens',
    rowCount: fit.fitted.reduce((a, t) => a + t.vocab.length + 2, 0),
    schema: fit.fitted.map((t) => ({ name: t.column, type: 'text' })),
    stats: [],
    head: {
      title: `Most frequent tokens (${fit.fitted.map((t) => `${t.column}: ${t.vocab.length + 2} ids`).join(', ')}); ${cov.join('; ')}`,
      columns: ['column', 'id', 'token', 'training count'],
      rows,
    },
    warnings: [...fit.warnings, ...cov],
  };
}
