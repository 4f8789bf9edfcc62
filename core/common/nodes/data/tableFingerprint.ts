import type { TableValue } from '../../values';

/** A content hash of a table (two FNV-1a streams, 16 hex digits): equal tables hash equal. */
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
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        a = Math.imul(a ^ w, 0x01000193);
        b = Math.imul(b ^ w, 0x5bd1e995) ^ (b >>> 15);
      }
      h1 = a;
      h2 = b;
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
