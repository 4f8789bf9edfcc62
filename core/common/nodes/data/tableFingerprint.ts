import { shuffledSource } from '../../shuffledColumns';
import type { TableValue } from '../../values';

/**
 * A content hash of a table (16 hex digits): equal tables hash equal. Names, types and strings go
 * through two FNV-1a-style streams; numeric columns' 32-bit words through four independent
 * multiply-xor-shift lanes (word i to lane i mod 4, so the lanes run in parallel), folded into the
 * streams per column. A shuffled column (`shuffledSource`) is hashed through its permutation, to the
 * same value as its gathered copy, without gathering it.
 */
export function tableFingerprint(table: TableValue): string {
  // the two streams live in locals (a closure over them would keep them in a heap context per step)
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const state = [0, 0];
  const text = (s: string): void => {
    state[0] = h1;
    state[1] = h2;
    hashText(state, s);
    h1 = state[0];
    h2 = state[1];
  };
  for (const col of table.columns) {
    text(col.name);
    text(col.type);
    const src = shuffledSource(col);
    const values = src ? src.base.values : col.values;
    const rows = src?.order;
    if (Array.isArray(values)) {
      state[0] = h1;
      state[1] = h2;
      hashStrings(state, values, rows);
      h1 = state[0];
      h2 = state[1];
    } else {
      const v = values;
      const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      const n = rows ? rows.length : v.length;
      let a = h1;
      let b = h2;
      let c = h1 ^ 0x9e3779b9;
      let d = h2 ^ 0x85ebca6b;
      // value k's two words are words 2k and 2k + 1 of the column; four words (two values) a round
      const pairs = n >> 1;
      if (rows)
        for (let m = 0; m < pairs; m++) {
          const p = rows[2 * m] * 2;
          const q = rows[2 * m + 1] * 2;
          a = Math.imul(a ^ words[p], 0x01000193) ^ (a >>> 15);
          b = Math.imul(b ^ words[p + 1], 0x5bd1e995) ^ (b >>> 15);
          c = Math.imul(c ^ words[q], 0x01000193) ^ (c >>> 15);
          d = Math.imul(d ^ words[q + 1], 0x5bd1e995) ^ (d >>> 15);
        }
      else
        for (let i = 0; i < 4 * pairs; i += 4) {
          a = Math.imul(a ^ words[i], 0x01000193) ^ (a >>> 15);
          b = Math.imul(b ^ words[i + 1], 0x5bd1e995) ^ (b >>> 15);
          c = Math.imul(c ^ words[i + 2], 0x01000193) ^ (c >>> 15);
          d = Math.imul(d ^ words[i + 3], 0x5bd1e995) ^ (d >>> 15);
        }
      if (n & 1) {
        const p = (rows ? rows[n - 1] : n - 1) * 2;
        a = Math.imul(a ^ words[p], 0x01000193) ^ (a >>> 15);
        a = Math.imul(a ^ words[p + 1], 0x01000193) ^ (a >>> 15);
      }
      h1 = Math.imul(a ^ Math.imul(c, 0x27d4eb2d), 0x01000193) ^ (a >>> 15);
      h2 = Math.imul(b ^ Math.imul(d, 0x165667b1), 0x5bd1e995) ^ (b >>> 15);
      h1 = Math.imul(h1 ^ n, 0x01000193);
      h2 = Math.imul(h2 ^ n, 0x5bd1e995) ^ (h2 >>> 15);
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Both streams through a string's UTF-16 units, then the 0xffff terminator. */
function hashText(state: number[], s: string): void {
  let h1 = state[0];
  let h2 = state[1];
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 = Math.imul(h1 ^ 0xffff, 0x01000193);
  h2 = Math.imul(h2 ^ 0xffff, 0x5bd1e995) ^ (h2 >>> 15);
  state[0] = h1;
  state[1] = h2;
}

/** Both streams through a string column (its rows `rows`, in that order, when given): each value's text, or 0x1ffff for a missing one. */
function hashStrings(state: number[], values: readonly (string | null)[], rows?: Int32Array): void {
  const n = rows ? rows.length : values.length;
  for (let k = 0; k < n; k++) {
    const v = values[rows ? rows[k] : k];
    if (v !== null && v !== undefined) {
      hashText(state, v);
      continue;
    }
    state[0] = Math.imul(state[0] ^ 0x1ffff, 0x01000193);
    state[1] = Math.imul(state[1] ^ 0x1ffff, 0x5bd1e995) ^ (state[1] >>> 15);
  }
}
