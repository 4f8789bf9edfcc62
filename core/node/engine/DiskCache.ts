import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NodeSummary } from '../../common';
import type { ExecutorResult } from '../executors/Executor';
import { atomicWrite, isStaleTempFile } from './atomicWrite';
import { decodeEntry, encodeEntry } from './cacheCodec';

/** What the cache knows about a result besides its value: used to rank entries and report them. */
export interface EntryInfo {
  /** The node type that produced it. */
  type?: string;
  /** Milliseconds to recompute it: the node's own time plus that of inputs not on disk. */
  costMs?: number;
  /** The node is marked expensive (trained models): kept before anything else. */
  expensive?: boolean;
}

/** An entry's metadata, `<key>.json`: the summary and what the `.bin` must be to be trusted. */
interface EntryMeta extends EntryInfo {
  summary: NodeSummary | null;
  /** `value`: the result is in `<key>.bin`; `summary`: only the summary is kept, the value is recomputed on need. */
  kind: 'value' | 'summary';
  /** sha256 of `<key>.bin`, hex (value entries). */
  sha256: string;
  bytes: number;
}

function parseMeta(text: string): EntryMeta | undefined {
  try {
    const m = JSON.parse(text) as Partial<EntryMeta>;
    const info: EntryInfo = {
      ...(typeof m.type === 'string' ? { type: m.type } : {}),
      ...(typeof m.costMs === 'number' && m.costMs >= 0 ? { costMs: m.costMs } : {}),
      ...(m.expensive === true ? { expensive: true } : {}),
    };
    if (m.kind === 'summary') return { summary: m.summary ?? null, kind: 'summary', sha256: '', bytes: 0, ...info };
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) return undefined;
    if (typeof m.bytes !== 'number' || !Number.isInteger(m.bytes) || m.bytes < 0) return undefined;
    return { summary: m.summary ?? null, kind: 'value', sha256: m.sha256, bytes: m.bytes, ...info };
  } catch {
    return undefined;
  }
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Reads a whole file into a fresh ArrayBuffer (offset 0), so typed arrays can be views of it. */
async function readAligned(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await fh.close();
  }
}

/** What a probe finds: the summary, and whether the value itself is on disk. */
export interface CacheProbe extends EntryInfo {
  summary?: NodeSummary;
  value: boolean;
}

/** The cache's contents, for `weft cache info`. */
export interface CacheInfo {
  dir: string;
  /** Bytes of all entries (data and metadata). */
  bytes: number;
  /** Entries whose value is stored. */
  values: number;
  /** Entries that keep only a summary (cheap results, recomputed when needed). */
  summaries: number;
  byType: Record<string, { values: number; summaries: number; bytes: number }>;
  /** Modification times (ms since the epoch) of the oldest and newest entry. */
  oldest?: number;
  newest?: number;
}

export interface DiskCacheOptions {
  /** Entries are removed, least worth keeping first, past this size. @default 4 GiB */
  maxBytes?: number;
  /** Where the one-line warnings go (a corrupt entry recomputed, an unwritable folder). */
  warn?: (message: string) => void;
}

interface Listed extends EntryInfo {
  key: string;
  kind: 'value' | 'summary';
  bytes: number;
  mtime: number;
}

