import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteDict } from '../../../../../core/node/data/byteDict';
import type { PushEffect } from '../../../../../core/node/data/columnBuilder';

const effect = (num: number): PushEffect => ({
  mode: 1,
  str: null,
  num,
  missing: 0,
  textMissing: 0,
  numeric: 1,
  nonNumeric: 0,
});

describe('ByteDict', () => {
  it('finds what was remembered for exactly the same bytes, as a Map of the byte strings does', () => {
    // short keys (packed) and long ones (pooled), with NUL and high bytes, many enough to rehash both tables
    const key = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 10 }).map((a) => a.map((b) => [0, 1, 97, 255][b & 3])),
      // keys that differ only in a late byte, so that probes meet keys with the same start
      fc.uint8Array({ minLength: 4, maxLength: 8 }).map((a) => a.map((b, i) => (i < 3 ? 97 : [0, 97][b & 1]))),
    );
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 1500 }), (keys) => {
        const dict = new ByteDict();
        const oracle = new Map<string, number>();
        keys.forEach((k, i) => {
          // the key sits at an offset inside a larger buffer, as a field does in a line
          const buf = Buffer.concat([Buffer.from([7, 7]), k, Buffer.from([9])]);
          const id = Buffer.from(k).toString('hex');
          const got = dict.lookup(buf, 2, 2 + k.length);
          const want = oracle.get(id);
          expect(got?.num).toBe(want);
          if (got === null) {
            dict.remember(buf, 2, 2 + k.length, effect(i));
            oracle.set(id, i);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('tells apart every key of up to 9 bytes over two byte values, twice over', () => {
    const dict = new ByteDict();
    const keys: Buffer[] = [];
    for (let n = 0; n <= 9; n++)
      for (let bits = 0; bits < 1 << n; bits++)
        keys.push(Buffer.from(Array.from({ length: n }, (_, i) => ((bits >> i) & 1 ? 97 : 0))));
    keys.forEach((k, i) => {
      expect(dict.lookup(k, 0, k.length)).toBeNull();
      dict.remember(k, 0, k.length, effect(i));
    });
    keys.forEach((k, i) => expect(dict.lookup(k, 0, k.length)?.num).toBe(i));
  });
});
