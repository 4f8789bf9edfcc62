import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { NodeSummary } from '../../common';
import type { ExecutorResult } from '../executors/Executor';
import { atomicWrite, isStaleTempFile } from './atomicWrite';

/** An entry's metadata, `<key>.json`: the summary and what the `.bin` must be to be trusted. */
interface EntryMeta {
  summary: NodeSummary | null;
  /** sha256 of `<key>.bin`, hex. */
  sha256: string;
  bytes: number;
}

function parseMeta(text: string): EntryMeta | undefined {
  try {
    const m = JSON.parse(text) as Partial<EntryMeta>;
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) return undefined;
    if (typeof m.bytes !== 'number' || !Number.isInteger(m.bytes) || m.bytes < 0) return undefined;
    return { summary: m.summary ?? null, sha256: m.sha256, bytes: m.bytes };
  } catch {
    return undefined;
  }
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface DiskCacheOptions {
  /** Oldest entries are removed past this size. @default 4 GiB */
  maxBytes?: number;
  /** Where the one-line warnings go (a corrupt entry recomputed, an unwritable folder). */
  warn?: (message: string) => void;
}

/**
 * Node results on disk: `<key>.bin` (v8.serialize of the result) and `<key>.json` (its summary plus
 * the sha256 and byte length of the `.bin`). Every read checks both; an entry that fails the check
 * (flipped bytes, truncated, a `.bin` without its `.json`) is deleted with one warning and counts as
 * a miss, so the node is recomputed. Temp files left by killed processes are swept on first use. A
 * folder that cannot be written gives one warning and the cache turns itself off.
 */
export class DiskCache {
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private swept: Promise<void> | undefined;
  private disabled = false;

  constructor(
    readonly dir: string,
    opts: DiskCacheOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? 4 * 1024 ** 3;
    this.warn = opts.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
  }

  private file(key: string, ext: 'bin' | 'json'): string {
    return path.join(this.dir, `${key}.${ext}`);
  }

  /** Removes temp files that no live process is writing (sweeps once per cache object). */
  private sweep(): Promise<void> {
    this.swept ??= (async () => {
      let names: string[];
      try {
        names = await readdir(this.dir);
      } catch {
        return;
      }
      for (const n of names) if (isStaleTempFile(n)) await rm(path.join(this.dir, n), { force: true }).catch(() => {});
    })();
    return this.swept;
  }

  private async discard(key: string, why: string): Promise<void> {
    this.warn(`cache entry ${key.slice(0, 12)}… in ${this.dir} ${why}; deleted it and recomputing`);
    await rm(this.file(key, 'bin'), { force: true }).catch(() => {});
    await rm(this.file(key, 'json'), { force: true }).catch(() => {});
  }

  /** The entry's metadata when both files are present and the `.bin` matches it; otherwise a miss. */
  private async check(key: string): Promise<EntryMeta | undefined> {
    if (this.disabled) return undefined;
    await this.sweep();
    const binSize = await stat(this.file(key, 'bin')).then(
      (s) => s.size,
      () => undefined,
    );
    let metaText: string | undefined;
    try {
      metaText = await readFile(this.file(key, 'json'), 'utf8');
    } catch {
      metaText = undefined;
    }
    if (binSize === undefined && metaText === undefined) return undefined;
    if (binSize === undefined) return void (await this.discard(key, 'has metadata but no data file'));
    if (metaText === undefined) return void (await this.discard(key, 'has no metadata file'));
    const meta = parseMeta(metaText);
    if (!meta) return void (await this.discard(key, 'has unreadable metadata'));
    if (meta.bytes !== binSize)
      return void (await this.discard(key, `is ${binSize} bytes, its metadata says ${meta.bytes} (truncated?)`));
    const hash = await hashFile(this.file(key, 'bin')).catch(() => '');
    if (hash !== meta.sha256) return void (await this.discard(key, 'does not match its sha256'));
    return meta;
  }

  async has(key: string): Promise<boolean> {
    return (await this.check(key)) !== undefined;
  }

  async summary(key: string): Promise<NodeSummary | undefined> {
    return (await this.check(key))?.summary ?? undefined;
  }

  async read(key: string): Promise<ExecutorResult | undefined> {
    const meta = await this.check(key);
    if (!meta) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file(key, 'bin'));
    } catch {
      return undefined;
    }
    if (bytes.length !== meta.bytes || createHash('sha256').update(bytes).digest('hex') !== meta.sha256) {
      await this.discard(key, 'changed while it was read');
      return undefined;
    }
    try {
      return deserialize(bytes) as ExecutorResult;
    } catch {
      await this.discard(key, 'could not be decoded');
      return undefined;
    }
  }

  /** Stores a result; a folder that cannot be written turns the cache off with one warning. */
  async write(key: string, value: ExecutorResult): Promise<void> {
    if (this.disabled) return;
    await this.sweep();
    const bytes = serialize(value);
    const meta: EntryMeta = {
      summary: value.summary ?? null,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    };
    try {
      await mkdir(this.dir, { recursive: true });
      await atomicWrite(this.file(key, 'bin'), bytes);
      await atomicWrite(this.file(key, 'json'), JSON.stringify(meta));
    } catch (e) {
      this.disabled = true;
      await rm(this.file(key, 'bin'), { force: true }).catch(() => {});
      this.warn(`cannot write the cache in ${this.dir} (${(e as Error).message}); going on without the disk cache`);
    }
  }

  /** Removes the least recently written entries until the cache fits `maxBytes`. */
  async prune(): Promise<void> {
    if (this.disabled) return;
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
