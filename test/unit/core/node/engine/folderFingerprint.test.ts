import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileFingerprint } from '../../../../../core/node/engine/cacheKey';

describe('folder fingerprints (image folders in cache keys)', () => {
  it('change when a file below the folder is added or edited, and only then', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'weft-fp-'));
    mkdirSync(path.join(root, 'cat'));
    const img = path.join(root, 'cat', '1.png');
    writeFileSync(img, 'a');
    const first = await fileFingerprint(root);
    expect(await fileFingerprint(root)).toBe(first);
    writeFileSync(img, 'bb');
    const edited = await fileFingerprint(root);
    expect(edited).not.toBe(first);
    utimesSync(img, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = await fileFingerprint(root);
    expect(touched).not.toBe(edited);
    writeFileSync(path.join(root, 'cat', '2.png'), 'c');
    expect(await fileFingerprint(root)).not.toBe(touched);
  });
});
