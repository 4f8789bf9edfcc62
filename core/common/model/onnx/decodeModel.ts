/**
 * Reads ONNX model bytes into the same plain data `encodeModel` writes. Fields Weft does not model
 * (functions, subgraph attributes, external tensor data, doc strings...) are kept as raw bytes
 * and written back unchanged, so decode → edit → encode preserves a model it did not build.
 */
import type { AttrValue, DataType, GraphData, ModelData, NodeData, TensorData, ValueInfoData } from './encodeModel';
import { DATA_TYPE } from './encodeModel';
import { fieldsOf, fixeds, joinBytes, varints, utf8Decode, type ProtoField } from './protoReader';

const DTYPE_OF = new Map<number, DataType>(Object.entries(DATA_TYPE).map(([k, v]) => [v, k as DataType]));

function copyAs<A>(bytes: Uint8Array, make: (b: ArrayBuffer) => A): A {
  return make(Uint8Array.prototype.slice.call(bytes).buffer);
}

/** Typed values of a TensorProto's raw_data for element types that have a typed array here. */
function fromRaw(dtype: DataType, raw: Uint8Array): TensorData['data'] {
  switch (dtype) {
    case 'float32':
      return copyAs(raw, (b) => new Float32Array(b));
    case 'float64':
      return copyAs(raw, (b) => new Float64Array(b));
    case 'int64':
      return copyAs(raw, (b) => new BigInt64Array(b));
    case 'int32':
      return copyAs(raw, (b) => new Int32Array(b));
    case 'int8':
      return copyAs(raw, (b) => new Int8Array(b));
    default:
      return raw.slice();
  }
}

/** Typed values of a TensorProto stored in its typed fields (`float_data`, `int64_data`...). */
function fromFields(dtype: DataType, f: Map<number, ProtoField[]>): TensorData['data'] {
  const all = (k: number, read: (p: ProtoField) => number[]): number[] => (f.get(k) ?? []).flatMap(read);
  const ints = (k: number): number[] => all(k, varints);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(all(4, (p) => fixeds(p, 4)));
    case 'float64':
      return Float64Array.from(all(10, (p) => fixeds(p, 8)));
    case 'int64':
      return BigInt64Array.from(ints(7), (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(ints(5));
    case 'int8':
      return Int8Array.from(ints(5));
    case 'uint8':
    case 'bool':
      return Uint8Array.from(ints(5));
    case 'int16':
      return new Uint8Array(Int16Array.from(ints(5)).buffer);
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return new Uint8Array(Uint16Array.from(ints(5)).buffer);
    case 'uint32':
      return new Uint8Array(Uint32Array.from(ints(11)).buffer);
    case 'uint64':
      return new Uint8Array(BigUint64Array.from(ints(11), (v) => BigInt(v)).buffer);
    case 'string':
      return (f.get(6) ?? []).map((p) => utf8Decode(p.bytes));
  }
}

function group(bytes: Uint8Array): Map<number, ProtoField[]> {
  const m = new Map<number, ProtoField[]>();
  for (const f of fieldsOf(bytes)) {
    const list = m.get(f.field);
    if (list) list.push(f);
    else m.set(f.field, [f]);
  }
  return m;
}

const str = (f: ProtoField | undefined): string => (f ? utf8Decode(f.bytes) : '');

function decodeTensor(bytes: Uint8Array): TensorData {
  const f = group(bytes);
  const dims = (f.get(1) ?? []).flatMap(varints);
  const code = f.get(2)?.[0]?.num ?? 0;
  const name = str(f.get(8)?.[0]);
  const dtype = DTYPE_OF.get(code);
  const external = f.has(13) || f.has(14) || f.has(3);
  if (!dtype || external) return { name, dtype: dtype ?? 'uint8', dims, data: new Uint8Array(0), proto: bytes.slice() };
  const raw = f.get(9)?.[0];
  return { name, dtype, dims, data: raw ? fromRaw(dtype, raw.bytes) : fromFields(dtype, f) };
}

function decodeAttr(bytes: Uint8Array): { name: string; value: AttrValue } {
  const fields = fieldsOf(bytes);
  const nameField = fields.find((f) => f.field === 1);
  const name = str(nameField);
  const rest = fields.filter((f) => f !== nameField);
  const by = (k: number): ProtoField[] => rest.filter((f) => f.field === k);
  const declared = by(20)[0]?.num;
  const type =
    declared ??
    (by(2).length
      ? 1
      : by(3).length
        ? 2
        : by(4).length
          ? 3
          : by(5).length
            ? 4
            : by(7).length
              ? 6
              : by(8).length
                ? 7
                : 8);
  const modelled = new Set([20, { 1: 2, 2: 3, 3: 4, 4: 5, 6: 7, 7: 8, 8: 9 }[type] ?? -1]);
  if (rest.some((f) => !modelled.has(f.field))) return { name, value: { proto: joinBytes(rest.map((f) => f.raw)) } };
  switch (type) {
    case 1:
      return { name, value: { f: by(2)[0]?.num ?? 0 } };
    case 2:
      return { name, value: { i: by(3)[0]?.num ?? 0 } };
    case 3:
      return { name, value: { s: str(by(4)[0]) } };
    case 4:
      return { name, value: { t: decodeTensor(by(5)[0].bytes) } };
    case 6:
      return { name, value: { floats: by(7).flatMap((f) => fixeds(f, 4)) } };
    case 7:
      return { name, value: { ints: by(8).flatMap(varints) } };
    case 8:
      return { name, value: { strings: by(9).map((f) => utf8Decode(f.bytes)) } };
    default:
      return { name, value: { proto: joinBytes(rest.map((f) => f.raw)) } };
  }
}

function decodeNode(bytes: Uint8Array): NodeData {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attrs: Record<string, AttrValue> = {};
  const extra: Uint8Array[] = [];
  let name: string | undefined;
  let opType = '';
  let domain: string | undefined;
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) inputs.push(utf8Decode(f.bytes));
    else if (f.field === 2) outputs.push(utf8Decode(f.bytes));
    else if (f.field === 3) name = utf8Decode(f.bytes);
    else if (f.field === 4) opType = utf8Decode(f.bytes);
    else if (f.field === 7) domain = utf8Decode(f.bytes);
    else if (f.field === 5) {
      const a = decodeAttr(f.bytes);
      attrs[a.name] = a.value;
    } else extra.push(f.raw);
  }
  return {
    opType,
    inputs,
    outputs,
    attrs,
    ...(name !== undefined ? { name } : {}),
    ...(domain ? { domain } : {}),
    ...(extra.length ? { extra: joinBytes(extra) } : {}),
  };
}

