/**
 * The word analyzer's fast path: scans a (lowercased) document for runs of two or more word
 * characters — exactly the runs `/[\p{L}\p{N}_]{2,}/gu` matches — and looks each run up in an
 * open-addressing table of terms by its characters, so no string is created for a term already
 * known. Used for word unigrams; other analyzers go through `analyze`.
 */

const WORD = /[\p{L}\p{N}_]/u;
/** Per BMP code unit: 0 unknown, 1 word character, 2 not. */
const bmp = new Uint8Array(65536);
for (let c = 0; c < 128; c++)
  bmp[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 2;

function isWordCodePoint(cp: number): boolean {
  if (cp < 65536) {
    let k = bmp[cp];
    if (k === 0) k = bmp[cp] = WORD.test(String.fromCharCode(cp)) ? 1 : 2;
    return k === 1;
  }
  return WORD.test(String.fromCodePoint(cp));
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Calls `token(start, end, hash)` for every maximal run of two or more word code points of `text`;
 * `hash` is the run's `hashOf`, computed while scanning so the term table need not read it again.
 */
export function scanWords(text: string, token: (start: number, end: number, hash: number) => void): void {
  const n = text.length;
  let start = -1;
  let points = 0;
  let h = FNV_OFFSET;
  for (let i = 0; i < n;) {
    let cp = text.charCodeAt(i);
    let width = 1;
    let word: boolean;
    if (cp < 128) word = bmp[cp] === 1;
    else {
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      word = isWordCodePoint(cp);
    }
    if (word) {
      if (start < 0) {
        start = i;
        points = 0;
        h = FNV_OFFSET;
      }
      points++;
      h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
      if (width === 2) h = Math.imul(h ^ text.charCodeAt(i + 1), FNV_PRIME);
    } else if (start >= 0) {
      if (points >= 2) token(start, i, h & 0x7fffffff);
      start = -1;
    }
    i += width;
  }
  if (start >= 0 && points >= 2) token(start, n, h & 0x7fffffff);
}

/**
 * Terms by id, found by their characters in a source string without slicing it. Each slot holds a
 * term's hash beside its id, and the terms' code units sit in one pool, so a lookup touches two
 * places in memory.
 */
export class TermTable {
  readonly terms: string[] = [];
  /** Per slot: hash, id (−1 = empty). */
  private slots: Int32Array;
  private mask: number;
  /** Code units of every term, term id at `starts[id] .. starts[id + 1]`. */
  private pool = new Uint16Array(1 << 16);
  private starts = new Int32Array(1 << 12);

  constructor(terms: readonly string[] = []) {
    let size = 1024;
    while (size < terms.length * 2) size *= 2;
    this.slots = new Int32Array(size * 2).fill(-1);
    this.mask = size - 1;
    for (const t of terms) this.intern(t, 0, t.length);
  }

  get size(): number {
    return this.terms.length;
  }

  /** The id of `text[start, end)`, or -1; `h` is its `hashOf` when the caller has it. */
  find(text: string, start: number, end: number, h = hashOf(text, start, end)): number {
    const slots = this.slots;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[2 * s + 1];
      if (id < 0) return -1;
      if (slots[2 * s] === h && this.same(id, text, start, end)) return id;
    }
  }

  /** The id of `text[start, end)`, added when new; `h` is its `hashOf` when the caller has it. */
  intern(text: string, start: number, end: number, h = hashOf(text, start, end)): number {
    const slots = this.slots;
    let s = h & this.mask;
    for (; ; s = (s + 1) & this.mask) {
      const id = slots[2 * s + 1];
      if (id < 0) break;
      if (slots[2 * s] === h && this.same(id, text, start, end)) return id;
    }
    const id = this.terms.length;
    this.terms.push(start === 0 && end === text.length ? text : text.slice(start, end));
    if (id + 2 > this.starts.length) this.starts = grown(this.starts, this.starts.length * 2);
    const at = this.starts[id];
    if (at + end - start > this.pool.length)
      this.pool = grown(this.pool, Math.max(this.pool.length * 2, at + end - start));
    for (let i = start; i < end; i++) this.pool[at + i - start] = text.charCodeAt(i);
    this.starts[id + 1] = at + end - start;
    slots[2 * s] = h;
    slots[2 * s + 1] = id;
    if (this.terms.length * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private same(id: number, text: string, start: number, end: number): boolean {
    const a = this.starts[id];
    if (this.starts[id + 1] - a !== end - start) return false;
    const pool = this.pool;
    for (let i = start; i < end; i++) if (pool[a + i - start] !== text.charCodeAt(i)) return false;
    return true;
  }

  private rehash(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(size * 2).fill(-1);
    this.mask = size - 1;
    for (let o = 0; o < old.length; o += 2) {
      if (old[o + 1] < 0) continue;
      let s = old[o] & this.mask;
      while (this.slots[2 * s + 1] >= 0) s = (s + 1) & this.mask;
      this.slots[2 * s] = old[o];
      this.slots[2 * s + 1] = old[o + 1];
    }
  }
}

function grown<A extends Int32Array | Uint16Array>(from: A, size: number): A {
  const to = new (from.constructor as new (n: number) => A)(size);
  to.set(from);
  return to;
}

/** FNV-1a over the UTF-16 code units of `text[start, end)`, as 31 bits. */
function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h & 0x7fffffff;
}
