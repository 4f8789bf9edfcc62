import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../../../../core/common';
import { atomicWrite } from '../../../../../core/node/engine/atomicWrite';
import { loadPipelineFile, savePipelineFile } from '../../../../../core/node/loadPipeline';

describe('atomic writes', () => {
  it('readers see a whole old or a whole new file while writers race, and no temp files stay', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'weft-atomic-'));
    const file = path.join(dir, 'p.weft.json');
    const payload = (i: number): string => JSON.stringify({ i, fill: String(i).repeat(200_000) });
    await writeFile(file, payload(0));
    const seen = new Set<number>();
    let done = false;
    const reader = (async () => {
      while (!done) {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as { i: number; fill: string };
        expect(parsed.fill).toBe(String(parsed.i).repeat(200_000));
        seen.add(parsed.i);
      }
    })();
    await Promise.all(Array.from({ length: 12 }, (_, i) => atomicWrite(file, payload(i + 1))));
    done = true;
    await reader;
    expect(seen.size).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saves and loads a pipeline document', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'weft-atomic-'));
    const file = path.join(dir, 'sub', 'p.weft.json');
    const doc = emptyDocument('round trip');
    await savePipelineFile(file, doc);
    const loaded = await loadPipelineFile(file);
    expect(loaded.document).toEqual(doc);
  });
});
