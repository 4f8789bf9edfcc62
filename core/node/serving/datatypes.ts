import type * as ort from 'onnxruntime-node';

/** Tensor element types of the Open Inference Protocol (KServe v2), as onnxruntime and Triton name them. */
export const DATATYPES = {
  BOOL: { ort: 'bool', triton: 'TYPE_BOOL' },
  UINT8: { ort: 'uint8', triton: 'TYPE_UINT8' },
  UINT16: { ort: 'uint16', triton: 'TYPE_UINT16' },
  UINT32: { ort: 'uint32', triton: 'TYPE_UINT32' },
  UINT64: { ort: 'uint64', triton: 'TYPE_UINT64' },
  INT8: { ort: 'int8', triton: 'TYPE_INT8' },
  INT16: { ort: 'int16', triton: 'TYPE_INT16' },
  INT32: { ort: 'int32', triton: 'TYPE_INT32' },
  INT64: { ort: 'int64', triton: 'TYPE_INT64' },
  FP16: { ort: 'float16', triton: 'TYPE_FP16' },
  FP32: { ort: 'float32', triton: 'TYPE_FP32' },
  FP64: { ort: 'float64', triton: 'TYPE_FP64' },
  BYTES: { ort: 'string', triton: 'TYPE_STRING' },
} as const satisfies Record<string, { ort: ort.Tensor.Type; triton: string }>;

export type Datatype = keyof typeof DATATYPES;

/** The protocol datatype for an onnxruntime tensor type, or undefined for types the protocol lacks. */
export function datatypeOf(ortType: string): Datatype | undefined {
  return (Object.keys(DATATYPES) as Datatype[]).find((k) => DATATYPES[k].ort === ortType);
}
