/**
 * `weft serve` and `weft serve-model`: a model repository (or one ONNX model) behind the Open Inference Protocol (KServe v2) REST API,
 * with Prometheus metrics, a request size limit and an API key wherever it listens beyond loopback.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type * as ort from 'onnxruntime-node';
import { WEFT_VERSION } from '../version';
import { UserError } from '../executors/Executor';
import type { OnnxModelInfo } from '../onnx/inspect';
import type { ProviderChoice, ProviderName } from '../onnx/session';
import { AccessControl, readKeysFile, singleKey, type KeySpec, type Permission } from './accessControl';
import type { BatchOptions } from './batcher';
import { BadRequest } from './badRequest';
import { HEADER_LENGTH, splitBinaryBody } from './binaryData';
import { readInferBody } from './inferBody';
import { feedsFromRequest, inferRequestSchema, inferResponse } from './oip';
import { modelNameFor } from './modelName';
import { HttpError, ModelRepository } from './repository';
import { ServerMetrics } from './serverMetrics';

/** Listening options shared by `serve` and `serve-model`. */
export interface ServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8000 */
  port?: number;
  /** A key with every permission; a key (or a keys file) is required on any host but loopback. */
  apiKey?: string;
  /** A JSON file of hashed keys with scopes and rate limits (see accessControl.ts). */
  keysFile?: string;
  /** Append one JSON line per request (time, key id, model, version, status, latency) to this file. */
  accessLog?: string;
  /** Serve HTTPS with this PEM certificate and private key. */
  tls?: { cert: string; key: string };
  /** How long a client may take to send its request headers; slower ones get 408 and are closed. @default 5000 ms */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, body included. @default 30000 ms */
  bodyTimeoutMs?: number;
  /** Largest request body in bytes; larger ones get 413. @default 16 MiB */
  maxBodyBytes?: number;
  provider?: ProviderChoice;
  /** onnxruntime intra-op threads a session; absent or 0: one without batching, all cores but one with it. */
  threads?: number;
  /**
   * Batching for models whose config.pbtxt does not set it; `false` turns it off everywhere.
   * @default off for `serve-model`; as each model's config says for `serve`
   */
  batching?: BatchOptions | false;
  /** Where load and refuse messages go. @default stderr */
  log?: (message: string) => void;
}

export interface ModelServerOptions extends ServerOptions {
  /** The .onnx file to serve. */
  model: string;
  /** Model name in URLs. @default the file name without `.onnx` */
  name?: string;
}

export interface RepositoryServerOptions extends ServerOptions {
  /** The repository folder. */
  repository: string;
  /** Rescan the folder this often, in milliseconds; 0 never. @default 2000 */
  pollMs?: number;
}

/** A running server. */
export interface Server {
  url: string;
  repository: ModelRepository;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A running one-model server (`serve-model`). */
export interface ModelServer extends Server {
  name: string;
  provider: ProviderName;
  notes: string[];
  info: OnnxModelInfo;
  /** onnxruntime intra-op threads of the model's session. */
  threads: number;
}

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function givenKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  const given = auth?.startsWith('Bearer ') ? auth.slice(7) : req.headers['x-api-key'];
  return typeof given === 'string' && given ? given : undefined;
}

function permissionFor(route: string | undefined): Permission {
  if (route?.startsWith('/v2/repository/')) return 'admin';
  if (route?.endsWith('/infer')) return 'infer';
  return 'read';
}

function checkHost(host: string, opts: ServerOptions): void {
  if (!isLoopback(host) && !opts.apiKey && !opts.keysFile) {
    throw new UserError(
      `refusing to listen on ${host} without an API key: anyone who can reach it could use the model; pass --api-key (or WEFT_API_KEY) or --keys, or keep the default 127.0.0.1`,
    );
  }
}

const logToStderr = (m: string): void => void process.stderr.write(`weft serve: ${m}\n`);

/** Serves one .onnx file as version 1 of one model; resolves once listening. */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  checkHost(opts.host ?? '127.0.0.1', opts);
  const name = opts.name ?? modelNameFor(opts.model);
  const metrics = new ServerMetrics();
  const repository = await ModelRepository.single(opts.model, name, {
    provider: opts.provider ?? 'auto',
    ...(opts.threads ? { threads: opts.threads } : {}),
    log: () => {},
    batching: opts.batching ?? false,
    onBatch: (m, v, rows) => metrics.batchRows.observe({ model: m, version: String(v) }, rows),
  });
  const problem = repository.index().find((e) => e.state !== 'READY');
  if (problem) {
    await repository.close();
    throw new UserError(problem.reason ?? `${opts.model}: cannot be loaded`);
  }
  const served = repository.get(name);
  const server = await listen(repository, metrics, opts);
  return {
    ...server,
    name,
    provider: served.provider,
    notes: served.notes,
    info: served.info,
    threads: served.threads,
  };
}

