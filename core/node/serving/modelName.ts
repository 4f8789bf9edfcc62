import path from 'node:path';

/** The URL-safe model name for a file: its base name without `.onnx`. */
export function modelNameFor(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.onnx$/i, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_') || 'model'
  );
}
