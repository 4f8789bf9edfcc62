import type * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';

/** One graph input or output as onnxruntime reports it. `dtype` is onnxruntime's tensor type name. */
export interface TensorInfo {
  name: string;
  /** `float32`, `int64`, `string`…; `non-tensor` for sequences and maps. */
  dtype: ort.Tensor.Type | 'non-tensor';
  /**
   * Sizes, symbolic names for dynamic dimensions, `null` where unknown. onnxruntime reports a
   * scalar and an unknown rank alike, as `[]`; absent for non-tensors.
   */
  shape?: (number | string | null)[];
}

export interface OnnxModelInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  producer?: string;
  opsets: { domain: string; version: number }[];
  /** `metadata_props` of the model (e.g. `weft.io`, `weft.class_names` for Weft exports). */
  metadata: Record<string, string>;
}

function info(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: 'non-tensor' };
  const shape = m.shape.map((d) => (typeof d === 'number' ? (d < 0 ? null : d) : d === '' ? null : d));
  return { name: m.name, dtype: m.type, shape };
}

/**
 * The model-level fields of an ONNX file (producer, opsets, metadata_props), read without
 * decoding the graph and its weights.
 */
export function readModelHeader(bytes: Uint8Array): Pick<OnnxModelInfo, 'producer' | 'opsets' | 'metadata'> {
  const r = protobuf.Reader.create(bytes);
  const out: Pick<OnnxModelInfo, 'producer' | 'opsets' | 'metadata'> = { opsets: [], metadata: {} };
  const pairs = (
    end: number,
    a: number,
    b: number,
    onPair: (x: string, y: string | number) => void,
    bIsInt: boolean,
  ): void => {
    let x = '';
    let y: string | number = bIsInt ? 0 : '';
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === a) x = r.string();
      else if (tag >>> 3 === b) y = bIsInt ? Number(r.int64()) : r.string();
      else r.skipType(tag & 7);
    }
    onPair(x, y);
  };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 2) out.producer = r.string();
    else if (field === 8)
      pairs(r.uint32() + r.pos, 1, 2, (domain, version) => out.opsets.push({ domain, version: Number(version) }), true);
    else if (field === 14) pairs(r.uint32() + r.pos, 1, 2, (k, v) => (out.metadata[k] = String(v)), false);
    else r.skipType(tag & 7);
  }
  return out;
}

/** Inputs and outputs of an open session, with the file's header fields. */
export function describeModel(session: ort.InferenceSession, bytes: Uint8Array): OnnxModelInfo {
  return {
    inputs: session.inputMetadata.map(info),
    outputs: session.outputMetadata.map(info),
    ...readModelHeader(bytes),
  };
}

/** `[N, 4]`-style text for a shape. */
export function formatShape(shape: TensorInfo['shape']): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '-';
}

/** A JSON value stored in metadata_props (e.g. `weft.class_names`), or undefined when absent or unreadable. */
export function metadataJson<T>(info: Pick<OnnxModelInfo, 'metadata'>, key: string): T | undefined {
  const text = info.metadata[key];
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}
