import { readFile } from 'node:fs/promises';
import { InputError, UserError } from '../executors/Executor';
import { gunzipBounded } from './gunzipBounded';
import { checkReadable, fileError } from './openInput';

/** An IDX array (the MNIST format): shape and values, uint8 data kept as bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { size: number; name: string }> = {
  0x08: { size: 1, name: 'ubyte' },
  0x09: { size: 1, name: 'byte' },
  0x0b: { size: 2, name: 'short' },
  0x0c: { size: 4, name: 'int' },
  0x0d: { size: 4, name: 'float' },
  0x0e: { size: 8, name: 'double' },
};

/** The most bytes an IDX file may hold once decompressed (2 GiB): a header asking for more is refused. */
export const MAX_IDX_BYTES = 2 * 1024 ** 3;

/** The bytes a whole IDX file has according to its header, checked against `maxBytes`. */
function idxSizeFromHeader(file: string, head: Buffer, maxBytes: number): number {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0)
    throw new UserError(`${file}: not an IDX file (bad magic number)`);
  const type = TYPES[head[2]];
  if (!type) throw new UserError(`${file}: not an IDX file (unknown type code 0x${head[2].toString(16)})`);
  const ndims = head[3];
  if (ndims === 0 || head.length < 4 + 4 * ndims) throw new UserError(`${file}: truncated IDX header`);
  const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
  const bytes = 4 + 4 * ndims + dims.reduce((a, b) => a * b, 1) * type.size;
  if (bytes > maxBytes)
    throw new InputError(
      `${file}: the IDX header's shape [${dims.join(', ')}] of ${type.name} needs ${bytes} bytes, more than the ${maxBytes} allowed`,
    );
  return bytes;
}

/**
 * Reads an IDX file, gzipped or not (detected by its magic bytes). Values are big-endian. Gzip data
 * is inflated no further than the header's shape needs (and never past `maxBytes`).
 */
export async function readIdx(file: string, maxBytes = MAX_IDX_BYTES): Promise<IdxArray> {
  await checkReadable(file);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw fileError(file, e);
  }
  if (buf.length === 0) throw new UserError(`${file}: the file is empty`);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    buf = await gunzipBounded(buf, file, 4 + 4 * 255, (head) => idxSizeFromHeader(file, head, maxBytes));
  } else idxSizeFromHeader(file, buf.subarray(0, 4 + 4 * 255), maxBytes);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new UserError(`${file}: not an IDX file (bad magic number)`);
  const type = TYPES[buf[2]];
  if (!type) throw new UserError(`${file}: not an IDX file (unknown type code 0x${buf[2].toString(16)})`);
  const ndims = buf[3];
  if (ndims === 0 || buf.length < 4 + 4 * ndims) throw new UserError(`${file}: truncated IDX header`);
  const dims = Array.from({ length: ndims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  const expected = start + count * type.size;
  if (buf.length !== expected) {
    throw new UserError(
      `${file}: IDX data is ${buf.length - start} bytes, but the header's shape [${dims.join(', ')}] of ${type.name} needs ${count * type.size}`,
    );
  }
  const body = buf.subarray(start);
  let data: IdxArray['data'];
  switch (type.name) {
    case 'ubyte':
      data = Uint8Array.from(body);
      break;
    case 'byte':
      data = Int8Array.from(body, (b) => (b << 24) >> 24);
      break;
    case 'short':
      data = Int16Array.from({ length: count }, (_, i) => body.readInt16BE(2 * i));
      break;
    case 'int':
      data = Int32Array.from({ length: count }, (_, i) => body.readInt32BE(4 * i));
      break;
    case 'float':
      data = Float32Array.from({ length: count }, (_, i) => body.readFloatBE(4 * i));
      break;
    default:
      data = Float64Array.from({ length: count }, (_, i) => body.readDoubleBE(8 * i));
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      throw new UserError(`${file}: value ${data[i]} at flat index ${i} is not finite (inf/NaN)`);
  }
  return { dims, data };
}
