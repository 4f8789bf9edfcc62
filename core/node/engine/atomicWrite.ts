import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileError } from '../data/openInput';

const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether `name` is a temp file of `atomicWrite` whose writing process is gone. */
export function isStaleTempFile(name: string): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Writes a file (a string, bytes, or pieces written one after another without joining them) so readers see the old content or the new, never a torn one: temp file + rename.
 * A failure is a one-line InputError naming `file` (or `reportAs`), never the temp file, and saying
 * what to do (ENOSPC, EACCES, EROFS...).
 */
export async function atomicWrite(
  file: string,
  data: string | Uint8Array | readonly Uint8Array[],
  opts: { reportAs?: string } = {},
): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw fileError(opts.reportAs ?? file, e, 'write');
  }
}
