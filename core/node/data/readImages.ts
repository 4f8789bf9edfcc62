import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { default as Sharp } from 'sharp';
import type { ImageSample } from '../../common';
import { IMAGE_EXTENSIONS, type ImagesParams } from '../../common/nodes/data/images';
import { throwIfAborted, UserError } from '../executors/Executor';
import { fileError } from './openInput';
import type { ReadHooks } from './readCsv';

export type ImageDecodeOptions = Pick<ImagesParams, 'width' | 'height' | 'color' | 'fit' | 'memoryBudgetMB'>;

/** An image folder decoded to NCHW float32 in [0, 1], one class per subfolder. */
export interface ImageFolder {
  folder: string;
  /** `n × C × H × W`. */
  x: Float32Array;
  /** Class index of each sample. */
  y: Int32Array;
  classNames: string[];
  featureShape: [number, number, number];
  /** The decoded files, relative to the folder, in sample order. */
  files: string[];
  /** Files that could not be decoded (relative paths), skipped. */
  corrupt: string[];
  warnings: string[];
  /**
   * Set when the tensors (`bytes` as float32) exceed the memory budget: `x` is empty and nothing
   * was decoded; `corrupt` then lists the files whose headers sharp could not read.
   */
  lazy?: Omit<ImageDecodeOptions, 'memoryBudgetMB'>;
  bytes?: number;
}

