import { isUtf8 } from 'node:buffer';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { seededRandom, shuffleInPlace } from '../../common/nodes/prep/random';
import type { TextParams } from '../../common/nodes/data/text';
import { throwIfAborted, UserError } from '../executors/Executor';
import { fileError } from './openInput';

/** A text folder read into documents. */
export interface TextFolder {
  folder: string;
  texts: string[];
  /** Class index of each document. */
  y: Int32Array;
  classNames: string[];
  /** Path of each document relative to the folder. */
  files: string[];
  /** Files read as Latin-1, binary files skipped, empty documents left out, unusable JSON skipped. */
  latin1: string[];
  binary: string[];
  empty: string[];
  badJson: string[];
  /** Subfolders left out because `classes` does not list them. */
  unlisted: string[];
  warnings: string[];
}

const BATCH = 32;

/** Windows-1252's characters for bytes 0x80–0x9f (its five undefined bytes map to the C1 controls, as in WHATWG). */
const CP1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
];

/** Windows-1252 text of `buf` (Latin-1 with the 0x80–0x9f punctuation: – — ‘ ’ “ ” € …). */
export function decodeWindows1252(buf: Buffer): string {
  const codes = new Uint16Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    codes[i] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b;
  }
  return new TextDecoder('utf-16le').decode(codes);
}

/** UTF-16 text after a byte-order mark (FF FE little-endian, FE FF big-endian), or undefined. */
function decodeUtf16(buf: Buffer): string | undefined {
  const le = buf[0] === 0xff && buf[1] === 0xfe;
  if (!(le || (buf[0] === 0xfe && buf[1] === 0xff)) || buf.length % 2) return undefined;
  try {
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(buf);
  } catch {
    return undefined;
  }
}

/**
 * Text of a file's bytes: UTF-16 with a byte-order mark (as Windows Notepad saves "Unicode"), UTF-8
 * (BOM dropped) when valid, else Latin-1 (Windows-1252); undefined for binary (a NUL byte).
 */
export function decodeDocument(buf: Buffer): { text: string; latin1: boolean } | undefined {
  const utf16 = decodeUtf16(buf);
  if (utf16 !== undefined) return { text: utf16, latin1: false };
  if (buf.includes(0)) return undefined;
  if (isUtf8(buf)) {
    const text = buf.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, latin1: false };
  }
  return { text: decodeWindows1252(buf), latin1: true };
}

function sample<T>(items: T[], k: number, seed: number): T[] {
  if (k <= 0 || items.length <= k) return items;
  const order = shuffleInPlace(
    items.map((_, i) => i),
    seededRandom(seed),
  );
  return order
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

function summarise(what: string, list: string[]): string | undefined {
  if (!list.length) return undefined;
  const eg = list.slice(0, 3).join(', ');
  return `${list.length} ${what} (e.g. ${eg}${list.length > 3 ? ', …' : ''})`;
}

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw fileError(dir, e, 'read');
  }
}

/** Reads one document per file from the class subfolders of `folder`. */
export async function readTextFolder(
  folder: string,
  p: Pick<TextParams, 'format' | 'classes' | 'maxPerClass' | 'seed'>,
  hooks: { signal: AbortSignal; progress: (f: number, m?: string) => void },
): Promise<TextFolder> {
  const ext = `.${p.format}`;
  const listed = Object.keys(p.classes);
  const subdirs = (await listDir(folder))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const unlisted = listed.length ? subdirs.filter((d) => !(d in p.classes)) : [];
  const missing = listed.filter((d) => !subdirs.includes(d));
  if (missing.length)
    throw new UserError(
      `${folder}: classes names subfolders that do not exist: ${missing.join(', ')}; subfolders are ${subdirs.join(', ') || 'none'}`,
    );
  const used = subdirs.filter((d) => !unlisted.includes(d));
  const classOf = (d: string): string => (listed.length ? p.classes[d] : d);
  const classNames = [...new Set(used.map(classOf))].sort();
  const byClass = new Map<string, string[]>(classNames.map((c) => [c, []]));
  let others = 0;
  for (const d of used) {
    for (const f of (await listDir(path.join(folder, d))).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!f.isFile()) continue;
      if (f.name.toLowerCase().endsWith(ext)) byClass.get(classOf(d))!.push(`${d}/${f.name}`);
      else others++;
    }
  }
  const chosen = classNames.flatMap((c) => sample(byClass.get(c)!, p.maxPerClass, p.seed).map((f) => ({ f, c })));
  if (!chosen.length) {
    const other = p.format === 'txt' ? 'json' : 'txt';
    throw new UserError(
      `${folder}: no ${ext} files in its class subfolders (${used.join(', ') || 'there are none'})` +
        (others ? `; ${others} other files are there (for .${other} files set format ${other})` : ''),
    );
  }
  const out: TextFolder = {
    folder,
    texts: [],
    y: new Int32Array(0),
    classNames,
    files: [],
    latin1: [],
    binary: [],
    empty: [],
    badJson: [],
    unlisted,
    warnings: [],
  };
  const labels: number[] = [];
  const index = new Map(classNames.map((c, k) => [c, k]));
  for (let start = 0; start < chosen.length; start += BATCH) {
    throwIfAborted(hooks.signal);
    const batch = chosen.slice(start, start + BATCH);
    const bufs = await Promise.all(
      batch.map(({ f }) =>
        readFile(path.join(folder, f)).catch((e: unknown) => {
          throw fileError(path.join(folder, f), e, 'read');
        }),
      ),
    );
    batch.forEach(({ f, c }, k) => {
      const doc = decodeDocument(bufs[k]);
      if (!doc) return void out.binary.push(f);
      let text = doc.text;
      if (p.format === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const field = (parsed as { text?: unknown } | undefined)?.text;
        if (typeof field !== 'string') return void out.badJson.push(f);
        text = field;
      }
      if (doc.latin1) out.latin1.push(f);
      if (!text.trim()) return void out.empty.push(f);
      out.texts.push(text);
      out.files.push(f);
      labels.push(index.get(c)!);
    });
    hooks.progress(Math.min(1, (start + batch.length) / chosen.length), `${start + batch.length} files`);
  }
  out.y = Int32Array.from(labels);
  out.warnings = [
    summarise('files were not valid UTF-8 and were read as Latin-1 (Windows-1252)', out.latin1),
    summarise('binary files were skipped', out.binary),
    summarise('empty documents were left out', out.empty),
    summarise('.json files without a "text" string were skipped', out.badJson),
  ].filter((w): w is string => w !== undefined);
  return out;
}
