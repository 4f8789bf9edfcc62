import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  engineApi,
  isStudioChannel,
  type EngineChannel,
  type EngineEvent,
  type HostChannel,
  type NodeRegistry,
} from '../../common';
import { isRunsChannel } from '../../common/protocol/runsApi';
import { isServingChannel } from '../../common/protocol/servingApi';
import { RunStore } from '../runs/RunStore';
import { RunsService } from '../runs/RunsService';
import type { Engine } from '../engine/Engine';
import { EngineService } from './EngineService';
import { HostService } from './HostService';
import { ServingService } from './ServingService';
import { StudioError } from './StudioError';
import { isInside, workspacePolicy } from './workspacePaths';

export interface StudioServerOptions {
  workspace: string;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  examplesDir?: string;
  /** Sample datasets the examples read (read-only); runs may read here as well as in the workspace. */
  dataDir?: string;
  engine: Engine;
  registry?: NodeRegistry;
  version: string;
  /** @default 0 (a free port) */
  port?: number;
  /** The session token every RPC and the event socket must carry. @default 32 random bytes, hex */
  token?: string;
}

/** The header an RPC carries the session token in. */
export const TOKEN_HEADER = 'x-weft-token';
/** The WebSocket subprotocol the event socket speaks; the token travels as a second one, `weft-token.<token>`. */
export const EVENTS_PROTOCOL = 'weft';
const TOKEN_PROTOCOL_PREFIX = 'weft-token.';

/** The renderer's policy: only our own scripts, styles and sockets; nothing inline, nothing remote. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const MAX_BODY = 60 * 1024 * 1024;
const UNAUTHORIZED = 'missing or wrong studio token; open the address `weft studio` printed (it carries #token=…)';

/** Messages a client may send on the event socket. */
const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), id: z.number().int().optional() }),
]);

export interface RunningStudio {
  /** The address to open: the origin plus `#token=<token>` (a fragment never reaches the server or its logs). */
  url: string;
  /** The origin alone, without the token. */
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StudioError(413, 'request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `weft studio`: the built renderer and the engine on 127.0.0.1. POST /api/rpc/<channel> answers
 * every engine and host channel (params checked with the channel's zod schema); the WebSocket at
 * /api/events streams engine events. Requests must come from this origin (Host and Origin checked)
 * and carry the session token (the `x-weft-token` header, or the `weft-token.<token>` subprotocol on
 * the socket); without it they get 401. Static files need no token: they hold no data. Model servers
 * the Serving view started are stopped on close.
 */
export async function startStudioServer(opts: StudioServerOptions): Promise<RunningStudio> {
  const workspace = path.resolve(opts.workspace);
  const token = opts.token ?? randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token, 'utf8');
  const tokenMatches = (given: string | undefined): boolean => {
    if (given === undefined) return false;
    const b = Buffer.from(given, 'utf8');
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };
  const socketToken = (req: IncomingMessage): string | undefined =>
    (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .find((s) => s.startsWith(TOKEN_PROTOCOL_PREFIX))
      ?.slice(TOKEN_PROTOCOL_PREFIX.length);
  const host = new HostService({
    workspace,
    version: opts.version,
    ...(opts.examplesDir ? { examplesDir: opts.examplesDir } : {}),
  });
  const sockets = new Set<WebSocket>();
  const broadcast = (event: EngineEvent): void => {
    const text = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const engine = new EngineService({
    engine: opts.engine,
    workspace,
    ...(opts.registry ? { registry: opts.registry } : {}),
    documentRoots: () => host.documentRoots(),
    paths: workspacePolicy(workspace, () => [...(opts.dataDir ? [opts.dataDir] : []), ...host.openedFiles()]),
    onEvent: broadcast,
  });
  const runs = new RunsService(new RunStore(workspace));
  const serving = new ServingService({ workspace });
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const sameOrigin = (req: IncomingMessage): boolean => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, { error: 'bad path' });
    }
    let file = path.join(opts.rendererDir, rel);
    if (!isInside(opts.rendererDir, file)) return send(res, 403, { error: 'forbidden' });
    let st = await stat(file).catch(() => null);
    if (!st?.isFile()) {
      if (path.extname(rel)) return send(res, 404, { error: `${rel} not found` });
      file = path.join(opts.rendererDir, 'index.html');
      st = await stat(file).catch(() => null);
      if (!st) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The renderer is not built: run \`npm run build:renderer\` (looked in ${opts.rendererDir}).\n`);
        return;
      }
    }
    const ext = path.extname(file);
    res.writeHead(200, {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'content-length': String(st.size),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return send(res, 415, { error: 'send application/json' });
    const given = req.headers[TOKEN_HEADER];
    if (!tokenMatches(typeof given === 'string' ? given : undefined)) return send(res, 401, { error: UNAUTHORIZED });
    if (!isStudioChannel(channel)) return send(res, 404, { error: `unknown channel ${channel}` });
    let params: unknown;
    try {
      const text = await readBody(req);
      params = text ? (JSON.parse(text) as unknown) : {};
    } catch (e) {
      if (e instanceof StudioError) throw e;
      throw new StudioError(400, `body is not JSON: ${(e as Error).message}`);
    }
    const result = Object.hasOwn(engineApi, channel)
      ? await engine.handle(channel as EngineChannel, params)
      : isRunsChannel(channel)
        ? await runs.handle(channel, params)
        : isServingChannel(channel)
          ? await serving.handle(channel, params)
          : await host.handle(channel as HostChannel, params);
    send(res, 200, { result });
  };

  const server: Server = createServer((req, res) => {
    if (!sameOrigin(req)) return send(res, 403, { error: 'cross-origin requests are refused' });
    const url = req.url ?? '/';
    const work = url.startsWith('/api/rpc/')
      ? handleRpc(req, res, url.slice('/api/rpc/'.length).split('?')[0] ?? '')
      : req.method === 'GET' || req.method === 'HEAD'
        ? serveStatic(req, res)
        : Promise.resolve(send(res, 405, { error: 'method not allowed' }));
    work.catch((e: unknown) => {
      const status = e instanceof StudioError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) send(res, status, { error: message });
      else res.end();
    });
  });
  server.requestTimeout = 0;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  server.on('upgrade', (req, socket, head) => {
    if (!sameOrigin(req) || (req.url ?? '') !== '/api/events') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    if (!tokenMatches(socketToken(req))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        let msg: unknown;
        try {
          msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '');
        } catch {
          msg = undefined;
        }
        const parsed = ClientMessageSchema.safeParse(msg);
        if (!parsed.success) return ws.close(1008, 'unknown message');
        ws.send(JSON.stringify({ type: 'pong', id: parsed.data.id ?? null }));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}/`;
  return {
    url: `${origin}#token=${token}`,
    origin,
    token,
    port,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await serving.closeAll();
    },
  };
}
