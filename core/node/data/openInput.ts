import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError, UserError } from '../executors/Executor';

/** Whether this process can read files whatever their permission bits (root, CAP_DAC_OVERRIDE). */
export function readsIgnorePermissions(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** What a file-system error code means, and what to do about it, for one-line messages. */
const FS_REASONS: Record<string, { read: string; write: string }> = {
  ENOENT: { read: 'no such file or folder', write: 'its folder does not exist; create it or choose another path' },
  EACCES: {
    read: "permission denied (check the file's read permission)",
    write: 'permission denied; make the folder writable or choose another path',
  },
  EPERM: {
    read: "permission denied (check the file's read permission)",
    write: 'operation not permitted; make the folder writable or choose another path',
  },
  EISDIR: { read: 'is a folder, expected a file', write: 'is a folder; choose a file name' },
  ENOTDIR: { read: 'is a file, expected a folder', write: 'a part of the path is a file, not a folder' },
  EEXIST: {
    read: 'already exists',
    write: 'a file is in the way of a folder on this path; move it or choose another path',
  },
  ENOSPC: {
    read: 'no space left on the device',
    write: 'no space left on the device; free some space or choose another disk',
  },
  EDQUOT: { read: 'disk quota exceeded', write: 'disk quota exceeded; free some space or choose another disk' },
  EROFS: { read: 'read-only file system', write: 'the file system is read-only; choose a writable folder' },
  ELOOP: { read: 'too many symbolic links (a link loop?)', write: 'too many symbolic links (a link loop?)' },
  ENAMETOOLONG: { read: 'the path is too long', write: 'the path is too long' },
  EMFILE: { read: 'too many open files; close other programs or raise the limit', write: 'too many open files' },
  EIO: { read: 'input/output error from the device', write: 'input/output error from the device' },
};

/** Maps a Node file-system error to a one-line UserError (exit code 2) naming the file. */
export function fileError(file: string, e: unknown, access: 'read' | 'write' = 'read'): Error {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? FS_REASONS[code] : undefined;
  if (reason) return new InputError(`${file}: ${reason[access]}`);
  if (code) return new InputError(`${file}: cannot ${access} (${code})`);
  return e instanceof Error ? e : new Error(String(e));
}

/** What a file system entry is, in words, when it is neither a regular file nor a folder. */
export function specialKind(st: Stats): string | undefined {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (!st.isFile() && !st.isDirectory()) return 'not a regular file';
  return undefined;
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
  const special = specialKind(st);
  if (special)
    throw new InputError(`${file}: is ${special}, expected a regular ${kind === 'folder' ? 'folder' : 'file'}`);
  if (kind === 'file' && st.isDirectory()) throw new InputError(`${file}: is a folder, expected a file`);
  if (kind === 'folder' && !st.isDirectory()) throw new InputError(`${file}: is a file, expected a folder`);
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
