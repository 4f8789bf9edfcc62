/**
 * scikit-learn's CountVectorizer analyzers (1.2) in TypeScript: `word` (tokens of token_pattern,
 * by default `(?u)\b\w\w+\b`, less the stop words, then word n-grams joined by a space), `char` (white-space runs
 * collapsed, then character n-grams over code points) and `char_wb` (character n-grams of each white-space-separated
 * word padded with one space on each side). Python's `\w` is a letter, a number or `_`; its `\s` and `str.split()`
 * white space is `str.isspace()`, which differs from JavaScript's `\s` (U+001C–U+001F and U+0085 in, U+FEFF out).
 */

import { ENGLISH_STOP_WORDS } from './englishStopWords';
import { DEFAULT_TOKEN_PATTERN, findTokens, tokenRegex } from './tokenPattern';

/** Maximal runs of two or more word characters: Python's `\b\w\w+\b` on str. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;
/** The same pattern in RE2 syntax, for onnxruntime's Tokenizer. */
export const TOKEN_RE2 = '[\\pL\\pN_]{2,}';
/** Python's `str.isspace()` characters, which its `re` `\s` and `str.split()` use. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** The same characters, one string each. */
export const PY_SPACES: readonly string[] = [
  ...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000',
  ...Array.from({ length: 11 }, (_, k) => String.fromCharCode(0x2000 + k)),
];
/** The same characters as the body of an RE2 class, for onnxruntime's Tokenizer. */
export const PY_SPACE_RE2 =
  '\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}';
/** scikit-learn's `_white_spaces`, `\s\s+`: runs of two or more become one space (a single tab stays). */
const WHITE_SPACES = new RegExp(`[${PY_SPACE}]{2,}`, 'gu');
/** The words of Python's `str.split()`: maximal runs of non-white-space. */
const PY_WORDS = new RegExp(`[^${PY_SPACE}]+`, 'gu');

/** How a document becomes terms. */
export interface AnalyzerOptions {
  analyzer: 'word' | 'char' | 'char_wb';
  ngramRange: readonly [number, number];
  lowercase: boolean;
  /** Word analyzer: what a token is, in Python's re syntax (token_pattern). @default DEFAULT_TOKEN_PATTERN */
  tokenPattern?: string;
  /** Word analyzer: `english` removes scikit-learn's English stop words from the tokens (stop_words). @default 'none' */
  stopWords?: 'none' | 'english';
  /** Word analyzer: further tokens removed before n-grams are formed (stop_words as a list). @default [] */
  stopWordList?: readonly string[];
}

/** Whether `o` cuts words with scikit-learn's default token pattern. */
export const defaultTokens = (o: AnalyzerOptions): boolean =>
  o.tokenPattern === undefined || o.tokenPattern === DEFAULT_TOKEN_PATTERN;

const stopSets = new WeakMap<AnalyzerOptions, ReadonlySet<string> | null>();

/** The stop words `o` removes, or null when none. */
export function stopWordsOf(o: AnalyzerOptions): ReadonlySet<string> | null {
  let set = stopSets.get(o);
  if (set === undefined) {
    const words = [...(o.stopWords === 'english' ? ENGLISH_STOP_WORDS : []), ...(o.stopWordList ?? [])];
    stopSets.set(o, (set = words.length ? new Set(words) : null));
  }
  return set;
}

/** The word tokens of a document (after lowercasing when asked), stop words removed. */
export function wordTokens(text: string, o: AnalyzerOptions = DEFAULT_WORDS, where = 'prep.tfidf'): string[] {
  const tokens = defaultTokens(o) ? (text.match(TOKEN) ?? []) : findTokens(text, tokenRegex(o.tokenPattern!, where));
  const stop = stopWordsOf(o);
  return stop ? tokens.filter((t) => !stop.has(t)) : tokens;
}

const DEFAULT_WORDS: AnalyzerOptions = { analyzer: 'word', ngramRange: [1, 1], lowercase: true };

/** The terms of one document, in order, repeats kept (scikit-learn `build_analyzer()(doc)`). */
export function analyze(doc: string, o: AnalyzerOptions): string[] {
  const text = o.lowercase ? doc.toLowerCase() : doc;
  const [lo, hi] = o.ngramRange;
  if (o.analyzer === 'word') {
    const tokens = wordTokens(text, o);
    if (lo === 1 && hi === 1) return tokens;
    const out: string[] = lo === 1 ? tokens.slice() : [];
    for (let n = Math.max(lo, 2); n <= Math.min(hi, tokens.length); n++)
      for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
    return out;
  }
  if (o.analyzer === 'char_wb') return wordBoundedGrams(text, lo, hi);
  const chars = Array.from(text.replace(WHITE_SPACES, ' '));
  const out: string[] = [];
  for (let n = lo; n <= Math.min(hi, chars.length); n++)
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

/**
 * scikit-learn's `_char_wb_ngrams`: for each word, padded `' word '`, its n-grams for n from `lo` to
 * `hi`; a padded word no longer than n is counted once, whole, and longer n are skipped for it.
 */
function wordBoundedGrams(text: string, lo: number, hi: number): string[] {
  const out: string[] = [];
  for (const word of text.match(PY_WORDS) ?? []) {
    const w = Array.from(` ${word} `);
    for (let n = lo; n <= hi; n++) {
      if (w.length <= n) {
        out.push(w.join(''));
        break;
      }
      for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(''));
    }
  }
  return out;
}

/** Orders strings by Unicode code points, as Python's `sorted` does (UTF-16 order differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) {
      const cx = a.codePointAt(i)!;
      const cy = b.codePointAt(i)!;
      if (cx !== cy) return cx - cy;
      continue;
    }
    return x - y;
  }
  return a.length - b.length;
}
