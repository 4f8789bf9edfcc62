/**
 * Open Inference Protocol (KServe v2) REST bodies: the zod schema of an infer request, its
 * conversion to onnxruntime feeds checked against the model's inputs, and the response tensors.
 */
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import type { TensorInfo } from '../onnx/inspect';
import { BadRequest } from './badRequest';
import { BinaryParts, binaryOf, binaryTensor } from './binaryData';
import { DATATYPES, datatypeOf, type Datatype } from './datatypes';

const parameters = z.looseObject({ binary_data_output: z.boolean().optional() }).optional();
const anyArray = z.array(z.unknown());

/**
 * Tensor data: a JSON array, or the Float64Array or (FP32 data) Float32Array the infer body reader
 * makes of an all-number one (checked as a whole rather than element by element); errors read as
 * the array schema's.
 */
const tensorData = z.union([z.instanceof(Float32Array), z.instanceof(Float64Array), anyArray], {
  error: (issue) => anyArray.safeParse(issue.input).error?.issues[0]?.message,
});

export const inferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters,
  inputs: z
    .array(
      z.object({
        name: z.string().min(1),
        shape: z.array(z.number().int().min(0)).max(16),
        datatype: z.string(),
        parameters: z
          .looseObject({ binary_data_size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() })
          .optional(),
        data: tensorData.optional(),
      }),
    )
    .min(1),
  outputs: z
    .array(
      z.object({
        name: z.string().min(1),
        parameters: z.looseObject({ binary_data: z.boolean().optional() }).optional(),
      }),
    )
    .optional(),
});

export type InferRequest = z.infer<typeof inferRequestSchema>;