/**
 * Node results on disk: `<key>.bin` (the result: a v8-serialized skeleton plus its large typed
 * arrays as raw aligned bytes, see cacheCodec) and `<key>.json` (its summary, node type, cost to
 * recompute, and the sha256 and byte length of the `.bin`). A summary-only entry has no `.bin`.
 * Every read checks both; an entry that fails the check (flipped bytes, truncated, a `.bin` without
 * its `.json`) is deleted with one warning and counts as a miss, so the node is recomputed. Temp
 * files left by killed processes are swept on first use. A folder that cannot be written gives one
 * warning and the cache turns itself off.
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

  /**
   * The entry's metadata when its files are present and the `.bin` matches it; otherwise a miss.
   * `hash: false` leaves the sha256 to the caller, who reads the bytes anyway.
   */
  private async check(key: string, hash = true): Promise<EntryMeta | undefined> {
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
    if (metaText === undefined) return void (await this.discard(key, 'has no metadata file'));
    const meta = parseMeta(metaText);
    if (!meta) return void (await this.discard(key, 'has unreadable metadata'));
    if (meta.kind === 'summary') return meta;
    if (binSize === undefined) return void (await this.discard(key, 'has metadata but no data file'));
    if (meta.bytes !== binSize)
      return void (await this.discard(key, `is ${binSize} bytes, its metadata says ${meta.bytes} (truncated?)`));
    if (!hash) return meta;
    const sha = await hashFile(this.file(key, 'bin')).catch(() => '');
    if (sha !== meta.sha256) return void (await this.discard(key, 'does not match its sha256'));
    return meta;
  }

  /** Whether the value of `key` is stored (a summary-only entry does not count). */
  async has(key: string): Promise<boolean> {
    return (await this.check(key))?.kind === 'value';
  }

  async summary(key: string): Promise<NodeSummary | undefined> {
    return (await this.check(key))?.summary ?? undefined;
  }

  /** The entry's summary and info, and whether its value is stored; undefined on a miss. */
  async probe(key: string): Promise<CacheProbe | undefined> {
    const meta = await this.check(key);
    if (!meta) return undefined;
    const { summary, kind, sha256: _s, bytes: _b, ...info } = meta;
    return { ...info, value: kind === 'value', ...(summary ? { summary } : {}) };
  }

  async read(key: string): Promise<ExecutorResult | undefined> {
    const meta = await this.check(key, false);
    if (!meta || meta.kind !== 'value') return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await readAligned(this.file(key, 'bin'));
    } catch {
      return undefined;
    }
    if (bytes.length !== meta.bytes || createHash('sha256').update(bytes).digest('hex') !== meta.sha256) {
      await this.discard(key, 'does not match its sha256');
      return undefined;
    }
    try {
      return decodeEntry(bytes) as ExecutorResult;
    } catch {
      await this.discard(key, 'could not be decoded');
      return undefined;
    }
  }

  /** Stores a result; a folder that cannot be written turns the cache off with one warning. Returns the bytes written. */
  async write(key: string, value: ExecutorResult, info: EntryInfo = {}): Promise<number> {
    if (this.disabled) return 0;
    await this.sweep();
    const pieces = encodeEntry(value);
    const h = createHash('sha256');
    let bytes = 0;
    for (const p of pieces) {
      h.update(p);
      bytes += p.byteLength;
    }
    const meta: EntryMeta = { summary: value.summary ?? null, kind: 'value', sha256: h.digest('hex'), bytes, ...info };
    try {
      await mkdir(this.dir, { recursive: true });
      await atomicWrite(this.file(key, 'bin'), pieces);
      await atomicWrite(this.file(key, 'json'), JSON.stringify(meta));
      return bytes;
    } catch (e) {
      this.disabled = true;
      await rm(this.file(key, 'bin'), { force: true }).catch(() => {});
      this.warn(`cannot write the cache in ${this.dir} (${(e as Error).message}); going on without the disk cache`);
      return 0;
    }
  }

  /** Stores only a result's summary: the next run reports the node cached and recomputes its value only if needed. */
  async writeSummary(key: string, summary: NodeSummary | undefined, info: EntryInfo = {}): Promise<void> {
    if (this.disabled) return;
    await this.sweep();
    const meta: EntryMeta = { summary: summary ?? null, kind: 'summary', sha256: '', bytes: 0, ...info };
    try {
      await mkdir(this.dir, { recursive: true });
      await rm(this.file(key, 'bin'), { force: true });
      await atomicWrite(this.file(key, 'json'), JSON.stringify(meta));
    } catch (e) {
      this.disabled = true;
      this.warn(`cannot write the cache in ${this.dir} (${(e as Error).message}); going on without the disk cache`);
    }
  }

  private async list(): Promise<Listed[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: Listed[] = [];
    for (const n of names) {
      if (!n.endsWith('.json') || n.startsWith('.')) continue;
      const key = n.slice(0, -5);
      try {
        const st = await stat(path.join(this.dir, n));
        const meta = parseMeta(await readFile(path.join(this.dir, n), 'utf8'));
        const bin = await stat(this.file(key, 'bin')).catch(() => undefined);
        const { summary: _s, sha256: _h, bytes: _b, kind, ...info } = meta ?? { kind: 'value' as const };
        out.push({
          key,
          kind,
          bytes: st.size + (bin?.size ?? 0),
          mtime: Math.max(st.mtimeMs, bin?.mtimeMs ?? 0),
          ...info,
        });
      } catch {
        /* removed meanwhile */
      }
    }
    for (const n of names) {
      if (!n.endsWith('.bin') || n.startsWith('.') || out.some((e) => e.key === n.slice(0, -4))) continue;
      const st = await stat(path.join(this.dir, n)).catch(() => undefined);
      if (st) out.push({ key: n.slice(0, -4), kind: 'value', bytes: st.size, mtime: st.mtimeMs });
    }
    return out;
  }

  /** Size and contents: entry counts, bytes by node type, oldest and newest entry. */
  async info(): Promise<CacheInfo> {
    const entries = await this.list();
    const info: CacheInfo = { dir: this.dir, bytes: 0, values: 0, summaries: 0, byType: {} };
    for (const e of entries) {
      info.bytes += e.bytes;
      const t = (info.byType[e.type ?? '(unknown)'] ??= { values: 0, summaries: 0, bytes: 0 });
      t.bytes += e.bytes;
      if (e.kind === 'value') {
        info.values++;
        t.values++;
      } else {
        info.summaries++;
        t.summaries++;
      }
      info.oldest = Math.min(info.oldest ?? e.mtime, e.mtime);
      info.newest = Math.max(info.newest ?? e.mtime, e.mtime);
    }
    return info;
  }

  /** Removes every entry (and stale temp files); returns how many entries and bytes went. */
  async clear(): Promise<{ entries: number; bytes: number }> {
    const entries = await this.list();
    for (const e of entries) {
      await rm(this.file(e.key, 'bin'), { force: true });
      await rm(this.file(e.key, 'json'), { force: true });
    }
    this.swept = undefined;
    await this.sweep();
    return { entries: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0) };
  }

  /**
   * Removes entries until the cache fits `maxBytes`, least worth keeping first: entries of nodes
   * marked expensive go last; the others rank by recompute time per byte, discounted by age (a day
   * old counts half).
   */
  async prune(now = Date.now()): Promise<void> {
    if (this.disabled) return;
    const live = await this.list();
    let total = live.reduce((s, e) => s + e.bytes, 0);
    if (total <= this.maxBytes) return;
    const day = 24 * 3600 * 1000;
    const worth = (e: Listed): number =>
      (e.costMs ?? 0) / Math.max(e.bytes, 4096) / (1 + Math.max(0, now - e.mtime) / day);
    const ranked = live
      .map((e) => ({ e, x: e.expensive ? 1 : 0, w: worth(e) }))
      .sort((a, b) => a.x - b.x || a.w - b.w || a.e.mtime - b.e.mtime);
    for (const { e } of ranked) {
      if (total <= this.maxBytes) break;
      await rm(this.file(e.key, 'bin'), { force: true });
      await rm(this.file(e.key, 'json'), { force: true });
      total -= e.bytes;
    }
  }
}
