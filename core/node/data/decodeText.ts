import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { UserError } from '../executors/Executor';
import { fileError } from './openInput';

/** Thrown by `decodeChunks` when bytes are not valid UTF-8. */
export class InvalidUtf8Error extends Error {
  constructor(readonly byteOffset: number) {
    super(`invalid UTF-8 at byte ${byteOffset}`);
  }
}

/** 1-based line number of a byte offset in a file. */
export async function lineAtOffset(file: string, byteOffset: number): Promise<number> {
  const buf = await readFile(file);
  let n = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < byteOffset; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Byte length of the valid UTF-8 prefix of `buf`. */
function validUtf8Prefix(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    // a prefix cut inside a multi-byte sequence is invalid, so step back to a boundary
    let cut = mid;
    while (cut > 0 && cut < buf.length && (buf[cut] & 0xc0) === 0x80) cut--;
    if (isUtf8(buf.subarray(0, cut))) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && lo < buf.length && (buf[lo] & 0xc0) === 0x80) lo--;
  return lo;
}

/**
 * Streams a file as decoded text chunks. A UTF-8 byte-order mark is dropped. With `utf-8`,
 * invalid bytes throw `InvalidUtf8Error` carrying the byte offset and line.
 */
export async function* decodeChunks(
  file: string,
  encoding: 'utf-8' | 'latin1',
  chunkBytes = 1 << 20,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'windows-1252', { fatal: true, ignoreBOM: false });
  let offset = 0;
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(raw, { stream: true });
      } catch {
        const at = validUtf8Prefix(raw);
        throw new InvalidUtf8Error(offset + at);
      }
      offset += raw.length;
      if (text) yield text;
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw new InvalidUtf8Error(offset);
    }
    if (tail) yield tail;
  } catch (e) {
    if (e instanceof InvalidUtf8Error) throw e;
    throw fileError(file, e);
  } finally {
    stream.destroy();
  }
}

/** One line explaining undecodable text, for an explicit `utf-8` encoding. */
export async function undecodableError(file: string, e: InvalidUtf8Error): Promise<UserError> {
  const line = await lineAtOffset(file, e.byteOffset);
  return new UserError(
    `${file}:${line}: undecodable text: invalid UTF-8 at byte ${e.byteOffset}; save the file as UTF-8 or set encoding to 'latin1'`,
  );
}
