import { createGunzip } from 'node:zlib';
import { InputError } from '../executors/Executor';

/**
 * Decompresses gzip data, stopping as soon as the output passes a limit. `limitFor` sees the output
 * so far (at least `headBytes` of it, or all of it when shorter) and returns the most bytes the
 * whole output may have; past that the read stops with a UserError naming `file`.
 */
export async function gunzipBounded(
  data: Uint8Array,
  file: string,
  headBytes: number,
  limitFor: (head: Buffer) => number,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const gz = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    let limit: number | undefined;
    let done = false;
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      gz.destroy();
      reject(e);
    };
    gz.on('data', (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      size += chunk.length;
      if (limit === undefined && size >= headBytes) {
        try {
          limit = limitFor(Buffer.concat(chunks));
        } catch (e) {
          fail(e as Error);
          return;
        }
      }
      if (limit !== undefined && size > limit)
        fail(
          new InputError(
            `${file}: the gzip data decompresses to more than the ${limit} bytes its header allows; the file is corrupt or not what it claims`,
          ),
        );
    });
    gz.on('error', (e) => fail(new InputError(`${file}: corrupt gzip data (${e.message})`)));
    gz.on('end', () => {
      if (done) return;
      done = true;
      const out = Buffer.concat(chunks);
      try {
        if (limit === undefined && out.length > limitFor(out))
          throw new InputError(`${file}: the gzip data decompresses to more bytes than its header allows`);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      resolve(out);
    });
    gz.end(data);
  });
}
