import { DataError } from '../nodes/prep/DataError';
import { mergeRanks } from './bpe';
import {
  fitLength,
  learnVocabulary,
  normalizeText,
  tokensOf,
  WORD_PATTERN,
  type Side,
  type TokenizerOptions,
} from './tokenizer';
import { ENGLISH_STOP_WORDS } from './englishStopWords';
import { tokenRegex } from './tokenPattern';
import { defineTransform, type ColumnValues } from './TransformModule';

/** Id of the padding token. */
export const PAD_ID = 0;
/** Id of the out-of-vocabulary token. */
export const OOV_ID = 1;

/**
 * A text column as `maxLength` token ids (Keras TextVectorization / Hugging Face tokenizers):
 * normalised, cut into words, characters or BPE subwords, looked up in a vocabulary learned on the
 * training rows (id 0 = padding, 1 = out of vocabulary, then tokens by training frequency), then
 * truncated and padded to `maxLength`. onnxruntime has no BPE or Unicode word splitter, so an
 * exported model takes these ids (`external`) and carries this record in its metadata.
 */
export interface Tokenize extends TokenizerOptions {
  kind: 'tokenize';
  column: string;
  /** Token of each id from 2 on (ids 0 and 1 are `padToken` and `oovToken`). */
  vocab: string[];
  /** Training count of each token of `vocab`. */
  counts: number[];
  /** BPE merges in rank order (empty in word and character modes). */
  merges: [string, string][];
  maxLength: number;
  truncate: Side;
  padding: Side;
  padToken: string;
  oovToken: string;
  /** The vocabulary size asked for (ids, the two special ones included). */
  vocabSize: number;
  /** Distinct tokens in the training rows, to tell a capped vocabulary from a full one. */
  distinct: number;
}

/**
 * What `prep.tokenize` fits with; `stopWords` and `stopWordList` make the fitted `stopList` (a
 * fitted record refitted on other rows passes its `stopList` as it is).
 */
export type TokenizeParams = Omit<TokenizerOptions, 'tokenPattern'> &
  Pick<Tokenize, 'maxLength' | 'truncate' | 'padding' | 'padToken' | 'oovToken' | 'vocabSize'> & {
    /** Word mode, Python re syntax; empty or absent = WORD_PATTERN. */
    tokenPattern?: string;
    stopWords?: 'none' | 'english';
    stopWordList?: readonly string[];
  };

/** The word-mode options of `p` as a fitted record keeps them, checked. */
function wordOptions(column: string, p: TokenizeParams): Pick<TokenizerOptions, 'tokenPattern' | 'stopList'> {
  const stopList = p.stopList
    ? [...p.stopList]
    : [...(p.stopWords === 'english' ? ENGLISH_STOP_WORDS : []), ...(p.stopWordList ?? [])];
  const where = `prep.tokenize: column '${column}'`;
  if (p.mode !== 'word' && (p.tokenPattern || stopList.length))
    throw new DataError(
      `${where}: tokenPattern and stop words apply to word mode, not ${p.mode}; set mode to word or clear them`,
    );
  if (p.tokenPattern) tokenRegex(p.tokenPattern, where);
  return { ...(p.tokenPattern ? { tokenPattern: p.tokenPattern } : {}), ...(stopList.length ? { stopList } : {}) };
}

function texts(v: ColumnValues, column: string): readonly (string | null)[] {
  if (v.kind === 'category') return v.values;
  throw new DataError(
    v.kind === 'number'
      ? `prep.tokenize: column '${column}' holds numbers, not text`
      : `prep.tokenize: column '${column}' is already encoded`,
  );
}

/** Token ids (without padding) of one raw text. */
export function encodeText(
  t: Tokenize,
  text: string | null,
  ids = new Map(t.vocab.map((tok, k) => [tok, k + 2])),
  ranks = mergeRanks(t.merges),
): number[] {
  if (text === null) return [];
  return tokensOf(normalizeText(text, t), t, ranks).map((tok) => ids.get(tok) ?? OOV_ID);
}

/**
 * The word pattern as a JavaScript RegExp source and flags (the built-in one, or `tokenPattern`
 * translated, with `wordPatternGroup` when its capturing group is the token); a custom pattern is
 * also kept as written (Python syntax).
 */
function wordPatternCard(t: Tokenize): Record<string, unknown> {
  if (!t.tokenPattern) return { wordPattern: WORD_PATTERN, wordPatternFlags: 'gu' };
  const r = tokenRegex(t.tokenPattern, `prep.tokenize: column '${t.column}'`);
  return {
    tokenPattern: t.tokenPattern,
    wordPattern: r.re.source,
    wordPatternFlags: r.re.flags,
    wordPatternGroup: r.group,
  };
}

