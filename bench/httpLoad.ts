/**
 * A light HTTP/1.1 load generator for the serving bench: `connections` keep-alive sockets on
 * loopback, each sending the same pre-encoded POST again as soon as the previous response has been
 * read in full (one request in flight per connection, no pipelining, like autocannon's default).
 * It parses only the status line and Content-Length of each response, so it spends a fraction of
 * autocannon's CPU per request on a machine where the load generator shares the cores with the
 * server.
 */
import net from 'node:net';

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
}

const HEADER_END = Buffer.from('\r\n\r\n');

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : NaN;
}

/** Sends `body` to `url` from `connections` clients for `seconds`; resolves once every socket is closed. */
export async function httpLoad(opts: {
  url: string;
  body: string | Buffer;
  contentType?: string;
  /** More request headers, such as Inference-Header-Content-Length. */
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<HttpLoadResult> {
  const u = new URL(opts.url);
  const body = Buffer.from(opts.body);
  const more = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const request = Buffer.concat([
    Buffer.from(
      `POST ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: ${opts.contentType ?? 'application/json'}\r\n${more}content-length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
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
  return {
    ok: count - non2xx,
    non2xx,
    errors,
    reqPerS: count / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}
