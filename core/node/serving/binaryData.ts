/**
 * The binary tensor data extension of the Open Inference Protocol (Triton's and KServe's): a body
 * whose first `Inference-Header-Content-Length` bytes are the JSON request and whose rest holds,
 * in the order of the inputs that carry a `binary_data_size` parameter, each such input's data:
 * little-endian, row major, no padding; BOOL one byte (0 or 1), BYTES a 4-byte little-endian
 * length before each element's bytes. Outputs asked for as binary (`binary_data: true` on the
 * output, or `binary_data_output: true` on the request) come back the same way.
 */
import { endianness } from 'node:os';
import * as ort from 'onnxruntime-node';
import { DATATYPES, type Datatype } from './datatypes';
import { BadRequest } from './badRequest';

/** The request header saying how many leading body bytes are JSON. */
export const HEADER_LENGTH = 'inference-header-content-length';

const littleEndian = endianness() === 'LE';

type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array;
type UnsignedArray = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
type ArrayCtor = new (buffer: ArrayBuffer) => NumericArray | UnsignedArray;

const ARRAYS: Partial<Record<Datatype, ArrayCtor>> = {
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  BOOL: Uint8Array,
};

/** The JSON part and the binary part of a body sent with `Inference-Header-Content-Length`. */
export function splitBinaryBody(body: Buffer, header: string | string[] | undefined): { json: Buffer; binary: Buffer } {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const n = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n <= body.length))
    throw new BadRequest(
      `Inference-Header-Content-Length is ${JSON.stringify(text)}; it must be the byte length of the JSON part, at most the body's ${body.length} bytes`,
    );
  if (!littleEndian)
    throw new BadRequest('binary tensor data is not supported on this big-endian host; send JSON data');
  return { json: body.subarray(0, n), binary: body.subarray(n) };
}

/** Reads the binary parts of the inputs that declare one, in order, and says if bytes are left over. */
export class BinaryParts {
  private at = 0;

  constructor(private readonly binary: Buffer | undefined) {}

  take(size: number, where: string): Buffer {
    if (!this.binary)
      throw new BadRequest(
        `${where}: has a binary_data_size parameter but the request has no binary part (send the Inference-Header-Content-Length header)`,
      );
    if (this.at + size > this.binary.length)
      throw new BadRequest(
        `${where}: binary_data_size ${size} runs past the end of the binary part (${this.binary.length - this.at} bytes left)`,
      );
    const part = this.binary.subarray(this.at, this.at + size);
    this.at += size;
    return part;
  }

  /** Throws when the inputs' binary_data_size parameters do not add up to the binary part. */
  finish(): void {
    if (this.binary && this.at !== this.binary.length)
      throw new BadRequest(
        `the binary part has ${this.binary.length} bytes but the inputs' binary_data_size parameters add up to ${this.at}`,
      );
  }
}

function strings(bytes: Buffer, count: number, where: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new BadRequest(`${where}: BYTES element ${out.length} has a truncated length`);
    const n = bytes.readUInt32LE(at);
    if (at + 4 + n > bytes.length)
      throw new BadRequest(`${where}: BYTES element ${out.length} says ${n} bytes but the binary data ends first`);
    out.push(bytes.toString('utf8', at + 4, at + 4 + n));
    at += 4 + n;
  }
  if (out.length !== count)
    throw new BadRequest(`${where}: shape needs ${count} BYTES elements but data has ${out.length}`);
  return out;
}

/**
 * A feed from one input's binary data, checked as JSON data is: the byte count the shape needs,
 * BOOL bytes 0 or 1, and floats finite, where NaN is a missing value only on inputs that take one.
 */
export function binaryTensor(
  datatype: Datatype,
  bytes: Buffer,
  shape: number[],
  where: string,
  allowMissing: boolean,
): ort.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (datatype === 'BYTES') return new ort.Tensor('string', strings(bytes, count, where), shape);
  const Ctor = ARRAYS[datatype];
  if (!Ctor) throw new BadRequest(`${where}: datatype ${datatype} cannot be sent as binary data`);
  const size = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.length !== count * size)
    throw new BadRequest(
      `${where}: shape [${shape.join(', ')}] needs ${count * size} bytes of ${datatype} but binary_data_size is ${bytes.length}`,
    );
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  const values = new Ctor(copy);
  if (datatype === 'BOOL') {
    const bad = (values as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) throw new BadRequest(`${where}: byte ${bad} is ${values[bad]}; BOOL elements are 0 or 1`);
  }
  if (datatype === 'FP32' || datatype === 'FP64') {
    const floats = values as Float32Array | Float64Array;
    for (let i = 0; i < floats.length; i++) {
      const v = floats[i];
      if (v - v === 0) continue;
      if (v !== v && allowMissing) continue;
      throw new BadRequest(
        v !== v
          ? `${where}: data[${i}] is NaN (a missing value), and this input does not accept missing values; send a finite number`
          : `${where}: data[${i}] is ${v}; send finite numbers`,
      );
    }
  }
  return new ort.Tensor(DATATYPES[datatype].ort, values as ort.Tensor.DataType, shape);
}

/** An output tensor's data as binary. */
export function binaryOf(t: ort.Tensor): Buffer {
  if (t.type === 'string') {
    const parts = (t.data as string[]).flatMap((s) => {
      const b = Buffer.from(s, 'utf8');
      const n = Buffer.alloc(4);
      n.writeUInt32LE(b.length);
      return [n, b];
    });
    return Buffer.concat(parts);
  }
  const data = t.data as Exclude<ort.Tensor.DataType, string[]>;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