const LAYOUT = 'expected one subfolder per class holding its images, e.g. <folder>/cat/1.png and <folder>/dog/1.jpg';
const CONCURRENCY = 8;
const isImage = (name: string): boolean =>
  (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Names a few files and counts the rest, for warnings. */
export function listSome(names: readonly string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${dir}: no such folder; ${LAYOUT}`);
    if (code === 'ENOTDIR') throw new UserError(`${dir}: is a file, not a folder; ${LAYOUT}`);
    throw fileError(dir, e);
  }
}

/** The class folders and their image files (sorted, hidden entries skipped), before decoding. */
export async function scanImageFolder(
  folder: string,
): Promise<{ classes: { name: string; files: string[] }[]; warnings: string[] }> {
  const entries = (await listDir(folder)).filter((e) => !e.name.startsWith('.'));
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(byName);
  if (dirs.length === 0) {
    const loose = entries.filter((e) => e.isFile() && isImage(e.name)).length;
    throw new UserError(
      `${folder}: no class subfolders${loose ? ` (${loose} images lie directly in it)` : ''}; ${LAYOUT}`,
    );
  }
  const warnings: string[] = [];
  const classes: { name: string; files: string[] }[] = [];
  const empty: string[] = [];
  let ignored = 0;
  for (const name of dirs) {
    const inside = (await listDir(path.join(folder, name))).filter((e) => !e.name.startsWith('.'));
    const files = inside
      .filter((e) => e.isFile() && isImage(e.name))
      .map((e) => e.name)
      .sort(byName);
    ignored += inside.length - files.length;
    if (files.length === 0) empty.push(name);
    else classes.push({ name, files: files.map((f) => `${name}/${f}`) });
  }
  if (empty.length) warnings.push(`class folders without images skipped: ${listSome(empty)}`);
  if (ignored)
    warnings.push(
      `${ignored} entries that are not ${IMAGE_EXTENSIONS.join('/')} files were ignored (class folders are not searched recursively)`,
    );
  if (classes.length === 0)
    throw new UserError(
      `${folder}: none of its ${dirs.length} subfolders holds images (${IMAGE_EXTENSIONS.join(', ')}); ${LAYOUT}`,
    );
  return { classes, warnings };
}

/** Decodes one image to `C × H × W` floats in [0, 1] at `out[offset..]`. */
async function decodeInto(
  file: string,
  o: Omit<ImageDecodeOptions, 'memoryBudgetMB'>,
  out: Float32Array,
  offset: number,
): Promise<void> {
  const channels = o.color === 'rgb' ? 3 : 1;
  const sharp = await loadSharp();
  const { data, info } = await sharp(file, { pages: 1, failOn: 'error' })
    .flatten({ background: '#000000' })
    .resize(o.width, o.height, { fit: o.fit, background: '#000000' })
    .toColourspace(o.color === 'rgb' ? 'srgb' : 'b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== o.width || info.height !== o.height) {
    throw new Error(
      `decoded to ${info.width}×${info.height}×${info.channels}, expected ${o.width}×${o.height}×${channels}`,
    );
  }
  const plane = o.width * o.height;
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < channels; c++) out[offset + c * plane + p] = data[p * channels + c] / 255;
}

/**
 * Runs `job(i)` for `i` in `0..count` with a few in flight at once; marks in the returned mask
 * which ones succeeded (a throwing job counts as failed). Checks `signal` before each job.
 */
async function eachConcurrently(
  count: number,
  job: (i: number) => Promise<void>,
  hooks: ReadHooks,
  what: string,
): Promise<Uint8Array> {
  const ok = new Uint8Array(count);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      if (hooks.signal) throwIfAborted(hooks.signal);
      const i = next++;
      try {
        await job(i);
        ok[i] = 1;
      } catch {
        ok[i] = 0;
      }
      if (++done % 64 === 0) hooks.progress?.(done / count, `${done} of ${count} ${what}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  return ok;
}

/**
 * Decodes `files` (absolute paths) into consecutive `C × H × W` rows of `out`, the same decode the
 * folder reader uses. Returns which files decoded (a failed one leaves its row untouched).
 */
export function decodeImageFiles(
  files: readonly string[],
  o: Omit<ImageDecodeOptions, 'memoryBudgetMB'>,
  out: Float32Array,
  hooks: ReadHooks = {},
): Promise<Uint8Array> {
  const size = (o.color === 'rgb' ? 3 : 1) * o.height * o.width;
  return eachConcurrently(files.length, (i) => decodeInto(files[i], o, out, i * size), hooks, 'images');
}

/**
 * Reads an image folder (one subfolder per class) into NCHW float32 tensors. Corrupt images are
 * skipped and named in a warning. A folder whose tensors would exceed the memory budget is not
 * decoded: it comes back `lazy` (empty `x`), its files checked only by their headers (sharp
 * metadata), so that callers can decode rows per batch.
 */
export async function readImageFolder(
  folder: string,
  o: ImageDecodeOptions,
  hooks: ReadHooks = {},
): Promise<ImageFolder> {
  const { classes, warnings } = await scanImageFolder(folder);
  const channels = o.color === 'rgb' ? 3 : 1;
  const size = channels * o.height * o.width;
  const all = classes.flatMap((c, k) => c.files.map((f) => ({ file: f, label: k })));
  const bytes = all.length * size * 4;
  const lazy = bytes > o.memoryBudgetMB * 1024 * 1024;
  const x = new Float32Array(lazy ? 0 : all.length * size);
  const paths = all.map((s) => path.join(folder, s.file));
  const ok = lazy
    ? await eachConcurrently(
        all.length,
        async (i) => {
          const m = await (await loadSharp())(paths[i], { pages: 1, failOn: 'error' }).metadata();
          if (!m.width || !m.height) throw new Error('no image size in the header');
        },
        hooks,
        'image headers',
      )
    : await decodeImageFiles(paths, o, x, hooks);
  const corrupt = all.filter((_, i) => !ok[i]).map((s) => s.file);
  const kept = all.length - corrupt.length;
  let xs = x;
  if (corrupt.length && !lazy) {
    xs = new Float32Array(kept * size);
    for (let i = 0, k = 0; i < all.length; i++) if (ok[i]) xs.set(x.subarray(i * size, (i + 1) * size), size * k++);
  }
  if (corrupt.length) {
    warnings.push(
      `${corrupt.length} of ${all.length} images could not be decoded and were skipped: ${listSome(corrupt)}`,
    );
  }
  const samples = all.filter((_, i) => ok[i]);
  if (kept === 0)
    throw new UserError(`${folder}: none of its ${all.length} images could be decoded (${listSome(corrupt)})`);
  const present = [...new Set(samples.map((s) => s.label))].sort((a, b) => a - b);
  const lost = classes.filter((_, k) => !present.includes(k)).map((c) => c.name);
  if (lost.length) warnings.push(`class folders left without a readable image: ${listSome(lost)}`);
  const index = new Map(present.map((k, j) => [k, j]));
  return {
    folder,
    x: xs,
    y: Int32Array.from(samples, (s) => index.get(s.label)!),
    classNames: present.map((k) => classes[k].name),
    featureShape: [channels, o.height, o.width],
    files: samples.map((s) => s.file),
    corrupt,
    warnings,
    ...(lazy ? { lazy: { width: o.width, height: o.height, color: o.color, fit: o.fit }, bytes } : {}),
  };
}

/** Thumbnail side length: images are shown at most this large in previews. */
export const THUMB_SIZE = 48;

/**
 * A preview thumbnail of sample `i` (NCHW floats in [0, 1]): its pixels (downscaled to fit
 * THUMB_SIZE) and the same pixels as a base64 PNG data URL.
 */
export async function thumbnail(
  x: Float32Array,
  shape: readonly number[],
  i: number,
  label?: string,
): Promise<ImageSample> {
  const [c, h, w] = shape as [1 | 3, number, number];
  const plane = h * w;
  const hwc = Buffer.alloc(plane * c);
  for (let p = 0; p < plane; p++)
    for (let ch = 0; ch < c; ch++)
      hwc[p * c + ch] = Math.round(Math.min(1, Math.max(0, x[i * c * plane + ch * plane + p])) * 255);
  const scale = Math.min(1, THUMB_SIZE / Math.max(h, w));
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  const sharp = await loadSharp();
  let img = sharp(hwc, { raw: { width: w, height: h, channels: c } }).toColourspace(c === 1 ? 'b-w' : 'srgb');
  if (scale < 1) img = img.resize(tw, th, { fit: 'fill' });
  const pixels = scale < 1 ? await img.clone().raw().toBuffer() : hwc;
  const png = await img.png().toBuffer();
  return {
    width: tw,
    height: th,
    channels: c,
    pixels: Array.from(pixels),
    dataUrl: `data:image/png;base64,${png.toString('base64')}`,
    ...(label !== undefined ? { label } : {}),
  };
}

let sharpModule: Promise<typeof Sharp> | undefined;

/** sharp loads on first use: commands and runs that decode no image never pay for it. */
function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}