/** `(x: FP32 [-1, 4])`-style metadata for one tensor: -1 marks a dynamic dimension. */
export function tensorMetadata(t: TensorInfo): { name: string; datatype: Datatype; shape: number[] } | undefined {
  const datatype = datatypeOf(t.dtype);
  if (!datatype || !t.shape) return undefined;
  return { name: t.name, datatype, shape: t.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

/** Values of one tensor: a JSON array, or numbers read straight into a typed array. */
type Values = ArrayLike<unknown>;

/** The request's `data`, flattened row-major; nested arrays are accepted as the protocol allows. */
function flatten(data: Float32Array | Float64Array | unknown[], where: string): Values {
  if (!Array.isArray(data) || !data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown[], depth: number): void => {
    if (depth > 16) throw new BadRequest(`${where}: data is nested too deeply`);
    for (const x of v) {
      if (Array.isArray(x)) walk(x, depth + 1);
      else out.push(x);
    }
  };
  walk(data, 0);
  return out;
}

const INT_RANGES: Partial<Record<Datatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

const FLOAT32_MAX = 3.4028234663852886e38;

function notFinite(where: string, i: number, num: number): BadRequest {
  return new BadRequest(
    `${where}: data[${i}] is ${num} (a number too large for JSON doubles, such as 1e999, reads as Infinity); send finite numbers`,
  );
}

function beyondFloat32(where: string, i: number, num: number): BadRequest {
  return new BadRequest(`${where}: data[${i}] is ${num}, beyond the float32 range; send finite FP32 values`);
}

/** FP32 or FP64 data already read as doubles: checked in one pass, converted once. */
function floatTensor(datatype: 'FP32' | 'FP64', values: Float64Array, shape: number[], where: string): ort.Tensor {
  const limit = datatype === 'FP32' ? FLOAT32_MAX : Infinity;
  for (let i = 0; i < values.length; i++) {
    const num = values[i];
    if (!(Math.abs(num) <= limit)) throw Number.isFinite(num) ? beyondFloat32(where, i, num) : notFinite(where, i, num);
  }
  return new ort.Tensor(DATATYPES[datatype].ort, datatype === 'FP32' ? new Float32Array(values) : values, shape);
}

function toTensor(
  datatype: Datatype,
  values: Values,
  shape: number[],
  where: string,
  allowMissing = false,
): ort.Tensor {
  const bad = (i: number, want: string): never => {
    throw new BadRequest(
      `${where}: data[${i}] is ${JSON.stringify(values[i])?.slice(0, 40)}, expected ${want} for ${datatype}`,
    );
  };
  if (datatype === 'BYTES') {
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') bad(i, 'a string');
    return new ort.Tensor('string', Array.from(values as ArrayLike<string>), shape);
  }
  if (datatype === 'BOOL') {
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'boolean') out[i] = v ? 1 : 0;
      else bad(i, 'true or false');
    }
    return new ort.Tensor('bool', out, shape);
  }
  // Read straight from the body as float32, every value within range (inferBody.ts).
  if (datatype === 'FP32' && values instanceof Float32Array) return new ort.Tensor('float32', values, shape);
  if ((datatype === 'FP32' || datatype === 'FP64') && values instanceof Float64Array)
    return floatTensor(datatype, values, shape, where);
  if (datatype === 'FP32' || datatype === 'FP64') {
    const out = datatype === 'FP32' ? new Float32Array(values.length) : new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === 'NaN') {
        if (!allowMissing)
          throw new BadRequest(
            `${where}: data[${i}] is ${JSON.stringify(v)} (a missing value), and this input does not accept missing values; send a finite number`,
          );
        out[i] = NaN;
        continue;
      }
      if (typeof v !== 'number') bad(i, 'a number');
      const num = v as number;
      if (!Number.isFinite(num)) throw notFinite(where, i, num);
      if (datatype === 'FP32' && Math.abs(num) > FLOAT32_MAX) throw beyondFloat32(where, i, num);
      out[i] = num;
    }
    return new ort.Tensor(DATATYPES[datatype].ort, out, shape);
  }
  const range = INT_RANGES[datatype];
  if (!range) throw new BadRequest(`${where}: datatype ${datatype} cannot be sent as JSON here; use FP32`);
  const [lo, hi] = range;
  const check = (v: unknown, i: number): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : bad(i, `an integer in [${lo}, ${hi}]`);
  const ortType = DATATYPES[datatype].ort;
  if (ortType === 'int64')
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(values, (v, i) => BigInt(check(v, i))),
      shape,
    );
  if (ortType === 'uint64')
    return new ort.Tensor(
      'uint64',
      BigUint64Array.from(values, (v, i) => BigInt(check(v, i))),
      shape,
    );
  const Ctor = {
    int8: Int8Array,
    int16: Int16Array,
    int32: Int32Array,
    uint8: Uint8Array,
    uint16: Uint16Array,
    uint32: Uint32Array,
  }[ortType as 'int8'];
  return new ort.Tensor(
    ortType as 'int8',
    Ctor.from(values, (v, i) => check(v, i)),
    shape,
  );
}

/** A model's inputs by name, kept with its (unchanging) input list. */
const inputsByName = new WeakMap<readonly TensorInfo[], Map<string, TensorInfo>>();

/**
 * Feeds for a session from a validated request: every model input present once, with the
 * model's datatype, a shape that fits the model's (fixed dimensions equal, rank equal) and as
 * many elements as the shape says.
 */
