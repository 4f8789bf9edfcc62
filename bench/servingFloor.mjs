// The HTTP floor of bench/serving.bench.ts: a bare Fastify server (the framework and Node version
// `weft serve-model` uses) with the same infer route, reading each body (JSON, or binary tensor
// data sent as octet-stream) as a Buffer the way the model server does but not parsing it, and
// answering every request with the given reply text. It prints "serving floor on <url>" once
// listening and stops on SIGTERM.
import Fastify from 'fastify';

const reply = process.argv[2];
const app = Fastify({ logger: false });
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/v2/models/:model/infer', async (_req, res) => res.type('application/json; charset=utf-8').send(reply));
await app.listen({ host: '127.0.0.1', port: 0 });
// eslint-disable-next-line no-console -- the line the bench waits for
console.log(`serving floor on http://127.0.0.1:${app.server.address().port}`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