/** The settings an exported model's caller needs to produce its token ids, stored in metadata_props. */
export function tokenizerCard(t: Tokenize): Record<string, unknown> {
  return {
    column: t.column,
    mode: t.mode,
    normalize: t.normalize,
    lowercase: t.lowercase,
    ...wordPatternCard(t),
    ...(t.stopList ? { stopWords: [...t.stopList] } : {}),
    endOfWord: t.mode === 'bpe' ? '</w>' : undefined,
    maxLength: t.maxLength,
    truncate: t.truncate,
    padding: t.padding,
    padId: PAD_ID,
    oovId: OOV_ID,
    vocab: [t.padToken, t.oovToken, ...t.vocab],
    merges: t.merges.map(([a, b]) => `${a} ${b}`),
  };
}

/** The fitted step a tokenizer card describes (the inverse of `tokenizerCard`), or a DataError naming what is missing. */
export function tokenizeFromCard(card: Record<string, unknown>): Tokenize {
  const vocab = card.vocab;
  const merges = card.merges ?? [];
  if (!Array.isArray(vocab) || vocab.length < 2 || !Array.isArray(merges))
    throw new DataError('tokenizer settings: vocab (at least the padding and unknown tokens) and merges are required');
  const mode = card.mode as Tokenize['mode'];
  if (!['word', 'char', 'bpe'].includes(mode)) throw new DataError(`tokenizer settings: unknown mode ${String(mode)}`);
  return {
    kind: 'tokenize',
    column: typeof card.column === 'string' ? card.column : '',
    mode,
    lowercase: card.lowercase === true,
    normalize: (card.normalize as Tokenize['normalize']) ?? 'none',
    ...(typeof card.tokenPattern === 'string' ? { tokenPattern: card.tokenPattern } : {}),
    ...(Array.isArray(card.stopWords) ? { stopList: (card.stopWords as unknown[]).map(String) } : {}),
    vocab: (vocab as string[]).slice(2),
    counts: [],
    merges: (merges as string[]).map((m) => {
      const at = m.indexOf(' ');
      return [m.slice(0, at), m.slice(at + 1)] as [string, string];
    }),
    maxLength: Number(card.maxLength),
    truncate: card.truncate === 'start' ? 'start' : 'end',
    padding: card.padding === 'start' ? 'start' : 'end',
    padToken: String(vocab[0]),
    oovToken: String(vocab[1]),
    vocabSize: vocab.length,
    distinct: vocab.length - 2,
  };
}

export const tokenize = defineTransform<Tokenize, TokenizeParams>({
  kind: 'tokenize',
  fit(column, train, p) {
    const normalised = texts(train, column).map((s) => (s === null ? '' : normalizeText(s, p)));
    const words = wordOptions(column, p);
    const learned = learnVocabulary(normalised, { ...p, ...words }, p.vocabSize - 2);
    return {
      kind: 'tokenize',
      column,
      mode: p.mode,
      lowercase: p.lowercase,
      normalize: p.normalize,
      ...words,
      vocab: learned.tokens,
      counts: learned.counts,
      merges: learned.merges,
      maxLength: p.maxLength,
      truncate: p.truncate,
      padding: p.padding,
      padToken: p.padToken,
      oovToken: p.oovToken,
      vocabSize: p.vocabSize,
      distinct: learned.distinct,
    };
  },
  apply(t, v) {
    const rows = texts(v, t.column);
    const ids = new Map(t.vocab.map((tok, k) => [tok, k + 2]));
    const ranks = mergeRanks(t.merges);
    const out = new Float64Array(rows.length * t.maxLength);
    rows.forEach((s, i) =>
      fitLength(encodeText(t, s, ids, ranks), t.maxLength, t.truncate, t.padding, PAD_ID, out, i * t.maxLength),
    );
    return { kind: 'slots', width: t.maxLength, values: out };
  },
  emit(t, _b, x) {
    if (x.kind !== 'category')
      throw new DataError(`prep.tokenize: column '${t.column}' is not text in the export graph`);
    throw new DataError(
      `prep.tokenize: column '${t.column}' is tokenized outside the graph; the export takes its token ids as an input`,
    );
  },
  external: (t) => ({ width: t.maxLength, card: tokenizerCard(t) }),
  check: (t) => ({
    categories: [0, 1, 2, 3].map((k) =>
      t.vocab
        .filter((_, j) => j % 4 === k)
        .slice(0, t.maxLength + 3)
        .join(t.mode === 'char' ? '' : ' ')
        .replaceAll('</w>', ' '),
    ),
  }),
  slots: (t) => Array.from({ length: t.maxLength }, (_, k) => String(k)),
});
