/**
 * A plain-object view of ONNX models (the subset of onnx.proto Weft reads and writes), encoded and
 * decoded with protobufjs. Field numbers follow onnx/onnx.proto (IR version 8+).
 */
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSOR = 11; SPARSE_TENSORS = 12; TYPE_PROTO = 13; TYPE_PROTOS = 14; }
  optional string name = 1; optional string ref_attr_name = 21; optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2; optional int64 i = 3; optional bytes s = 4; optional TensorProto t = 5; optional GraphProto g = 6;
  repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9; repeated TensorProto tensors = 10; repeated GraphProto graphs = 11;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4;
  optional string domain = 7; repeated AttributeProto attribute = 5; optional string doc_string = 6;
}
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message FunctionProto {
  optional string name = 1; repeated string input = 4; repeated string output = 5; repeated string attribute = 6;
  repeated NodeProto node = 7; optional string doc_string = 8; repeated OperatorSetIdProto opset_import = 9; optional string domain = 10;
}
message ModelProto {
  optional int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; optional string producer_name = 2;
  optional string producer_version = 3; optional string domain = 4; optional int64 model_version = 5; optional string doc_string = 6;
  optional GraphProto graph = 7; repeated StringStringEntryProto metadata_props = 14; repeated FunctionProto functions = 25;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } optional string denotation = 3; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
  optional string denotation = 6;
}
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5; optional string doc_string = 10;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1; optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true]; repeated int32 int32_data = 5 [packed = true]; repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true]; optional string name = 8; optional string doc_string = 12; optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true]; repeated uint64 uint64_data = 11 [packed = true];
}
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelType = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType codes Weft uses. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
} as const;

/** AttributeProto.AttributeType codes. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  string_data?: Uint8Array[];
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OnnxNode {
  name?: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute?: OnnxAttribute[];
}

export interface OnnxDim {
  dim_value?: number;
  dim_param?: string;
}

export interface OnnxValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDim[] } } };
  doc_string?: string;
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer?: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  value_info?: OnnxValueInfo[];
  doc_string?: string;
}

export interface OnnxModel {
  ir_version?: number;
  opset_import: { domain?: string; version: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph: OnnxGraph;
  metadata_props?: { key: string; value: string }[];
  functions?: unknown[];
}

/** Decodes ONNX bytes; a corrupt file throws protobufjs's error. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const msg = ModelType.decode(bytes);
  const obj = ModelType.toObject(msg, { longs: Number, enums: Number, arrays: true, defaults: false }) as OnnxModel;
  if (!obj.graph) throw new Error('not an ONNX model: no graph');
  obj.graph.node ??= [];
  obj.graph.input ??= [];
  obj.graph.output ??= [];
  return obj;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const err = ModelType.verify(model);
  if (err) throw new Error(`invalid ONNX model object: ${err}`);
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

const utf8 = new TextEncoder();

/** Builders for the nodes, attributes and constants graph surgery needs. */
export const onnx = {
  node(op_type: string, input: string[], output: string[], attrs: OnnxAttribute[] = [], domain?: string): OnnxNode {
    return {
      op_type,
      input,
      output,
      name: output[0] ?? op_type,
      ...(attrs.length ? { attribute: attrs } : {}),
      ...(domain ? { domain } : {}),
    };
  },
  int: (name: string, i: number): OnnxAttribute => ({ name, type: AttrType.INT, i }),
  ints: (name: string, ints: number[]): OnnxAttribute => ({ name, type: AttrType.INTS, ints }),
  float: (name: string, f: number): OnnxAttribute => ({ name, type: AttrType.FLOAT, f }),
  floats: (name: string, floats: number[]): OnnxAttribute => ({ name, type: AttrType.FLOATS, floats }),
  string: (name: string, s: string): OnnxAttribute => ({ name, type: AttrType.STRING, s: utf8.encode(s) }),
  strings: (name: string, s: string[]): OnnxAttribute => ({
    name,
    type: AttrType.STRINGS,
    strings: s.map((v) => utf8.encode(v)),
  }),
  /** A tensor initializer stored as raw little-endian bytes. */
  tensor(
    name: string,
    dims: number[],
    data: Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array,
  ): OnnxTensor {
    const data_type =
      data instanceof Float32Array
        ? OnnxDataType.FLOAT
        : data instanceof Float64Array
          ? OnnxDataType.DOUBLE
          : data instanceof Int32Array
            ? OnnxDataType.INT32
            : data instanceof BigInt64Array
              ? OnnxDataType.INT64
              : data instanceof Int8Array
                ? OnnxDataType.INT8
                : OnnxDataType.UINT8;
    return {
      name,
      dims,
      data_type,
      raw_data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    };
  },
  int64s: (name: string, values: number[], dims: number[] = [values.length]): OnnxTensor =>
    onnx.tensor(
      name,
      dims,
      BigInt64Array.from(values, (v) => BigInt(v)),
    ),
  valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxValueInfo {
    return {
      name,
      type: {
        tensor_type: {
          elem_type: elemType,
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
        },
      },
    };
  },
};

/** Float values of a FLOAT initializer, whichever field stores them. */
export function tensorFloats(t: OnnxTensor): Float32Array {
  if (t.data_type !== OnnxDataType.FLOAT) throw new Error(`tensor ${t.name ?? ''} is not float32`);
  if (t.raw_data && t.raw_data.byteLength) {
    const copy = new Uint8Array(t.raw_data);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.float_data ?? []);
}

/** An attribute of a node, by name. */
export function attrOf(n: OnnxNode, name: string): OnnxAttribute | undefined {
  return n.attribute?.find((a) => a.name === name);
}
export const attrInt = (n: OnnxNode, name: string, fallback: number): number => attrOf(n, name)?.i ?? fallback;
export const attrFloat = (n: OnnxNode, name: string, fallback: number): number => attrOf(n, name)?.f ?? fallback;

/** Row-major `rows × cols` → `cols × rows`. */
export function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j]!;
  return t;
}
