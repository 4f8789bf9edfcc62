import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generator, httpLoad } from '../../../bench/httpLoad';

/**
 * The serving bench's load generators count what a plain node:http server says it answered: every
 * third request gets a 500, bodies come in two writes (chunked transfer is not used: the generators
 * cut responses by Content-Length) and each request body must arrive whole.
 */
let server: Server;
let url = '';
const seen = { requests: 0, errors: 0, badBodies: 0 };
const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }).repeat(40);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (Buffer.concat(chunks).toString() !== body) seen.badBodies++;
      const n = ++seen.requests;
      const status = n % 3 === 0 ? 500 : 200;
      if (status !== 200) seen.errors++;
      const reply = `{"n":${n},"pad":"${'x'.repeat(n % 50)}"}`;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.write(reply.slice(0, 5));
      res.end(reply.slice(5));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/models/m/infer`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bench load generators', () => {
  for (const which of ['native', 'node'] as const) {
    it(`${which}: counts every response the server sent, 2xx and not, and sends whole bodies`, async () => {
      if (which === 'node') process.env.WEFT_HTTP_LOAD = 'node';
      try {
        const name = generator();
        if (which === 'native' && !name.includes('httpLoad.c')) return; // no C compiler here
        const before = { ...seen };
        const r = await httpLoad({ url, body, connections: 8, seconds: 0.3 });
        expect(seen.badBodies - before.badBodies).toBe(0);
        expect(r.errors).toBe(0);
        expect(r.ok + r.non2xx).toBe(seen.requests - before.requests);
        expect(r.non2xx).toBe(seen.errors - before.errors);
        expect(r.ok).toBeGreaterThan(0);
        expect(r.p99).toBeGreaterThanOrEqual(r.p50);
      } finally {
        delete process.env.WEFT_HTTP_LOAD;
      }
    });
  }
});
