import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** JSON with object keys sorted, so equal params always hash equal. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string;
}
const stampCache = new Map<string, FileStamp>();

/**
 * Hash of a folder's tree: every entry's relative path, size and mtime (contents are not read),
 * so adding, removing or editing a file anywhere below it changes the hash.
 */
async function folderListingHash(root: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const full = join(dir, e.name);
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        h.update(`d:${name}\n`);
        await walk(full, name);
      } else {
        const st = await stat(full).catch(() => undefined);
        h.update(`f:${name}:${st?.size ?? -1}:${st?.mtimeMs ?? -1}\n`);
      }
    }
  };
  await walk(root, '');
  return h.digest('hex');
}

/** Hash of a file's content, re-read only when size or mtime changed. */
export async function fileFingerprint(path: string): Promise<string> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return `missing:${path}`;
  }
  if (st.isDirectory()) return `dir:${await folderListingHash(path)}`;
  const known = stampCache.get(path);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.hash;
  const hash = await new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
  const value = `${st.size}:${hash}`;
  stampCache.set(path, { size: st.size, mtimeMs: st.mtimeMs, hash: value });
  return value;
}

/** A node's cache key: what it is, what it was given, and which engine computes it. */
export function nodeCacheKey(parts: {
  /** Weft's package version and the engine version (`ENGINE_VERSION`); another engine recomputes. */
  engine: string;
  type: string;
  version: number;
  params: unknown;
  fingerprints: string[];
  inputKeys: Record<string, string>;
}): string {
  return sha256(
    stableStringify({
      e: parts.engine,
      t: parts.type,
      v: parts.version,
      p: parts.params,
      f: parts.fingerprints,
      i: parts.inputKeys,
    }),
  );
}