function decodeValueInfo(bytes: Uint8Array): ValueInfoData {
  const f = group(bytes);
  const name = str(f.get(1)?.[0]);
  const typeBytes = f.get(2)?.[0]?.bytes;
  const type = typeBytes ? group(typeBytes) : new Map<number, ProtoField[]>();
  const tensor = type.get(1)?.[0] ? group(type.get(1)![0].bytes) : undefined;
  const dtype = DTYPE_OF.get(tensor?.get(1)?.[0]?.num ?? 0);
  const shapeField = tensor?.get(2)?.[0];
  let plain = !!dtype && !!shapeField && type.size === 1;
  const shape: (number | string)[] = [];
  for (const d of shapeField ? (group(shapeField.bytes).get(1) ?? []) : []) {
    const dim = group(d.bytes);
    const value = dim.get(1)?.[0];
    const param = dim.get(2)?.[0];
    if (value) shape.push(value.num);
    else if (param) shape.push(utf8Decode(param.bytes));
    else shape.push('?');
    if ((!value && !param) || dim.has(3)) plain = false;
  }
  return {
    name,
    dtype: dtype ?? 'float32',
    shape,
    ...(plain || !typeBytes ? {} : { typeProto: typeBytes.slice() }),
    ...(tensor && dtype ? {} : { nonTensor: true as const }),
  };
}

function decodeGraph(bytes: Uint8Array): GraphData {
  const nodes: NodeData[] = [];
  const initializers: TensorData[] = [];
  const inputs: ValueInfoData[] = [];
  const outputs: ValueInfoData[] = [];
  const valueInfo: ValueInfoData[] = [];
  const extra: Uint8Array[] = [];
  let name = '';
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) nodes.push(decodeNode(f.bytes));
    else if (f.field === 2) name = utf8Decode(f.bytes);
    else if (f.field === 5) initializers.push(decodeTensor(f.bytes));
    else if (f.field === 11) inputs.push(decodeValueInfo(f.bytes));
    else if (f.field === 12) outputs.push(decodeValueInfo(f.bytes));
    else if (f.field === 13) valueInfo.push(decodeValueInfo(f.bytes));
    else extra.push(f.raw);
  }
  return {
    name,
    nodes,
    inputs,
    outputs,
    initializers,
    ...(valueInfo.length ? { valueInfo } : {}),
    ...(extra.length ? { extra: joinBytes(extra) } : {}),
  };
}

/** Decodes ONNX bytes; truncated bytes throw a RangeError, bytes without a graph an Error. */
export function decodeModel(input: Uint8Array): ModelData {
  // A plain view: subarrays of a Node Buffer are Buffers, whose slice() does not copy.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  let irVersion = 0;
  let producerName: string | undefined;
  let producerVersion: string | undefined;
  let graph: GraphData | undefined;
  const opsets: { domain: string; version: number }[] = [];
  const metadata: { key: string; value: string }[] = [];
  const extra: Uint8Array[] = [];
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1 && f.wire === 0) irVersion = f.num;
    else if (f.field === 2 && f.wire === 2) producerName = utf8Decode(f.bytes);
    else if (f.field === 3 && f.wire === 2) producerVersion = utf8Decode(f.bytes);
    else if (f.field === 7 && f.wire === 2) graph = decodeGraph(f.bytes);
    else if (f.field === 8 && f.wire === 2) {
      const o = group(f.bytes);
      opsets.push({ domain: str(o.get(1)?.[0]), version: o.get(2)?.[0]?.num ?? 0 });
    } else if (f.field === 14 && f.wire === 2) {
      const p = group(f.bytes);
      metadata.push({ key: str(p.get(1)?.[0]), value: str(p.get(2)?.[0]) });
    } else extra.push(f.raw);
  }
  if (!graph) throw new Error('not an ONNX model: no graph');
  return {
    irVersion,
    opsets,
    graph,
    ...(producerName !== undefined ? { producerName } : {}),
    ...(producerVersion !== undefined ? { producerVersion } : {}),
    ...(metadata.length ? { metadata } : {}),
    ...(extra.length ? { extra: joinBytes(extra) } : {}),
  };
}