/** Serves a repository folder, rescanning it for new versions; resolves once listening. */
export async function startRepositoryServer(opts: RepositoryServerOptions): Promise<Server> {
  checkHost(opts.host ?? '127.0.0.1', opts);
  const metrics = new ServerMetrics();
  let repository: ModelRepository;
  try {
    repository = await ModelRepository.open(opts.repository, {
      provider: opts.provider ?? 'auto',
      ...(opts.threads ? { threads: opts.threads } : {}),
      log: opts.log ?? logToStderr,
      ...(opts.batching !== undefined ? { batching: opts.batching } : {}),
      onBatch: (m, v, rows) => metrics.batchRows.observe({ model: m, version: String(v) }, rows),
    });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (opts.pollMs !== 0) repository.watch(opts.pollMs ?? 2000);
  return listen(repository, metrics, opts);
}

type ModelParams = { Params: { model: string; version?: string } };

async function listen(repository: ModelRepository, metrics: ServerMetrics, opts: ServerOptions): Promise<Server> {
  const host = opts.host ?? '127.0.0.1';
  let access: AccessControl | undefined;
  let https: { cert: Buffer; key: Buffer } | undefined;
  try {
    const keys: KeySpec[] = [
      ...(opts.apiKey ? [singleKey(opts.apiKey)] : []),
      ...(opts.keysFile ? await readKeysFile(opts.keysFile) : []),
    ];
    access = keys.length ? new AccessControl(keys) : undefined;
    if (opts.tls) https = { cert: await readFile(opts.tls.cert), key: await readFile(opts.tls.key) };
  } catch (e) {
    await repository.close();
    throw new UserError((e as Error).message);
  }
  const log = opts.accessLog ? createWriteStream(opts.accessLog, { flags: 'a' }) : undefined;
  const headersTimeout = opts.headersTimeoutMs ?? 5000;
  const timeouts = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, opts.bodyTimeoutMs ?? 30_000),
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
  const app = Fastify({
    bodyLimit: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    logger: false,
    serverFactory: (handler) =>
      https ? createHttpsServer({ ...https, ...timeouts }, handler) : createServer(timeouts, handler),
  });
  type Tagged = FastifyRequest & { weftVersion?: number; weftKey?: string; weftBinary?: Buffer };

  const standardJson = app.getDefaultJsonParser('error', 'error');
  /** A JSON body, or with Inference-Header-Content-Length a JSON part and a binary part (binaryData.ts). */
  const parseBody = (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    let json = body;
    const header = req.headers[HEADER_LENGTH];
    if (header !== undefined) {
      try {
        const split = splitBinaryBody(body, header);
        json = split.json;
        if (split.binary.length) (req as Tagged).weftBinary = split.binary;
      } catch (e) {
        done(e as Error);
        return;
      }
    }
    const read = json.length ? readInferBody(json) : undefined;
    if (read !== undefined) done(null, read);
    else void standardJson(req, json.toString('utf8'), done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseBody);
  // Binary tensor data, which Triton's client sends without a content type and others as octet-stream.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (req.headers[HEADER_LENGTH] !== undefined) parseBody(req, body, done);
    else
      done(
        Object.assign(
          new Error(
            `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/json, or binary tensor data with an Inference-Header-Content-Length header`,
          ),
          { statusCode: 415 },
        ),
      );
  });

  if (access) {
    const control = access;
    app.addHook('onRequest', (req, reply, done) => {
      if (req.url.startsWith('/v2/health/')) return done();
      const { model } = (req.params ?? {}) as { model?: string };
      const decision = control.check(givenKey(req), permissionFor(req.routeOptions.url), model);
      if (decision.ok) {
        (req as Tagged).weftKey = decision.keyId;
        return done();
      }
      if (decision.status === 401) void reply.header('www-authenticate', 'Bearer');
      if (decision.retryAfterS !== undefined) void reply.header('retry-after', String(decision.retryAfterS));
      void reply.code(decision.status).send({ error: decision.error });
    });
  }
  app.addHook('onResponse', (req, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, seconds);
    const { model, version } = (req.params ?? {}) as { model?: string; version?: string };
    const served = (req as Tagged).weftVersion;
    const shownVersion = served !== undefined ? String(served) : version;
    if (model && req.method === 'POST' && req.url.endsWith('/infer'))
      metrics.observeInfer(model, shownVersion ?? 'none', reply.statusCode, seconds);
    log?.write(
      `${JSON.stringify({
        time: new Date().toISOString(),
        key: (req as Tagged).weftKey ?? null,
        method: req.method,
        path: req.url.split('?')[0],
        model: model ?? null,
        version: shownVersion ?? null,
        status: reply.statusCode,
        latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      })}\n`,
    );
    done();
  });
  app.setErrorHandler(async (err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof BadRequest ? 400 : (err.statusCode ?? 500);
    const message =
      status === 413
        ? `request body larger than the ${opts.maxBodyBytes ?? 16 * 1024 * 1024} byte limit`
        : status >= 500 && !(err instanceof HttpError)
          ? `inference failed: ${err.message.split('\n')[0]}`
          : err.message;
    await reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  const ready = (_req: FastifyRequest, reply: FastifyReply): FastifyReply => reply.send({ ready: true });
  const metadata = (req: FastifyRequest<ModelParams>): unknown => {
    const { model, version } = req.params;
    const served = repository.get(model, version);
    return {
      name: model,
      versions: repository.versions(model).map(String),
      platform: 'onnxruntime_onnx',
      inputs: served.inputs,
      outputs: served.outputs,
    };
  };
  const modelReady = (req: FastifyRequest<ModelParams>): unknown => {
    const { model, version } = req.params;
    repository.get(model, version);
    return { name: model, ...(version ? { version } : {}), ready: true };
  };
  const infer = async (req: FastifyRequest<ModelParams>, reply: FastifyReply): Promise<string | Buffer> => {
    const { model, version } = req.params;
    const served = repository.get(model, version);
    (req as Tagged).weftVersion = served.version;
    const parsed = inferRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequest(
        `invalid infer request at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'bad request'}`,
      );
    }
    const request = parsed.data;
    const feeds = feedsFromRequest(request, served.info.inputs, served.missingOk, (req as Tagged).weftBinary);
    metrics.drift.observe(model, served, feeds);
    const { tensorOutputs } = served;
    const wanted = request.outputs?.map((o) => o.name) ?? tensorOutputs;
    const unknown = request.outputs ? wanted.filter((o) => !tensorOutputs.includes(o)) : [];
    if (unknown.length)
      throw new BadRequest(`unknown output ${unknown.join(', ')}; the model's outputs are ${tensorOutputs.join(', ')}`);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await served.run(feeds, wanted);
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      if (served.batching) throw new Error(`the batch this request was in failed: ${reason}`, { cause: e });
      throw new BadRequest(`the model rejected the inputs: ${reason}`);
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
    }
    metrics.inferRows.inc({ model }, request.inputs[0]?.shape[0] ?? 1);
    const allBinary = request.parameters?.binary_data_output === true;
    const response = inferResponse(
      {
        model_name: model,
        model_version: String(served.version),
        ...(request.id !== undefined ? { id: request.id } : {}),
      },
      wanted.map((name, k) => ({
        name,
        tensor: result[name],
        binary: request.outputs?.[k]?.parameters?.binary_data ?? allBinary,
      })),
    );
    for (const name of wanted) result[name].dispose();
    if (response.jsonBytes === undefined) void reply.header('content-type', 'application/json; charset=utf-8');
    else
      void reply.header('content-type', 'application/octet-stream').header(HEADER_LENGTH, String(response.jsonBytes));
    return response.body;
  };
  const admin = async (
    req: FastifyRequest<{ Params: { model: string } }>,
    act: 'load' | 'unload',
  ): Promise<unknown> => {
    await (act === 'load' ? repository.load(req.params.model) : repository.unload(req.params.model));
    return {};
  };

  app.get('/v2', async () => ({
    name: 'weft',
    version: WEFT_VERSION,
    extensions: ['model_repository', 'binary_tensor_data'],
  }));
  app.get('/v2/health/live', ready);
  app.get('/v2/health/ready', ready);
  app.get('/v2/models/:model', metadata);
  app.get('/v2/models/:model/versions/:version', metadata);
  app.get('/v2/models/:model/ready', modelReady);
  app.get('/v2/models/:model/versions/:version/ready', modelReady);
  app.post('/v2/models/:model/infer', infer);
  app.post('/v2/models/:model/versions/:version/infer', infer);
  app.post('/v2/repository/index', async (req) => {
    const key = (req as Tagged).weftKey;
    return repository.index().filter((e) => !access || key === undefined || access.reaches(key, e.name));
  });
  app.post('/v2/repository/models/:model/load', (req: FastifyRequest<{ Params: { model: string } }>) =>
    admin(req, 'load'),
  );
  app.post('/v2/repository/models/:model/unload', (req: FastifyRequest<{ Params: { model: string } }>) =>
    admin(req, 'unload'),
  );
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  try {
    await app.listen({ host, port: opts.port ?? 8000 });
  } catch (e) {
    await repository.close();
    log?.end();
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
    url: `${https ? 'https' : 'http'}://${shownHost}:${addr.port}`,
    repository,
    app,
    async close() {
      await app.close();
      await repository.close();
      await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
      metrics.registry.clear();
    },
  };
}
