import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { UserError } from '../executors/Executor';
import { checkReadable, fileError } from './openInput';

export type NpyKind = 'float' | 'int' | 'uint' | 'bool';

/** A NumPy array in C (row-major) order. 64-bit integers are widened to float64 (exact up to 2^53). */
export interface NpyArray {
  /** NumPy dtype name, e.g. `float32`, `int64`, `uint8`, `bool`. */
  dtype: string;
  kind: NpyKind;
  shape: number[];
  data: Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Ctor = { new (b: ArrayBuffer): NpyArray['data']; BYTES_PER_ELEMENT: number };
const TYPES: Record<string, { kind: NpyKind; ctor: Ctor | 'i8' | 'u8'; name: string }> = {
  f4: { kind: 'float', ctor: Float32Array, name: 'float32' },
  f8: { kind: 'float', ctor: Float64Array, name: 'float64' },
  i1: { kind: 'int', ctor: Int8Array, name: 'int8' },
  i2: { kind: 'int', ctor: Int16Array, name: 'int16' },
  i4: { kind: 'int', ctor: Int32Array, name: 'int32' },
  i8: { kind: 'int', ctor: 'i8', name: 'int64' },
  u1: { kind: 'uint', ctor: Uint8Array, name: 'uint8' },
  u2: { kind: 'uint', ctor: Uint16Array, name: 'uint16' },
  u4: { kind: 'uint', ctor: Uint32Array, name: 'uint32' },
  u8: { kind: 'uint', ctor: 'u8', name: 'uint64' },
  b1: { kind: 'bool', ctor: Uint8Array, name: 'bool' },
};

function header(where: string, text: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (/'descr'\s*:\s*\[/.test(text))
    throw new UserError(`${where}: structured (record) arrays are not supported; save plain numeric arrays`);
  if (descr === undefined || fortran === undefined || shape === undefined)
    throw new UserError(`${where}: unreadable .npy header ${JSON.stringify(text.trim())}`);
  const dims = shape
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => Number(d.replace(/L$/, '')));
  if (dims.some((d) => !Number.isInteger(d) || d < 0))
    throw new UserError(`${where}: bad shape (${shape}) in the .npy header`);
  return { descr, fortran: fortran === 'True', shape: dims };
}

/** Reorders a Fortran-order (column-major) array to C order. */
function toCOrder<T extends NpyArray['data']>(src: T, shape: number[]): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const k = shape.length;
  const idx = new Array<number>(k).fill(0);
  const fStride = new Array<number>(k);
  for (let j = 0, s = 1; j < k; j++) {
    fStride[j] = s;
    s *= shape[j];
  }
  for (let c = 0; c < src.length; c++) {
    let f = 0;
    for (let j = 0; j < k; j++) f += idx[j] * fStride[j];
    out[c] = src[f];
    for (let j = k - 1; j >= 0; j--) {
      if (++idx[j] < shape[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

/** Parses the bytes of one .npy file (format versions 1–3); `where` names it in errors. */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new UserError(`${where}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + hlen;
  if (major < 1 || major > 3 || start > bytes.length)
    throw new UserError(`${where}: unsupported or truncated .npy header (version ${major})`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const h = header(where, text);
  const order = h.descr[0];
  const type = TYPES[h.descr.slice(1)];
  if (!type || !'<>|='.includes(order)) {
    throw new UserError(`${where}: dtype '${h.descr}' is not supported; use float32/float64, (u)int8–64 or bool`);
  }
  const count = h.shape.reduce((a, b) => a * b, 1);
  const size = type.ctor === 'i8' || type.ctor === 'u8' ? 8 : type.ctor.BYTES_PER_ELEMENT;
  if (bytes.length - start < count * size) {
    throw new UserError(
      `${where}: data is ${bytes.length - start} bytes, but shape [${h.shape.join(', ')}] of ${type.name} needs ${count * size}`,
    );
  }
  const raw = new Uint8Array(count * size);
  raw.set(bytes.subarray(start, start + count * size));
  if (order === '>' && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  let data: NpyArray['data'];
  if (type.ctor === 'i8' || type.ctor === 'u8') {
    const wide = type.ctor === 'i8' ? new BigInt64Array(raw.buffer) : new BigUint64Array(raw.buffer);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = Number(wide[i]);
      if (!Number.isSafeInteger(v))
        throw new UserError(
          `${where}: ${type.name} value ${wide[i]} at flat index ${i} does not fit a float64 exactly`,
        );
      data[i] = v;
    }
  } else {
    data = new type.ctor(raw.buffer);
  }
  if (h.fortran && h.shape.length > 1) data = toCOrder(data, h.shape);
  if (type.kind === 'float') {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]))
        throw new UserError(
          `${where}: value ${data[i]} at flat index ${i} is not finite (inf/NaN); clean the array first`,
        );
    }
  }
  return { dtype: type.name, kind: type.kind, shape: h.shape, data };
}

async function readBytes(file: string): Promise<Uint8Array> {
  const size = await checkReadable(file);
  if (size === 0) throw new UserError(`${file}: the file is empty`);
  try {
    return await readFile(file);
  } catch (e) {
    throw fileError(file, e);
  }
}

/** Reads a .npy file. */
export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(await readBytes(file), file);
}

/** Reads every array of a .npz archive (a zip of .npy files, compressed or not), by name without `.npy`. */
export async function readNpz(file: string): Promise<Map<string, NpyArray>> {
  const bytes = await readBytes(file);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new UserError(`${file}: not a readable .npz (zip) archive (${(e as Error).message})`);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    arrays.set(name.slice(0, -4), parseNpy(data, `${file}[${name.slice(0, -4)}]`));
  }
  if (arrays.size === 0) throw new UserError(`${file}: the archive holds no .npy arrays`);
  return arrays;
}

const FEATURE_NAMES = ['x', 'X', 'features', 'data', 'inputs', 'images', 'x_train'];
const LABEL_NAMES = ['y', 'Y', 'labels', 'label', 'target', 'targets', 'y_train'];

/**
 * The features and (optional) labels of a .npy/.npz source. In an archive, `features` and `labels`
 * name arrays (empty: the usual names such as x/y, else the first array and no labels);
 * `labelsFile` is a separate .npy of labels.
 */
export async function readNpySource(
  file: string,
  opts: { features?: string; labels?: string; labelsFile?: string },
): Promise<{ features: NpyArray; featuresName: string; labels?: NpyArray; labelsName?: string }> {
  const out: { features: NpyArray; featuresName: string; labels?: NpyArray; labelsName?: string } = {
    features: undefined as never,
    featuresName: '',
  };
  if (path.extname(file).toLowerCase() === '.npz') {
    const arrays = await readNpz(file);
    const names = [...arrays.keys()];
    const pick = (wanted: string | undefined, usual: string[], what: string): string | undefined => {
      if (wanted) {
        if (!arrays.has(wanted))
          throw new UserError(`${file}: no array '${wanted}' for the ${what}; the archive holds ${names.join(', ')}`);
        return wanted;
      }
      return usual.find((n) => arrays.has(n));
    };
    const labelsName = opts.labelsFile ? undefined : pick(opts.labels, LABEL_NAMES, 'labels');
    const featuresName = pick(opts.features, FEATURE_NAMES, 'features') ?? names.find((n) => n !== labelsName)!;
    if (featuresName === labelsName)
      throw new UserError(`${file}: '${featuresName}' cannot be both the features and the labels`);
    out.features = arrays.get(featuresName)!;
    out.featuresName = featuresName;
    if (labelsName) {
      out.labels = arrays.get(labelsName)!;
      out.labelsName = labelsName;
    }
  } else {
    if (opts.features || opts.labels)
      throw new UserError(
        `${file}: array names (features, labels) apply to .npz archives; for .npy give the labels as labelsFile`,
      );
    out.features = await readNpy(file);
    out.featuresName = path.basename(file, path.extname(file));
  }
  if (opts.labelsFile) {
    out.labels = await readNpy(opts.labelsFile);
    out.labelsName = path.basename(opts.labelsFile, path.extname(opts.labelsFile));
  }
  const n = out.features.shape[0];
  if (out.features.shape.length === 0)
    throw new UserError(
      `${file}: the features array '${out.featuresName}' is a scalar; expected samples along the first axis`,
    );
  if (out.labels && out.labels.shape[0] !== n) {
    throw new UserError(
      `${file}: ${out.labels.shape[0] ?? 1} labels in '${out.labelsName}' for ${n} samples in '${out.featuresName}'`,
    );
  }
  return out;
}
