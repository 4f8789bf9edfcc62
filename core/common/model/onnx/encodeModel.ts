import { ProtoWriter, utf8 } from './protoWriter';

/** Element types Weft's own graphs compute in, spelled as in ports.ts. */
export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

/** Every ONNX tensor element type Weft reads or writes. */
export type DataType =
  ElemType | 'string' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'float16' | 'uint32' | 'uint64' | 'bfloat16';

/** ONNX TensorProto.DataType codes. */
export const DATA_TYPE: Record<DataType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
};

export interface TensorData {
  name: string;
  dtype: DataType;
  dims: readonly number[];
  /** Values; raw little-endian bytes (`Uint8Array`) for element types without a typed array here. */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | readonly string[];
  /** A TensorProto read from a file that this model does not describe (external data), written back as is. */
  proto?: Uint8Array;
}

export type AttrValue =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string }
  | { strings: readonly string[] }
  | { t: TensorData }
  /** An AttributeProto's fields other than its name (subgraphs and the like), kept verbatim. */
  | { proto: Uint8Array };

export interface NodeData {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrValue>>;
  name?: string;
  /** Operator set domain, e.g. `ai.onnx.ml`; the default domain when absent. */
  domain?: string;
  /** NodeProto fields not modelled here (doc_string, overload...), kept verbatim. */
  extra?: Uint8Array;
}

/** A graph input or output: a fixed size or a named symbolic dimension per axis. */
export interface ValueInfoData {
  name: string;
  dtype: DataType;
  shape: readonly (number | string)[];
  /** The TypeProto of a value that is not a plain tensor with a known shape, kept verbatim. */
  typeProto?: Uint8Array;
  /** Set for sequences, maps and other values that are not tensors (read from a file). */
  nonTensor?: true;
}

export interface GraphData {
  name: string;
  nodes: readonly NodeData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
  initializers: readonly TensorData[];
  valueInfo?: readonly ValueInfoData[];
  /** GraphProto fields not modelled here, kept verbatim. */
  extra?: Uint8Array;
}

/** A whole ONNX model: the graph plus its header, opsets and metadata. */
export interface ModelData {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  graph: GraphData;
  metadata?: readonly { key: string; value: string }[];
  /** ModelProto fields not modelled here (functions, doc_string...), kept verbatim. */
  extra?: Uint8Array;
}

/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;
export const OPSET = 17;
/** The ai.onnx.ml opset Weft's preprocessing uses (LabelEncoder with string keys). */
export const ML_OPSET = 3;

function writeTensor(w: ProtoWriter, t: TensorData): void {
  if (t.proto) {
    w.raw(t.proto);
    return;
  }
  w.packedInts(1, t.dims);
  w.int(2, DATA_TYPE[t.dtype]);
  w.string(8, t.name);
  const d = t.data;
  if (Array.isArray(d)) {
    for (const s of d as readonly string[]) w.string(6, s);
    return;
  }
  const view = d as Exclude<TensorData['data'], readonly string[]>;
  w.bytes(9, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

function writeAttr(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  if ('i' in a) {
    w.int(3, a.i);
    w.int(20, 2);
  } else if ('f' in a) {
    w.float(2, a.f);
    w.int(20, 1);
  } else if ('ints' in a) {
    w.packedInts(8, a.ints);
    w.int(20, 7);
  } else if ('floats' in a) {
    w.packedFloats(7, a.floats);
    w.int(20, 6);
  } else if ('s' in a) {
    w.string(4, a.s);
    w.int(20, 3);
  } else if ('strings' in a) {
    const bytes = new Map<string, Uint8Array>();
    for (const s of a.strings) {
      let b = bytes.get(s);
      if (!b) bytes.set(s, (b = utf8(s)));
      w.bytes(9, b);
    }
    w.int(20, 8);
  } else if ('t' in a) {
    w.message(5, (tw) => writeTensor(tw, a.t));
    w.int(20, 4);
  } else {
    w.raw(a.proto);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoData): void {
  w.string(1, v.name);
  if (v.typeProto) {
    w.bytes(2, v.typeProto);
    return;
  }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DATA_TYPE[v.dtype]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(g: ProtoWriter, graph: GraphData): void {
  graph.nodes.forEach((n, k) => {
    g.message(1, (nw) => {
      for (const i of n.inputs) nw.string(1, i);
      for (const o of n.outputs) nw.string(2, o);
      nw.string(3, n.name ?? `${n.opType}_${k}`);
      nw.string(4, n.opType);
      for (const [name, a] of Object.entries(n.attrs ?? {})) nw.message(5, (aw) => writeAttr(aw, name, a));
      if (n.domain) nw.string(7, n.domain);
      if (n.extra) nw.raw(n.extra);
    });
  });
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
  for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  for (const v of graph.valueInfo ?? []) g.message(13, (vw) => writeValueInfo(vw, v));
  if (graph.extra) g.raw(graph.extra);
}

/** Encodes a whole model: header, opsets, graph and metadata_props. */
export function encodeModelData(model: ModelData): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const o of model.opsets) {
    w.message(8, (ow) => {
      ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  }
  for (const p of model.metadata ?? []) {
    w.message(14, (pw) => {
      pw.string(1, p.key);
      pw.string(2, p.value);
    });
  }
  if (model.extra) w.raw(model.extra);
  return w.finish();
}

/** The version of every other operator set domain a Weft graph may use (`com.microsoft`: onnxruntime's contrib ops). */
export const DOMAIN_OPSETS: Readonly<Record<string, number>> = { 'ai.onnx.ml': ML_OPSET, 'com.microsoft': 1 };

/** The opsets of the domains a graph's nodes use: the default domain first, then the others in order of use. */
export function opsetsOf(graph: GraphData): { domain: string; version: number }[] {
  const domains = [...new Set(graph.nodes.map((n) => n.domain).filter((d): d is string => !!d))];
  return [
    { domain: '', version: OPSET },
    ...domains.map((domain) => ({ domain, version: DOMAIN_OPSETS[domain] ?? 1 })),
  ];
}

/** The model around a graph Weft built: IR 8, opset 17, plus the other domains its nodes use (ai.onnx.ml…). */
function modelOf(graph: GraphData, producer = 'weft'): ModelData {
  return {
    irVersion: IR_VERSION,
    opsets: opsetsOf(graph),
    producerName: producer,
    graph,
  };
}

/** Encodes a ModelProto (IR 8, default-domain opset 17) as protobuf bytes. */
export function encodeModel(graph: GraphData, producer = 'weft'): Uint8Array {
  return encodeModelData(modelOf(graph, producer));
}
