import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileError } from '../../../../../core/node/data/openInput';
import { readIdx } from '../../../../../core/node/data/readIdx';
import { fileFingerprint } from '../../../../../core/node/engine/cacheKey';
import { InputError } from '../../../../../core/node/executors/Executor';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'weft-bounded-'));

/** An IDX header: magic (0, 0, type, ndims) then each dim as a big-endian uint32. */
function idxHeader(type: number, dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = type;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

describe('fingerprints read only regular files', () => {
  it('refuses character devices by name instead of hashing them forever', async () => {
    const t0 = Date.now();
    await expect(fileFingerprint('/dev/zero')).rejects.toThrow(
      '/dev/zero: is a character device, expected a regular file',
    );
    await expect(fileFingerprint('/dev/urandom')).rejects.toBeInstanceOf(InputError);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses a named pipe and a socket by name', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(fileFingerprint(fifo)).rejects.toThrow(`${fifo}: is a named pipe (FIFO), expected a regular file`);
    const sock = path.join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      await expect(fileFingerprint(sock)).rejects.toThrow(`${sock}: is a socket, expected a regular file`);
    } finally {
      server.close();
    }
  });

  it('stops walking a folder past the entry cap, naming the folder', async () => {
    const dir = tmp();
    for (let i = 0; i < 30; i++) writeFileSync(path.join(dir, `f${i}`), 'x');
    mkdirSync(path.join(dir, 'sub'));
    expect(await fileFingerprint(dir, 31)).toMatch(/^dir:/);
    await expect(fileFingerprint(dir, 20)).rejects.toThrow(`${dir}: more than 20 files and folders below it`);
  });

  it('refuses / quickly with the default cap', async () => {
    const t0 = Date.now();
    await expect(fileFingerprint('/')).rejects.toBeInstanceOf(InputError);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 15_000);
});

describe('gzip is inflated no further than the IDX header allows', () => {
  it('stops a 200 MB gzip bomb whose header claims 56 bytes right after those bytes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bomb-idx3-ubyte.gz');
    writeFileSync(
      file,
      gzipSync(Buffer.concat([idxHeader(0x08, [10, 2, 2]), Buffer.alloc(200 * 1024 ** 2)]), { level: 1 }),
    );
    const used = process.memoryUsage().rss;
    await expect(readIdx(file)).rejects.toThrow(/decompresses to more than the 56 bytes its header allows/);
    expect(process.memoryUsage().rss - used).toBeLessThan(150 * 1024 ** 2);
  });

  it('refuses a header whose shape needs more than the limit before inflating the body', async () => {
    const dir = tmp();
    const file = path.join(dir, 'huge-idx3-ubyte.gz');
    writeFileSync(file, gzipSync(Buffer.concat([idxHeader(0x08, [60_000_000, 280, 280]), Buffer.alloc(4096)])));
    await expect(readIdx(file)).rejects.toThrow(/shape \[60000000, 280, 280\] of ubyte needs \d+ bytes, more than/);
    const small = path.join(dir, 'small-idx1-ubyte.gz');
    writeFileSync(small, gzipSync(Buffer.concat([idxHeader(0x08, [1000]), Buffer.alloc(1000, 3)])));
    await expect(readIdx(small, 500)).rejects.toThrow(/needs 1008 bytes, more than the 500 allowed/);
    expect((await readIdx(small)).dims).toEqual([1000]);
  });
});

describe('file-system errors become one-line messages naming the file (exit code 2)', () => {
  it.each([
    ['EACCES', 'read', "/d/x.csv: permission denied (check the file's read permission)"],
    ['ENOENT', 'read', '/d/x.csv: no such file or folder'],
    ['EISDIR', 'read', '/d/x.csv: is a folder, expected a file'],
    ['ENOSPC', 'write', '/d/x.csv: no space left on the device; free some space or choose another disk'],
    ['EACCES', 'write', '/d/x.csv: permission denied; make the folder writable or choose another path'],
    ['EXDEV', 'write', '/d/x.csv: cannot write (EXDEV)'],
  ] as const)('%s on %s', (code, access, message) => {
    const raw = Object.assign(new Error(`${code}: raw message, open '/d/.x.csv.123.tmp'`), { code });
    const e = fileError('/d/x.csv', raw, access);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(message);
    expect((e as InputError).exitCode).toBe(2);
  });
});
