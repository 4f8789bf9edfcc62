/**
 * Byte-pair encoding (Sennrich et al. 2016) over words: each word is split into characters, the
 * last one marked with END_OF_WORD, and the most frequent adjacent pair of symbols is merged,
 * again and again, until `maxMerges` merges are learned or no pair occurs twice. Ties go to the
 * pair whose symbols sort first. Encoding applies the learned merges by rank.
 */

/** Suffix of a word's last symbol, so that `er</w>` (a word end) and `er` (inside a word) differ. */
export const END_OF_WORD = '</w>';

const SEP = '\u0000';

/** The initial symbols of a word: its characters (code points), the last one marked as the word end. */
export function wordSymbols(word: string): string[] {
  const chars = Array.from(word);
  if (chars.length) chars[chars.length - 1] += END_OF_WORD;
  return chars;
}

interface Word {
  symbols: string[];
  count: number;
}

function addPairs(w: Word, id: number, sign: 1 | -1, counts: Map<string, number>, where: Map<string, Set<number>>) {
  for (let i = 0; i + 1 < w.symbols.length; i++) {
    const key = w.symbols[i] + SEP + w.symbols[i + 1];
    const c = (counts.get(key) ?? 0) + sign * w.count;
    if (c > 0) counts.set(key, c);
    else counts.delete(key);
    if (sign > 0) {
      let s = where.get(key);
      if (!s) where.set(key, (s = new Set()));
      s.add(id);
    }
  }
}

function mergeWord(symbols: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}

/** Learns up to `maxMerges` merges from word counts; returns them in the order learned (their rank). */
export function learnBpe(wordCounts: ReadonlyMap<string, number>, maxMerges: number): [string, string][] {
  const words: Word[] = [...wordCounts].map(([w, count]) => ({ symbols: wordSymbols(w), count }));
  const counts = new Map<string, number>();
  const where = new Map<string, Set<number>>();
  words.forEach((w, id) => addPairs(w, id, 1, counts, where));
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, c] of counts) {
      if (c > bestCount || (c === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (best === undefined) break;
    const [a, b] = best.split(SEP) as [string, string];
    merges.push([a, b]);
    for (const id of where.get(best) ?? []) {
      const w = words[id];
      addPairs(w, id, -1, counts, where);
      w.symbols = mergeWord(w.symbols, a, b);
      addPairs(w, id, 1, counts, where);
    }
    counts.delete(best);
    where.delete(best);
  }
  return merges;
}

/** Encodes one word with learned merges (lowest rank first), as HF/GPT-2 style BPE does. */
export function encodeBpeWord(word: string, ranks: ReadonlyMap<string, number>): string[] {
  let symbols = wordSymbols(word);
  for (;;) {
    let bestRank = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const r = ranks.get(symbols[i] + SEP + symbols[i + 1]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        at = i;
      }
    }
    if (at < 0) return symbols;
    symbols = mergeWord(symbols, symbols[at], symbols[at + 1]);
  }
}

/** The merge ranks keyed as `encodeBpeWord` looks them up. */
export function mergeRanks(merges: readonly (readonly [string, string])[]): Map<string, number> {
  return new Map(merges.map(([a, b], r) => [a + SEP + b, r]));
}