export function feedsFromRequest(
  req: InferRequest,
  inputs: readonly TensorInfo[],
  /** Inputs whose model declares missing values (NaN): `null` or `"NaN"` is accepted there. */
  allowMissing: ReadonlySet<string> = new Set(),
  /** The body's binary part, with the binary tensor data extension (binaryData.ts). */
  binary?: Buffer,
): Record<string, ort.Tensor> {
  let known = inputsByName.get(inputs);
  if (!known) inputsByName.set(inputs, (known = new Map(inputs.map((i) => [i.name, i]))));
  const feeds: Record<string, ort.Tensor> = {};
  const parts = new BinaryParts(binary);
  for (let k = 0; k < req.inputs.length; k++) {
    const input = req.inputs[k];
    const where = `inputs[${k}] (${input.name})`;
    const model = known.get(input.name);
    if (!model)
      throw new BadRequest(
        `${where}: the model has no input "${input.name}"; its inputs are ${inputs.map((i) => i.name).join(', ')}`,
      );
    if (feeds[input.name]) throw new BadRequest(`${where}: input "${input.name}" is given twice`);
    const expected = datatypeOf(model.dtype);
    if (input.datatype !== expected)
      throw new BadRequest(
        `${where}: datatype ${input.datatype} does not match the model's ${expected ?? model.dtype}`,
      );
    const modelShape = model.shape ?? [];
    const fits =
      modelShape.length === 0 ||
      (modelShape.length === input.shape.length &&
        modelShape.every((d, i) => typeof d !== 'number' || d === input.shape[i]));
    if (!fits) {
      const want = modelShape.map((d) => (typeof d === 'number' ? d : -1));
      throw new BadRequest(
        `${where}: shape [${input.shape.join(', ')}] does not fit the model's [${want.join(', ')}] (-1 = any size)`,
      );
    }
    const size = input.parameters?.binary_data_size;
    if (size !== undefined) {
      if (input.data !== undefined) throw new BadRequest(`${where}: has both data and a binary_data_size parameter`);
      const bytes = parts.take(size, where);
      feeds[input.name] = binaryTensor(expected, bytes, input.shape, where, allowMissing.has(input.name));
      continue;
    }
    if (input.data === undefined) throw new BadRequest(`${where}: has no data (nor a binary_data_size parameter)`);
    const values = flatten(input.data, where);
    const count = input.shape.reduce((a, b) => a * b, 1);
    if (values.length !== count)
      throw new BadRequest(
        `${where}: shape [${input.shape.join(', ')}] needs ${count} values but data has ${values.length}`,
      );
    feeds[input.name] = toTensor(input.datatype, values, input.shape, where, allowMissing.has(input.name));
  }
  parts.finish();
  const missing = req.inputs.length < inputs.length ? inputs.filter((i) => !feeds[i.name]).map((i) => i.name) : [];
  if (missing.length) throw new BadRequest(`missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return feeds;
}

/** A tensor's data as the text of a JSON array: what `JSON.stringify` writes, without the boxed array. */
function jsonData(t: ort.Tensor): string {
  const data = t.data as ArrayLike<number | bigint | string>;
  const n = data.length;
  if (n === 0) return '[]';
  let out = '[';
  if (t.type === 'bool') for (let i = 0; i < n; i++) out += (i ? ',' : '') + (data[i] ? 'true' : 'false');
  else if (t.type === 'string') for (let i = 0; i < n; i++) out += (i ? ',' : '') + JSON.stringify(data[i]);
  else if (typeof data[0] === 'bigint') for (let i = 0; i < n; i++) out += (i ? ',' : '') + String(Number(data[i]));
  else
    for (let i = 0; i < n; i++) {
      const v = data[i] as number;
      out += (i ? ',' : '') + (v - v === 0 ? String(v) : 'null');
    }
  return `${out}]`;
}

/** An infer response written straight from the output tensors. */
export interface InferResponse {
  /** JSON text, or the JSON text followed by the binary outputs' data. */
  body: string | Buffer;
  /** With binary outputs: the byte length of the JSON part (the Inference-Header-Content-Length header). */
  jsonBytes?: number;
}

/**
 * The response to an infer request: `head` (model name, version, request id) and each output, as
 * JSON data or, where `binary` says so, as binary data after the JSON (binaryData.ts). 64-bit
 * integers become JSON numbers.
 */
export function inferResponse(
  head: { model_name: string; model_version: string; id?: string },
  outputs: { name: string; tensor: ort.Tensor; binary: boolean }[],
): InferResponse {
  let json = JSON.stringify(head).slice(0, -1);
  json += ',"outputs":[';
  const parts: Buffer[] = [];
  outputs.forEach(({ name, tensor, binary }, k) => {
    const datatype = datatypeOf(tensor.type) ?? 'BYTES';
    json += `${k ? ',' : ''}{"name":${JSON.stringify(name)},"datatype":"${datatype}","shape":[${tensor.dims.join(',')}],`;
    if (binary) {
      const bytes = binaryOf(tensor);
      parts.push(bytes);
      json += `"parameters":{"binary_data_size":${bytes.length}}}`;
    } else json += `"data":${jsonData(tensor)}}`;
  });
  json += ']}';
  if (!parts.length) return { body: json };
  const head8 = Buffer.from(json);
  return { body: Buffer.concat([head8, ...parts]), jsonBytes: head8.length };
}
