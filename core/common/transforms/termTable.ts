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

/** Calls `token(start, end)` for every maximal run of two or more word code points of `text`. */
export function scanWords(text: string, token: (start: number, end: number) => void): void {
  const n = text.length;
  let start = -1;
  let points = 0;
  for (let i = 0; i < n;) {
    let cp = text.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const word = cp < 128 ? bmp[cp] === 1 : isWordCodePoint(cp);
    if (word) {
      if (start < 0) {
        start = i;
        points = 0;
      }
      points++;
    } else if (start >= 0) {
      if (points >= 2) token(start, i);
      start = -1;
    }
    i += width;
  }
  if (start >= 0 && points >= 2) token(start, n);
}

/** Terms by id, found by their characters in a source string without slicing it. */
export class TermTable {
  readonly terms: string[] = [];
  private slots: Int32Array;
  private hashes: Int32Array;
  private mask: number;

  constructor(terms: readonly string[] = []) {
    let size = 1024;
    while (size < terms.length * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Int32Array(Math.max(16, terms.length));
    this.mask = size - 1;
    for (const t of terms) this.intern(t, 0, t.length);
  }

  get size(): number {
    return this.terms.length;
  }

  /** The id of `text[start, end)`, or -1. */
  find(text: string, start: number, end: number): number {
    const h = hashOf(text, start, end);
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = this.slots[s];
      if (id < 0) return -1;
      if (this.hashes[id] === h && same(this.terms[id], text, start, end)) return id;
    }
  }

  /** The id of `text[start, end)`, added when new. */
  intern(text: string, start: number, end: number): number {
    const h = hashOf(text, start, end);
    let s = h & this.mask;
    for (; ; s = (s + 1) & this.mask) {
      const id = this.slots[s];
      if (id < 0) break;
      if (this.hashes[id] === h && same(this.terms[id], text, start, end)) return id;
    }
    const id = this.terms.length;
    this.terms.push(start === 0 && end === text.length ? text : text.slice(start, end));
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[s] = id;
    if (this.terms.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.terms.length; id++) {
      let s = this.hashes[id] & this.mask;
      while (this.slots[s] >= 0) s = (s + 1) & this.mask;
      this.slots[s] = id;
    }
  }
}

function hashOf(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x7fffffff;
}

function same(term: string, text: string, start: number, end: number): boolean {
  if (term.length !== end - start) return false;
  for (let i = 0; i < term.length; i++) if (term.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
