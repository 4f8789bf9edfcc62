import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError, specialKind } from '../data/openInput';
import { InputError } from '../executors/Executor';

/** The most entries a folder fingerprint walks before refusing the folder (a path of `/` must not walk the disk). */
export const MAX_FOLDER_ENTRIES = 200_000;

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
async function folderListingHash(root: string, maxEntries: number): Promise<string> {
  const h = createHash('sha256');
  let seen = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    let listed;
    try {
      listed = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw fileError(dir, e);
    }
    seen += listed.length;
    if (seen > maxEntries)
      throw new InputError(
        `${root}: more than ${maxEntries} files and folders below it; point the node at the folder that holds the data`,
      );
    const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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

/**
 * Hash of a file's content, re-read only when size or mtime changed; a folder's listing hash. Only
 * regular files are read: devices, FIFOs and sockets are refused by name, so /dev/zero cannot hang a run.
 */
export async function fileFingerprint(path: string, maxEntries = MAX_FOLDER_ENTRIES): Promise<string> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return `missing:${path}`;
    throw fileError(path, e);
  }
  if (st.isDirectory()) return `dir:${await folderListingHash(path, maxEntries)}`;
  const special = specialKind(st);
  if (special) throw new InputError(`${path}: is ${special}, expected a regular file`);
  const known = stampCache.get(path);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.hash;
  const hash = await new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', (e) => reject(fileError(path, e)))
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
