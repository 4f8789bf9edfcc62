/**
 * scikit-learn's CountVectorizer analyzers (1.2) in TypeScript: `word` (tokens of the default
 * token_pattern `(?u)\b\w\w+\b`, then word n-grams joined by a space) and `char` (white-space runs
 * collapsed, then character n-grams over code points). Python's `\w` is a letter, a number or `_`.
 */

/** Maximal runs of two or more word characters: Python's `\b\w\w+\b` on str. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;
/** The same pattern in RE2 syntax, for onnxruntime's Tokenizer. */
export const TOKEN_RE2 = '[\\pL\\pN_]{2,}';
const WHITE_SPACES = /\s\s+/gu;

/** How a document becomes terms. */
export interface AnalyzerOptions {
  analyzer: 'word' | 'char';
  ngramRange: readonly [number, number];
  lowercase: boolean;
}

/** The word tokens of a document (after lowercasing when asked). */
export function wordTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** The terms of one document, in order, repeats kept (scikit-learn `build_analyzer()(doc)`). */
export function analyze(doc: string, o: AnalyzerOptions): string[] {
  const text = o.lowercase ? doc.toLowerCase() : doc;
  const [lo, hi] = o.ngramRange;
  if (o.analyzer === 'word') {
    const tokens = wordTokens(text);
    if (lo === 1 && hi === 1) return tokens;
    const out: string[] = lo === 1 ? tokens.slice() : [];
    for (let n = Math.max(lo, 2); n <= Math.min(hi, tokens.length); n++)
      for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
    return out;
  }
  const chars = Array.from(text.replace(WHITE_SPACES, ' '));
  const out: string[] = [];
  for (let n = lo; n <= Math.min(hi, chars.length); n++)
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
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
