/** Readers for decoded ONNX nodes and tensors (decodeModel). */
import type { NodeData, TensorData } from './encodeModel';

export const attrInt = (n: NodeData, name: string, fallback: number): number => {
  const a = n.attrs?.[name];
  return a && 'i' in a ? a.i : fallback;
};
export const attrFloat = (n: NodeData, name: string, fallback: number): number => {
  const a = n.attrs?.[name];
  return a && 'f' in a ? a.f : fallback;
};
export const attrInts = (n: NodeData, name: string): number[] | undefined => {
  const a = n.attrs?.[name];
  return a && 'ints' in a ? [...a.ints] : undefined;
};

/** Float values of a float32 initializer. */
export function tensorFloats(t: TensorData): Float32Array {
  if (t.dtype !== 'float32' || !(t.data instanceof Float32Array)) throw new Error(`tensor ${t.name} is not float32`);
  return t.data;
}

/** Row-major `rows × cols` → `cols × rows`. */
export function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j]!;
  return t;
}
