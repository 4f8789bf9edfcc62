/**
 * A light HTTP/1.1 load generator for the serving bench: `connections` keep-alive sockets on
 * loopback, each sending the same pre-encoded POST again as soon as the previous response has been
 * read in full (one request in flight per connection, no pipelining, like autocannon's default).
 * It parses only the status line and Content-Length of each response.
 *
 * Where a C compiler is found, the same loop runs as bench/httpLoad.c (one thread, epoll, the
 * request bytes prebuilt), compiled once per process with `cc -O2`: like Triton's perf_analyzer,
 * a native client, which on the 2-core bench host costs about 20–26 µs of CPU a request against
 * 34–49 µs for the Node.js loop below (both under load, same server). Since the generator shares
 * the cores with the server, what it spends is taken from the server. Without a compiler, or with
 * WEFT_HTTP_LOAD=node, the Node.js loop runs, and `generator` says which ran.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What one run saw. */
export interface HttpLoadResult {
  /** Responses with status 2xx. */
  ok: number;
  /** Responses with any other status. */
  non2xx: number;
  /** Socket errors and connections closed before their response. */
  errors: number;
  /** Responses per second over the whole run, 2xx or not. */
  reqPerS: number;
  /** Latency percentiles in milliseconds, from sending a request to reading its last byte. */
  p50: number;
  p99: number;
  /** CPU seconds the load generator spent (user + system). */
  cpuS: number;
}

/** Options of one load run. */
export interface HttpLoadOptions {
  url: string;
  body: string | Buffer;
  contentType?: string;
  /** More request headers, such as Inference-Header-Content-Length. */
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : NaN;
}

/** The request as bytes on the wire. */
function requestBytes(opts: HttpLoadOptions): Buffer {
  const u = new URL(opts.url);
  const body = Buffer.from(opts.body);
  const more = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(
      `POST ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: ${opts.contentType ?? 'application/json'}\r\n${more}content-length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
}

let native: { dir: string; bin: string } | null | undefined;

/** bench/httpLoad.c compiled into a temporary folder (once), or null without a working C compiler. */
function nativeGenerator(): { dir: string; bin: string } | null {
  if (native !== undefined) return native;
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-http-load-'));
  const bin = path.join(dir, 'http-load');
  const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'httpLoad.c');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', bin, source], { stdio: 'ignore' });
    native = { dir, bin };
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  } catch {
    rmSync(dir, { recursive: true, force: true });
    native = null;
  }
  return native;
}

/** The native generator unless WEFT_HTTP_LOAD=node asks for the Node.js loop. */
function chosen(): { dir: string; bin: string } | null {
  return process.env.WEFT_HTTP_LOAD === 'node' ? null : nativeGenerator();
}

/** Which generator `httpLoad` runs, in words. */
export function generator(): string {
  if (process.env.WEFT_HTTP_LOAD === 'node') return 'bench/httpLoad.ts (Node.js; WEFT_HTTP_LOAD=node)';
  return nativeGenerator()
    ? 'bench/httpLoad.c (C, one thread, epoll; compiled with cc -O2)'
    : 'bench/httpLoad.ts (Node.js; no C compiler found)';
}

/** Sends `body` to `url` from `connections` clients for `seconds`; resolves once every socket is closed. */
export async function httpLoad(opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const c = chosen();
  return c ? nativeLoad(c.bin, c.dir, opts) : nodeLoad(opts);
}

async function nativeLoad(bin: string, dir: string, opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const u = new URL(opts.url);
  if (u.protocol !== 'http:' || !net.isIPv4(u.hostname)) throw new Error(`bench/httpLoad.c needs an http://IPv4 URL`);
  const file = path.join(dir, 'request.bin');
  writeFileSync(file, requestBytes(opts));
  const child = spawn(bin, [u.hostname, u.port || '80', file, String(opts.connections), String(opts.seconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench/httpLoad.c exited with ${code}: ${err.trim()}`);
  const r = JSON.parse(out) as Record<'ok' | 'non2xx' | 'errors' | 'seconds' | 'p50_ms' | 'p99_ms' | 'cpu_s', number>;
  return {
    ok: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    reqPerS: (r.ok + r.non2xx) / r.seconds,
    p50: r.p50_ms,
    p99: r.p99_ms,
    cpuS: r.cpu_s,
  };
}

async function nodeLoad(opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const cpu0 = process.cpuUsage();
  const u = new URL(opts.url);
  const request = requestBytes(opts);
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let non2xx = 0;
  let errors = 0;
  let stopping = false;
  const start = performance.now();

  const client = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.connect(Number(u.port), u.hostname);
      socket.setNoDelay(true);
      let pending: Buffer | undefined;
      let need = -1;
      let sentAt = 0;
      let inFlight = false;
      const send = (): void => {
        sentAt = performance.now();
        inFlight = true;
        socket.write(request);
      };
      const finish = (): void => {
        if (inFlight) errors++;
        inFlight = false;
        resolve();
      };
      socket.on('connect', send);
      socket.on('error', () => socket.destroy());
      socket.on('close', finish);
      socket.on('data', (chunk: Buffer) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        while (pending) {
          if (need < 0) {
            const end = pending.indexOf(HEADER_END);
            if (end < 0) return;
            const head = pending.toString('latin1', 0, end);
            const length = /\r\ncontent-length: *(\d+)/i.exec(head);
            if (!length) {
              socket.destroy();
              return;
            }
            if (head.charCodeAt(9) !== 0x32) non2xx++;
            need = end + HEADER_END.length + Number(length[1]);
          }
          if (pending.length < need) return;
          pending = pending.length === need ? undefined : pending.subarray(need);
          need = -1;
          inFlight = false;
          if (count === latencies.length) {
            const grown = new Float64Array(count * 2);
            grown.set(latencies);
            latencies = grown;
          }
          latencies[count++] = performance.now() - sentAt;
          if (stopping) {
            socket.end();
            return;
          }
          send();
        }
      });
    });

  const stop = setTimeout(() => (stopping = true), opts.seconds * 1000);
  await Promise.all(Array.from({ length: opts.connections }, client));
  clearTimeout(stop);
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.slice(0, count).sort();
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuS: (cpu.user + cpu.system) / 1e6,
    ok: count - non2xx,
    non2xx,
    errors,
    reqPerS: count / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}
