import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { UserError } from '../executors/Executor';

/** Whether this process can read files whatever their permission bits (root, CAP_DAC_OVERRIDE). */
export function readsIgnorePermissions(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Maps a Node file-system error to a one-line UserError naming the file. */
export function fileError(file: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new UserError(`${file}: no such file or folder`);
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${file}: permission denied (check the file's read permission)`);
    case 'EISDIR':
      return new UserError(`${file}: is a folder, expected a file`);
    case 'ENOTDIR':
      return new UserError(`${file}: is a file, expected a folder`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/** Checks that `file` exists, is of the expected kind and is readable; returns its size. */
export async function checkReadable(file: string, kind: 'file' | 'folder' = 'file'): Promise<number> {
  let st;
  try {
    st = await stat(file);
    await access(file, constants.R_OK);
  } catch (e) {
    throw fileError(file, e);
  }
  if (kind === 'file' && st.isDirectory()) throw new UserError(`${file}: is a folder, expected a file`);
  if (kind === 'folder' && !st.isDirectory()) throw new UserError(`${file}: is a file, expected a folder`);
  return st.size;
}

/** Reads up to `bytes` bytes from the start of a file. */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw fileError(file, e);
  } finally {
    await fh?.close();
  }
}

/** Throws when the bytes look binary (NUL bytes or many control characters), naming the file. */
export function rejectBinary(file: string, head: Uint8Array, what = 'a text file'): void {
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0) throw new UserError(`${file}: looks like a binary file (NUL byte at offset ${i}), expected ${what}`);
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) controls++;
  }
  if (head.length > 0 && controls / head.length > 0.05) {
    throw new UserError(
      `${file}: looks like a binary file (${controls} control bytes in the first ${head.length}), expected ${what}`,
    );
  }
}
