import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';

interface MnistDigit {
  get: (i: number) => number[];
}
const mnist = createRequire(import.meta.url)('mnist') as Record<string, MnistDigit>;

/** Sample `i` of digit `d` from the mnist package: 28×28 grey bytes, row-major. */
export function digitPixels(d: number, i: number): Uint8Array {
  return Uint8Array.from(mnist[String(d)].get(i), (v) => Math.round(v * 255));
}

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

/** Encodes 28×28 grey bytes as an image file with sharp. */
export async function writeDigit(file: string, pixels: Uint8Array, format: ImageFormat): Promise<void> {
  const img = sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } });
  const encoded =
    format === 'png'
      ? img.png()
      : format === 'jpeg'
        ? img.jpeg({ quality: 95 })
        : format === 'webp'
          ? img.webp({ lossless: true })
          : img.gif();
  await encoded.toFile(file);
}

/** Writes `perClass` digits of each class in `digits` under `<dir>/<digit>/<i>.<ext>`, cycling through the formats. */
export async function writeDigitFolder(
  dir: string,
  digits: number[],
  perClass: number,
  formats: ImageFormat[] = ['png'],
): Promise<void> {
  for (const d of digits) {
    mkdirSync(path.join(dir, String(d)), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const format = formats[(d + i) % formats.length];
      await writeDigit(
        path.join(dir, String(d), `${i}.${format === 'jpeg' ? 'jpg' : format}`),
        digitPixels(d, i),
        format,
      );
    }
  }
}
