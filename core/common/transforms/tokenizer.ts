/**
 * Text → tokens → ids, shared by the fitted `tokenize` transform and its tests: normalisation,
 * the word pre-tokenizer, character and byte-pair modes, and padding/truncation to a fixed length.
 */
import { encodeBpeWord, END_OF_WORD, learnBpe, mergeRanks } from './bpe';
import { findTokens, tokenRegex } from './tokenPattern';

/** How text is cut into tokens. */
export type TokenizeMode = 'word' | 'char' | 'bpe';

/** Options that decide the tokens of a text (fitted and applied alike). */
export interface TokenizerOptions {
  mode: TokenizeMode;
  lowercase: boolean;
  /** Unicode normalisation applied before anything else. */
  normalize: 'none' | 'NFC' | 'NFKC';
  /** Word mode: what a token is, in Python's re syntax (scikit-learn's token_pattern); absent = WORD_PATTERN. */
  tokenPattern?: string;
  /** Word mode: tokens dropped before the vocabulary lookup (stop words). */
  stopList?: readonly string[];
}

/**
 * Words: runs of letters, marks, digits and underscores, or runs of other non-space characters
 * (the Unicode form of Hugging Face's `Whitespace` pre-tokenizer, `\w+|[^\w\s]+`).
 */
export const WORD_PATTERN = '[\\p{L}\\p{M}\\p{N}_]+|[^\\s\\p{L}\\p{M}\\p{N}_]+';
const WORD_RE = new RegExp(WORD_PATTERN, 'gu');

/** The text after normalisation and lowercasing. */
export function normalizeText(text: string, o: Pick<TokenizerOptions, 'lowercase' | 'normalize'>): string {
  const n = o.normalize === 'none' ? text : text.normalize(o.normalize);
  return o.lowercase ? n.toLowerCase() : n;
}

/** The words of a normalised text. */
export function words(text: string): string[] {
  return text.match(WORD_RE) ?? [];
}

const stopSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Tokens of a normalised text in word mode (its token pattern, stop words dropped) or character mode (code points; whitespace included). */
export function plainTokens(text: string, o: TokenizerOptions): string[] {
  if (o.mode !== 'word') return Array.from(text);
  const tokens = o.tokenPattern ? findTokens(text, tokenRegex(o.tokenPattern, 'prep.tokenize')) : words(text);
  if (!o.stopList?.length) return tokens;
  let stop = stopSets.get(o.stopList);
  if (!stop) stopSets.set(o.stopList, (stop = new Set(o.stopList)));
  return tokens.filter((t) => !stop.has(t));
}

/** Counts of `tokens` in first-seen order. */
function countInto(counts: Map<string, number>, tokens: Iterable<string>): void {
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
}

/** Tokens by count, most frequent first; ties in code-unit order. */
export function byFrequency(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** A learned vocabulary: tokens by id after the special ids, BPE merges, and each token's training count. */
export interface LearnedVocabulary {
  tokens: string[];
  counts: number[];
  merges: [string, string][];
  /** Distinct tokens the training texts hold (before any cap). */
  distinct: number;
}

/**
 * Learns the vocabulary of `size` ids minus `specials` from training texts (already normalised):
 * the most frequent tokens, or in BPE mode the base characters plus merges, where merges stop when
 * the vocabulary is full or no pair occurs twice.
 */
export function learnVocabulary(texts: readonly string[], o: TokenizerOptions, room: number): LearnedVocabulary {
  if (o.mode !== 'bpe') {
    const counts = new Map<string, number>();
    for (const t of texts) countInto(counts, plainTokens(t, o));
    const kept = byFrequency(counts).slice(0, Math.max(0, room));
    return { tokens: kept.map((k) => k[0]), counts: kept.map((k) => k[1]), merges: [], distinct: counts.size };
  }
  const wordCounts = new Map<string, number>();
  for (const t of texts) countInto(wordCounts, words(t));
  const base = new Map<string, number>();
  for (const [w, c] of wordCounts) {
    const chars = Array.from(w);
    chars.forEach((ch, i) => {
      const sym = i === chars.length - 1 ? ch + END_OF_WORD : ch;
      base.set(sym, (base.get(sym) ?? 0) + c);
    });
  }
  const baseKept = byFrequency(base).slice(0, Math.max(0, room));
  const merges = learnBpe(wordCounts, Math.max(0, room - baseKept.length));
  const symbolCounts = new Map<string, number>();
  const ranks = mergeRanks(merges);
  for (const [w, c] of wordCounts)
    for (const s of encodeBpeWord(w, ranks)) symbolCounts.set(s, (symbolCounts.get(s) ?? 0) + c);
  const tokens = [...baseKept.map((k) => k[0]), ...merges.map(([a, b]) => a + b)];
  const seen = new Set<string>();
  const unique = tokens.filter((t) => !seen.has(t) && (seen.add(t), true));
  return {
    tokens: unique,
    counts: unique.map((t) => symbolCounts.get(t) ?? 0),
    merges,
    distinct: base.size + merges.length,
  };
}

/** Tokens of a normalised text: words, characters, or BPE symbols of each word. */
export function tokensOf(text: string, o: TokenizerOptions, ranks?: ReadonlyMap<string, number>): string[] {
  if (o.mode !== 'bpe') return plainTokens(text, o);
  const out: string[] = [];
  for (const w of words(text)) for (const s of encodeBpeWord(w, ranks ?? new Map())) out.push(s);
  return out;
}

/** Where a sequence is cut or filled: `start` drops or pads at the beginning, `end` at the end. */
export type Side = 'start' | 'end';

/** Writes `ids` into `out[offset … offset + length)`: truncated on `truncate`'s side, padded with `pad` on `padding`'s. */
export function fitLength(
  ids: readonly number[],
  length: number,
  truncate: Side,
  padding: Side,
  pad: number,
  out: Float64Array,
  offset: number,
): void {
  const kept = ids.length <= length ? ids : truncate === 'end' ? ids.slice(0, length) : ids.slice(ids.length - length);
  const start = padding === 'start' ? length - kept.length : 0;
  for (let k = 0; k < length; k++) out[offset + k] = pad;
  for (let k = 0; k < kept.length; k++) out[offset + start + k] = kept[k];
}
