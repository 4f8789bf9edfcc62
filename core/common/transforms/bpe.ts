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

/** A max-heap of (count, pair) entries; stale entries are skipped when popped (lazy deletion). */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: string[] = [];

  private above(i: number, j: number): boolean {
    const a = this.counts[i];
    const b = this.counts[j];
    return a > b || (a === b && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }

  push(count: number, key: string): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.above(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }

  /** The largest entry whose count is still current in `live`, or undefined. */
  popLive(live: ReadonlyMap<string, number>): [string, number] | undefined {
    while (this.counts.length) {
      const count = this.counts[0];
      const key = this.keys[0];
      const lastCount = this.counts.pop()!;
      const lastKey = this.keys.pop()!;
      if (this.counts.length) {
        this.counts[0] = lastCount;
        this.keys[0] = lastKey;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let top = i;
          if (l < this.counts.length && this.above(l, top)) top = l;
          if (r < this.counts.length && this.above(r, top)) top = r;
          if (top === i) break;
          this.swap(i, top);
          i = top;
        }
      }
      if (live.get(key) === count) return [key, count];
    }
    return undefined;
  }
}

function bump(
  key: string,
  delta: number,
  id: number,
  counts: Map<string, number>,
  where: Map<string, Set<number>>,
  touched: Set<string>,
): void {
  const c = (counts.get(key) ?? 0) + delta;
  if (c > 0) counts.set(key, c);
  else counts.delete(key);
  touched.add(key);
  if (delta > 0) {
    let s = where.get(key);
    if (!s) where.set(key, (s = new Set()));
    s.add(id);
  }
}

function addPairs(
  w: Word,
  id: number,
  counts: Map<string, number>,
  where: Map<string, Set<number>>,
  touched: Set<string>,
) {
  for (let i = 0; i + 1 < w.symbols.length; i++)
    bump(w.symbols[i] + SEP + w.symbols[i + 1], w.count, id, counts, where, touched);
}

/**
 * Merges every `a b` in one word and updates the pair counts of the pairs that touch a merge only:
 * any other pair is the same before and after.
 */
function mergeInWord(
  w: Word,
  id: number,
  a: string,
  b: string,
  counts: Map<string, number>,
  where: Map<string, Set<number>>,
  touched: Set<string>,
): void {
  const old = w.symbols;
  const next: string[] = [];
  const oldPairs = new Set<number>();
  const newAt: number[] = [];
  for (let i = 0; i < old.length; i++) {
    if (i + 1 < old.length && old[i] === a && old[i + 1] === b) {
      if (i > 0) oldPairs.add(i - 1);
      oldPairs.add(i);
      if (i + 2 < old.length) oldPairs.add(i + 1);
      newAt.push(next.length);
      next.push(a + b);
      i++;
    } else next.push(old[i]);
  }
  if (!newAt.length) return;
  for (const j of oldPairs) bump(old[j] + SEP + old[j + 1], -w.count, id, counts, where, touched);
  const newPairs = new Set<number>();
  for (const k of newAt) {
    if (k > 0) newPairs.add(k - 1);
    if (k + 1 < next.length) newPairs.add(k);
  }
  for (const j of newPairs) bump(next[j] + SEP + next[j + 1], w.count, id, counts, where, touched);
  w.symbols = next;
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
  const touched = new Set<string>();
  words.forEach((w, id) => addPairs(w, id, counts, where, touched));
  const heap = new PairHeap();
  for (const [key, c] of counts) heap.push(c, key);
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const top = heap.popLive(counts);
    if (!top || top[1] < 2) break;
    const best = top[0];
    const [a, b] = best.split(SEP) as [string, string];
    merges.push([a, b]);
    touched.clear();
    for (const id of where.get(best) ?? []) mergeInWord(words[id], id, a, b, counts, where, touched);
    counts.delete(best);
    where.delete(best);
    for (const key of touched) {
      const c = counts.get(key);
      if (c !== undefined && key !== best) heap.push(c, key);
    }
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
