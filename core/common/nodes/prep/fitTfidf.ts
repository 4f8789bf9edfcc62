import { z } from 'zod';
import { tfidf, TFIDF_DEFAULTS, type Tfidf } from '../../transforms/tfidf';
import { DEFAULT_TOKEN_PATTERN } from '../../transforms/tokenPattern';
import type { DatasetValue, FittedTransform } from '../../values';
import { DataError } from './DataError';
import { pickFeatures, trainRaw, trainValues, withTransforms } from './refitDataset';

const d = TFIDF_DEFAULTS;

/** Params of prep.tfidf: scikit-learn TfidfVectorizer's options and defaults, in camelCase. */
export const tfidfParams = z.object({
  columns: z.array(z.string()).default([]).describe('Text columns; empty = every free-text feature'),
  analyzer: z
    .enum(['word', 'char', 'char_wb'])
    .default(d.analyzer)
    .describe(
      'word: n-grams of tokens (two or more letters, digits or _); char: n-grams of characters; char_wb: character n-grams inside words, each word padded with a space on both sides (analyzer)',
    ),
  ngramRange: z
    .tuple([z.number().int().min(1), z.number().int().min(1)])
    .default([1, 1])
    .refine(([lo, hi]) => lo <= hi, 'ngramRange: the first length must not exceed the second')
    .describe('Shortest and longest n-gram, e.g. [1, 2] for words and word pairs (ngram_range)'),
  lowercase: z.boolean().default(d.lowercase).describe('Lowercase the text before cutting it (lowercase)'),
  tokenPattern: z
    .string()
    .min(1)
    .default(DEFAULT_TOKEN_PATTERN)
    .describe(
      'Word analyzer: what a token is, a Python regular expression; one capturing group makes its text the token (token_pattern)',
    ),
  stopWords: z
    .enum(['none', 'english'])
    .default('none')
    .describe("Word analyzer: english drops scikit-learn's 318 English stop words before n-grams form (stop_words)"),
  stopWordList: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Word analyzer: more tokens to drop, compared with the tokens as cut (lowercased when lowercase is on; stop_words as a list)',
    ),
  minDf: z
    .number()
    .min(0)
    .default(d.minDf)
    .describe('Drop terms in fewer documents: below 1 a share of the training documents, else a count (min_df)'),
  maxDf: z
    .number()
    .min(0)
    .default(d.maxDf)
    .describe('Drop terms in more documents: up to 1 a share of the training documents, else a count (max_df)'),
  maxFeatures: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('Keep the terms most frequent over the training documents; empty = all (max_features)'),
  sublinearTf: z.boolean().default(d.sublinearTf).describe('Use 1 + log(tf) for term counts (sublinear_tf)'),
  norm: z.enum(['l2', 'l1', 'none']).default(d.norm).describe('Scale each document row to unit length (norm)'),
  useIdf: z.boolean().default(d.useIdf).describe('Weight terms by inverse document frequency (use_idf)'),
  smoothIdf: z
    .boolean()
    .default(d.smoothIdf)
    .describe('Add one to document frequencies, as if one document held every term (smooth_idf)'),
});
export type TfidfParams = z.output<typeof tfidfParams>;

/** Fits one TF-IDF vectorizer per text column on the training split, replacing that column's earlier encoder. */
export function fitTfidf(ds: DatasetValue, p: TfidfParams): { dataset: DatasetValue; fitted: Tfidf[] } {
  const node = 'prep.tfidf';
  trainRaw(ds, node);
  const features = pickFeatures(ds, p.columns, (f) => f.type === 'text', node);
  if (!features.length)
    throw new DataError(
      `${node}: the dataset has no free-text feature; list the text column in prep.split's features (and here in columns)`,
    );
  let transforms: FittedTransform[] = [...ds.transforms];
  const fitted: Tfidf[] = [];
  const { columns: _c, ...options } = p;
  for (const f of features) {
    if (f.type !== 'category' && f.type !== 'text')
      throw new DataError(`${node}: column '${f.name}' is ${f.type}, not text`);
    transforms = transforms.filter((t) => t.column !== f.name);
    const t = tfidf.fit(f.name, trainValues(ds, f.name, transforms, node), options);
    fitted.push(t);
    transforms.push(t);
  }
  return { dataset: withTransforms(ds, transforms), fitted };
}
