import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { NodeSummary } from '../../common';
import type { ExecutorResult } from '../executors/Executor';
import { atomicWrite } from './atomicWrite';

/**
 * Node results on disk: `<key>.bin` (v8.serialize of the result) and `<key>.json` (its summary,
 * so a cache hit can be reported without reading the value).
 */
export class DiskCache {
  constructor(
    readonly dir: string,
    /** Oldest entries are removed past this size. @default 4 GiB */
    private readonly maxBytes = 4 * 1024 ** 3,
  ) {}

  private file(key: string, ext: 'bin' | 'json'): string {
    return path.join(this.dir, `${key}.${ext}`);
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.file(key, 'bin'));
      return true;
    } catch {
      return false;
    }
  }

  async summary(key: string): Promise<NodeSummary | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.file(key, 'json'), 'utf8')) as { summary?: NodeSummary };
      return parsed.summary;
    } catch {
      return undefined;
    }
  }

  async read(key: string): Promise<ExecutorResult | undefined> {
    try {
      return deserialize(await readFile(this.file(key, 'bin'))) as ExecutorResult;
    } catch {
      return undefined;
    }
  }

  async write(key: string, value: ExecutorResult): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await atomicWrite(this.file(key, 'bin'), serialize(value));
    await atomicWrite(this.file(key, 'json'), JSON.stringify({ summary: value.summary ?? null }));
  }

  /** Removes the least recently written entries until the cache fits `maxBytes`. */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.bin'));
    } catch {
      return;
    }
    const entries = await Promise.all(
      names.map(async (n) => {
        try {
          const st = await stat(path.join(this.dir, n));
          return { key: n.slice(0, -4), size: st.size, mtime: st.mtimeMs };
        } catch {
          return null;
        }
      }),
    );
    const live = entries.filter((e): e is { key: string; size: number; mtime: number } => e !== null);
    let total = live.reduce((s, e) => s + e.size, 0);
    for (const e of live.sort((a, b) => a.mtime - b.mtime)) {
      if (total <= this.maxBytes) break;
      await rm(this.file(e.key, 'bin'), { force: true });
      await rm(this.file(e.key, 'json'), { force: true });
      total -= e.size;
    }
  }
}
