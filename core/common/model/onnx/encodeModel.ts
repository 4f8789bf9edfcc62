import { ProtoWriter } from './protoWriter';

/** Element types Weft's graphs use, spelled as in ports.ts. */
export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

/** ONNX TensorProto.DataType codes. */
const DATA_TYPE: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

export interface TensorData {
  name: string;
  dtype: ElemType;
  dims: readonly number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export type AttrValue =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string }
  | { strings: readonly string[] }
  | { t: TensorData };

export interface NodeData {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrValue>>;
  name?: string;
  /** Operator set domain; the default ONNX domain when absent, e.g. `ai.onnx.ml` for tree ensembles. */
  domain?: string;
}

/** A graph input or output: a fixed size or a named symbolic dimension per axis. */
export interface ValueInfoData {
  name: string;
  dtype: ElemType;
  shape: readonly (number | string)[];
}

export interface GraphData {
  name: string;
  nodes: readonly NodeData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
  initializers: readonly TensorData[];
}

/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;
export const OPSET = 17;
/** The `ai.onnx.ml` opset imported when a node uses that domain (TreeEnsemble*, opset 3 attributes). */
export const ML_OPSET = 3;

function writeTensor(w: ProtoWriter, t: TensorData): void {
  w.packedInts(1, t.dims);
  w.int(2, DATA_TYPE[t.dtype]);
  w.string(8, t.name);
  const d = t.data;
  w.bytes(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
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
    for (const v of a.strings) w.string(9, v);
    w.int(20, 8);
  } else {
    w.message(5, (tw) => writeTensor(tw, a.t));
    w.int(20, 4);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoData): void {
  w.string(1, v.name);
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

/**
 * Encodes a ModelProto (IR 8, default-domain opset 17, plus `ai.onnx.ml` opset 3 when a node uses
 * that domain) as protobuf bytes.
 */
export function encodeModel(graph: GraphData, producer = 'weft'): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, producer);
  w.message(7, (g) => {
    graph.nodes.forEach((n, k) => {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.name ?? `${n.opType}_${k}`);
        nw.string(4, n.opType);
        if (n.domain) nw.string(7, n.domain);
        for (const [name, a] of Object.entries(n.attrs ?? {})) nw.message(5, (aw) => writeAttr(aw, name, a));
      });
    });
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, OPSET);
  });
  if (graph.nodes.some((n) => n.domain === 'ai.onnx.ml')) {
    w.message(8, (o) => {
      o.string(1, 'ai.onnx.ml');
      o.int(2, ML_OPSET);
    });
  }
  return w.finish();
}
