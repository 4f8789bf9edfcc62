import type { PushEffect } from './columnBuilder';

/** Longest field kept; longer ones are decoded each time. */
const MAX_KEY = 256;
/** Longest field keyed by its bytes packed into two integers instead of by the pool. */
const MAX_SHORT = 6;
const MAX_ENTRIES = 1 << 16;
const MAX_POOL = 8 << 20;
/** Lookups per check of the hit rate. */
const WINDOW = 4096;

/**
 * One column's memory of what adding a field did, keyed by the field's bytes in the file, so
 * that a repeated category, flag or missing marker is added without decoding it or hashing a
 * string again. Turns itself off for columns whose values seldom repeat.
 */
export class ByteDict {
  private table = new Int32Array(1024);
  private keyStart = new Int32Array(256);
  private keyLength = new Int32Array(256);
  /** Open-addressed entries of keys of at most `MAX_SHORT` bytes, compared by `keyLo`/`keyHi`. */
  private short = new Int32Array(64);
  private shortCount = 0;
  private keyLo = new Int32Array(256);
  private keyHi = new Int32Array(256);
  private lo = 0;
  private hi = 0;
  private effects: (PushEffect | null)[] = [];
  private pool = new Uint8Array(4096);
  private used = 0;
  private count = 0;
  private lookups = 0;
  private misses = 0;
  /** Where the last `lookup` found its key (entry index), or -1. */
  private found = -1;
  /** The free table slot the last `lookup` ended on. */
  private slot = 0;
  /** False once the column's values proved too varied for the memory to pay. */
  on = true;

  /** The effect recorded for the bytes `buf[s, e)`; null when there is none or it no longer applies. */
  lookup(buf: Uint8Array, s: number, e: number): PushEffect | null {
    this.found = -1;
    const n = e - s;
    if (n <= MAX_SHORT) return this.lookupShort(buf, s, n);
    if (n > MAX_KEY) return this.miss();
    let h = n ^ 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 16777619);
    h ^= h >>> 15;
    const table = this.table;
    const mask = table.length - 1;
    const pool = this.pool;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[slot] - 1;
      if (k < 0) {
        this.slot = slot;
        return this.miss();
      }
      if (this.keyLength[k] !== n) continue;
      const at = this.keyStart[k] - s;
      let i = s;
      while (i < e && pool[at + i] === buf[i]) i++;
      if (i === e) {
        this.found = k;
        const effect = this.effects[k];
        if (effect === null) return this.miss();
        this.lookups++;
        return effect;
      }
    }
  }

  /** `lookup` of a key of at most `MAX_SHORT` bytes: its bytes and length packed into `lo` and `hi`. */
  private lookupShort(buf: Uint8Array, s: number, n: number): PushEffect | null {
    let lo = 0;
    let hi = n;
    for (let i = 0; i < n; i++) {
      if (i < 4) lo |= buf[s + i] << (8 * i);
      else hi |= buf[s + i] << (8 * (i - 3));
    }
    this.lo = lo;
    this.hi = hi;
    let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 16;
    const short = this.short;
    const mask = short.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = short[slot] - 1;
      if (k < 0) {
        this.slot = slot;
        return this.miss();
      }
      if (this.keyLo[k] === lo && this.keyHi[k] === hi) {
        this.found = k;
        const effect = this.effects[k];
        if (effect === null) return this.miss();
        this.lookups++;
        return effect;
      }
    }
  }

  private miss(): null {
    this.misses++;
    if (++this.lookups === WINDOW) {
      if (this.misses * 2 > WINDOW) this.on = false;
      this.lookups = this.misses = 0;
    }
    return null;
  }

  /** Records `effect` for the bytes of the last `lookup`, which are `buf[s, e)`. */
  remember(buf: Uint8Array, s: number, e: number, effect: PushEffect | null): void {
    if (this.found >= 0) {
      this.effects[this.found] = effect;
      return;
    }
    const n = e - s;
    if (effect === null || n > MAX_KEY || this.count === MAX_ENTRIES) return;
    if (n <= MAX_SHORT) {
      const k = this.add(n, 0);
      this.keyLo[k] = this.lo;
      this.keyHi[k] = this.hi;
      this.effects.push(effect);
      this.short[this.slot] = k + 1;
      if (++this.shortCount * 2 > this.short.length) this.rehashShort();
      return;
    }
    if (this.used + n > MAX_POOL) return;
    if (this.used + n > this.pool.length) {
      const grown = new Uint8Array(Math.max(2 * this.pool.length, this.used + n));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    this.pool.set(buf.subarray(s, e), this.used);
    const k = this.add(n, this.used);
    this.effects.push(effect);
    this.used += n;
    this.table[this.slot] = k + 1;
    if ((this.count - this.shortCount) * 2 > this.table.length) this.rehash();
  }

  /** A new entry's index, with its length and pool start set. */
  private add(n: number, start: number): number {
    const k = this.count++;
    if (k === this.keyStart.length) {
      const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(2 * k);
        b.set(a);
        return b;
      };
      this.keyStart = grow(this.keyStart);
      this.keyLength = grow(this.keyLength);
      this.keyLo = grow(this.keyLo);
      this.keyHi = grow(this.keyHi);
    }
    this.keyStart[k] = start;
    this.keyLength[k] = n;
    return k;
  }

  private rehashShort(): void {
    const short = new Int32Array(this.short.length * 2);
    const mask = short.length - 1;
    for (let k = 0; k < this.count; k++) {
      if (this.keyLength[k] > MAX_SHORT) continue;
      let h = Math.imul(this.keyLo[k] ^ Math.imul(this.keyHi[k], 0x85ebca6b), 0x9e3779b1);
      h ^= h >>> 16;
      let slot = h & mask;
      while (short[slot] !== 0) slot = (slot + 1) & mask;
      short[slot] = k + 1;
    }
    this.short = short;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let k = 0; k < this.count; k++) {
      if (this.keyLength[k] <= MAX_SHORT) continue;
      const s = this.keyStart[k];
      const e = s + this.keyLength[k];
      let h = (e - s) ^ 0x811c9dc5;
      for (let i = s; i < e; i++) h = Math.imul(h ^ this.pool[i], 16777619);
      h ^= h >>> 15;
      let slot = h & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = k + 1;
    }
    this.table = table;
  }
}
