import type { TableValue } from '../../values';

/**
 * A content hash of a table (16 hex digits): equal tables hash equal. Names, types and strings go
 * through two FNV-1a-style streams; numeric columns' 32-bit words through four independent
 * multiply-xor-shift lanes (word i to lane i mod 4, so the lanes run in parallel), folded into the
 * streams per column.
 */
export function tableFingerprint(table: TableValue): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const mix = (b: number): void => {
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
  };
  const text = (s: string): void => {
    for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
    mix(0xffff);
  };
  for (const col of table.columns) {
    text(col.name);
    text(col.type);
    if (Array.isArray(col.values)) {
      for (const v of col.values)
        if (v === null) mix(0x1ffff);
        else text(v);
    } else {
      const v = col.values;
      const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      let a = h1;
      let b = h2;
      let c = h1 ^ 0x9e3779b9;
      let d = h2 ^ 0x85ebca6b;
      const whole = words.length & ~3;
      for (let i = 0; i < whole; i += 4) {
        a = Math.imul(a ^ words[i], 0x01000193) ^ (a >>> 15);
        b = Math.imul(b ^ words[i + 1], 0x5bd1e995) ^ (b >>> 15);
        c = Math.imul(c ^ words[i + 2], 0x01000193) ^ (c >>> 15);
        d = Math.imul(d ^ words[i + 3], 0x5bd1e995) ^ (d >>> 15);
      }
      for (let i = whole; i < words.length; i++) a = Math.imul(a ^ words[i], 0x01000193) ^ (a >>> 15);
      h1 = Math.imul(a ^ Math.imul(c, 0x27d4eb2d), 0x01000193) ^ (a >>> 15);
      h2 = Math.imul(b ^ Math.imul(d, 0x165667b1), 0x5bd1e995) ^ (b >>> 15);
      mix(v.length);
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
