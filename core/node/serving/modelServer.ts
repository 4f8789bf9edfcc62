/**
 * `weft serve-model`: one ONNX model behind the Open Inference Protocol (KServe v2) REST API,
 * with Prometheus metrics, a request size limit and an API key wherever it listens beyond loopback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type * as ort from 'onnxruntime-node';
import { WEFT_VERSION } from '../version';
import { UserError } from '../executors/Executor';
import { describeModel, type OnnxModelInfo } from '../onnx/inspect';
import { EXPORT_NAMES } from '../export/preprocessGraph';
import { exportLayout } from '../onnx/runOnDataset';
import { openSession, type ProviderChoice, type ProviderName } from '../onnx/session';
import { BadRequest, feedsFromRequest, inferRequestSchema, responseTensor, tensorMetadata } from './oip';
import { ServerMetrics } from './serverMetrics';

export interface ModelServerOptions {
  /** The .onnx file to serve. */
  model: string;
  /** Model name in URLs. @default the file name without `.onnx` */
  name?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8000 */
  port?: number;
  /** Required on any host but loopback; then every request except health checks needs it. */
  apiKey?: string;
  /** Largest request body in bytes; larger ones get 413. @default 16 MiB */
  maxBodyBytes?: number;
  provider?: ProviderChoice;
  /** How long a client may take to send its request headers; slower ones get 408 and are closed. @default 5000 ms */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, body included. @default 30000 ms */
  bodyTimeoutMs?: number;
}

export interface ModelServer {
  url: string;
  name: string;
  provider: ProviderName;
  notes: string[];
  info: OnnxModelInfo;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function keyMatches(req: FastifyRequest, key: Buffer): boolean {
  const auth = req.headers.authorization;
  const given = auth?.startsWith('Bearer ') ? auth.slice(7) : req.headers['x-api-key'];
  return typeof given === 'string' && timingSafeEqual(digest(given), key);
}

/** The URL-safe model name for a file: its base name without `.onnx`. */
export function modelNameFor(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.onnx$/i, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_') || 'model'
  );
}

/** Starts serving; resolves once listening. */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.apiKey) {
    throw new UserError(
      `refusing to listen on ${host} without an API key: anyone who can reach it could use the model; pass --api-key (or WEFT_API_KEY), or keep the default 127.0.0.1`,
    );
  }
  const name = opts.name ?? modelNameFor(opts.model);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(opts.model));
  } catch (e) {
    throw new UserError(
      `${opts.model}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const opened = await openSession(bytes, { provider: opts.provider ?? 'auto', label: opts.model, spinWait: false });
  const session: ort.InferenceSession = opened.session;
  const info = describeModel(session, bytes);
  const layout = exportLayout(info);
  const missingAllowed = new Set(
    layout?.missing && info.inputs.some((i) => i.name === EXPORT_NAMES.numeric) ? [EXPORT_NAMES.numeric] : [],
  );
  const tensorOutputs = info.outputs.filter((o) => o.dtype !== 'non-tensor').map((o) => o.name);
  const metadata = {
    name,
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: info.inputs.map(tensorMetadata).filter((t) => t !== undefined),
    outputs: info.outputs.map(tensorMetadata).filter((t) => t !== undefined),
  };
  const metrics = new ServerMetrics();
  const key = opts.apiKey ? digest(opts.apiKey) : undefined;
  const headersTimeout = opts.headersTimeoutMs ?? 5000;
  const requestTimeout = Math.max(headersTimeout, opts.bodyTimeoutMs ?? 30_000);
  const app = Fastify({
    bodyLimit: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    logger: false,
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout,
          requestTimeout,
          connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
        },
        handler,
      ),
  });

  app.addHook('onRequest', async (req, reply) => {
    if (key && !req.url.startsWith('/v2/health/') && !keyMatches(req, key)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'missing or wrong API key: send Authorization: Bearer <key> or x-api-key' });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.setErrorHandler(async (err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof BadRequest ? 400 : (err.statusCode ?? 500);
    const message =
      status === 413
        ? `request body larger than the ${opts.maxBodyBytes ?? 16 * 1024 * 1024} byte limit`
        : status >= 500
          ? `inference failed: ${err.message.split('\n')[0]}`
          : err.message;
    await reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  const ready = (_req: FastifyRequest, reply: FastifyReply): FastifyReply => reply.send({ ready: true });
  const known = (req: FastifyRequest<{ Params: { model: string; version?: string } }>): void => {
    const { model, version } = req.params;
    if (model !== name)
      throw Object.assign(new Error(`model "${model}" is not served here; this server serves "${name}"`), {
        statusCode: 404,
      });
    if (version !== undefined && version !== '1')
      throw Object.assign(new Error(`model "${name}" has only version 1`), { statusCode: 404 });
  };
  const infer = async (req: FastifyRequest<{ Params: { model: string; version?: string } }>): Promise<unknown> => {
    known(req);
    const parsed = inferRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequest(
        `invalid infer request at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'bad request'}`,
      );
    }
    const feeds = feedsFromRequest(parsed.data, info.inputs, missingAllowed);
    const wanted = parsed.data.outputs?.map((o) => o.name) ?? tensorOutputs;
    const unknown = wanted.filter((o) => !tensorOutputs.includes(o));
    if (unknown.length)
      throw new BadRequest(`unknown output ${unknown.join(', ')}; the model's outputs are ${tensorOutputs.join(', ')}`);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await session.run(feeds, wanted);
    } catch (e) {
      throw new BadRequest(`the model rejected the inputs: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
    }
    metrics.inferRows.inc({ model: name }, parsed.data.inputs[0]?.shape[0] ?? 1);
    const outputs = wanted.map((o) => {
      const t = result[o];
      const r = responseTensor(o, t);
      t.dispose();
      return r;
    });
    return {
      model_name: name,
      model_version: '1',
      ...(parsed.data.id !== undefined ? { id: parsed.data.id } : {}),
      outputs,
    };
  };

  app.get('/v2', async () => ({ name: 'weft', version: WEFT_VERSION, extensions: [] }));
  app.get('/v2/health/live', ready);
  app.get('/v2/health/ready', ready);
  app.get('/v2/models/:model', async (req: FastifyRequest<{ Params: { model: string } }>) => (known(req), metadata));
  app.get(
    '/v2/models/:model/versions/:version',
    async (req: FastifyRequest<{ Params: { model: string; version: string } }>) => (known(req), metadata),
  );
  app.get(
    '/v2/models/:model/ready',
    async (req: FastifyRequest<{ Params: { model: string } }>) => (known(req), { name, ready: true }),
  );
  app.get(
    '/v2/models/:model/versions/:version/ready',
    async (req: FastifyRequest<{ Params: { model: string; version: string } }>) => (known(req), { name, ready: true }),
  );
  app.post('/v2/models/:model/infer', infer);
  app.post('/v2/models/:model/versions/:version/infer', infer);
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  try {
    await app.listen({ host, port: opts.port ?? 8000 });
  } catch (e) {
    await session.release();
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'EADDRINUSE'
        ? `port ${opts.port} on ${host} is already in use; pick another with --port`
        : `cannot listen on ${host}:${opts.port}: ${(e as Error).message}`,
    );
  }
  const addr = app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    name,
    provider: opened.provider,
    notes: opened.notes,
    info,
    app,
    async close() {
      await app.close();
      await session.release();
      metrics.registry.clear();
    },
  };
}
