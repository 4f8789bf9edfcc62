import { readFileSync, statSync } from 'node:fs';
import { decodeModel } from '../../common/model/onnx/decodeModel';

function bytesOf(model: Uint8Array | string): Uint8Array | undefined {
  if (typeof model !== 'string') return model;
  try {
    return statSync(model).size <= 512 * 1024 * 1024 ? readFileSync(model) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the bytes are the start of an ONNX model that stops in the middle of a record: they open
 * with the `ir_version` field, as every ONNX writer puts it first, and the reader runs past the end.
 */
function looksTruncated(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x08) return false;
  try {
    decodeModel(bytes);
    return false;
  } catch (e) {
    return e instanceof RangeError;
  }
}

/**
 * One line saying why onnxruntime could not load a model: missing, empty, truncated, not ONNX at
 * all, or a valid file with a graph onnxruntime rejects. `label` names the file.
 */
export function describeLoadError(label: string, model: Uint8Array | string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  if (typeof model === 'string' && /File doesn't exist/i.test(raw)) return `${label}: no such file`;
  const bytes = bytesOf(model);
  if (bytes && bytes.byteLength === 0) return `${label}: the file is empty (0 bytes), not an ONNX model`;
  if (/protobuf parsing failed/i.test(raw)) {
    const size = bytes ? ` (${bytes.byteLength} bytes)` : '';
    return bytes && looksTruncated(bytes)
      ? `${label}: the ONNX file is truncated${size}: it ends in the middle of a record; copy or export it again`
      : `${label}: not an ONNX model${size}: its bytes do not parse as an ONNX protobuf; check the file is a .onnx model and not corrupt`;
  }
  return `${label}: onnxruntime cannot load this model: ${cleanOrtMessage(raw).slice(0, 300)}`;
}

/** The readable part of an onnxruntime error: its first line without source paths and assertion text. */
export function cleanOrtMessage(message: string): string {
  let line = (message.split('\n')[0] ?? '').replace(/^Load model from .*? failed:/, '');
  const afterAssert = line.split(' was false. ');
  if (afterAssert.length > 1) line = afterAssert.slice(1).join(' was false. ');
  return line.replace(/\/onnxruntime_src\/\S+(\s+\S+::\S+)*\s*/g, '').trim();
}
