import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parsePromText, PromParseError, servingSnapshot, type ServingSnapshot } from '../../common';
import {
  servingApi,
  type ServableModel,
  type ServerView,
  type ServingChannel,
  type ServingParams,
  type ServingResult,
} from '../../common/protocol/servingApi';
import { UserError } from '../executors/Executor';
import { startModelServer, startRepositoryServer, type Server } from '../serving/modelServer';
import { StudioError } from './StudioError';
import { resolveUserPath, toWorkspaceRelative } from './workspacePaths';

export interface ServingServiceOptions {
  workspace: string;
  /** Batching used when the user asks for it on a one-file model. @default 64 rows, 2 ms */
  batching?: { maxBatchSize: number; maxQueueDelayMs: number };
  /** How deep `serving.models` looks for models under the workspace. @default 4 */
  searchDepth?: number;
}

interface Running {
  view: ServerView;
  server: Server;
}

const MAX_LOG = 50;
const MAX_LISTED = 200;
const SKIP = new Set(['node_modules']);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Whether `dir` is laid out as a Triton model repository (`<name>/config.pbtxt` or `<name>/<n>/model.onnx`). */
async function isRepository(dir: string): Promise<boolean> {
  const models = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const m of models) {
    if (!m.isDirectory()) continue;
    const inner = await readdir(path.join(dir, m.name), { withFileTypes: true }).catch(() => []);
    if (inner.some((e) => e.isFile() && e.name === 'config.pbtxt')) return true;
    for (const v of inner)
      if (
        v.isDirectory() &&
        /^\d+$/.test(v.name) &&
        (await stat(path.join(dir, m.name, v.name, 'model.onnx')).catch(() => null))
      )
        return true;
  }
  return false;
}

/**
 * The studio's local model servers: starts `weft serve-model` (an .onnx file) or `weft serve` (a
 * repository folder) in process on 127.0.0.1 for a path inside the workspace, one at a time, and
 * summarises its /metrics for the Serving view. `closeAll` stops them when the studio shuts down.
 */
export class ServingService {
  private readonly servers = new Map<string, Running>();
  private starting = false;

  constructor(private readonly opts: ServingServiceOptions) {}

  async handle<C extends ServingChannel>(channel: C, raw: unknown): Promise<ServingResult<C>> {
    const parsed = servingApi[channel].params.safeParse(raw);
    if (!parsed.success) {
      throw new StudioError(
        400,
        `${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`,
      );
    }
    return (await this.dispatch(channel, parsed.data)) as ServingResult<C>;
  }

  private dispatch(channel: ServingChannel, p: Record<string, unknown>): Promise<unknown> {
    switch (channel) {
      case 'serving.models':
        return this.models();
      case 'serving.list':
        return Promise.resolve([...this.servers.values()].map((r) => r.view));
      case 'serving.start':
        return this.start(p as Required<ServingParams<'serving.start'>>);
      case 'serving.stop':
        return this.stop((p as ServingParams<'serving.stop'>).id);
      case 'serving.stats':
        return this.stats((p as ServingParams<'serving.stats'>).id);
    }
  }

  /** .onnx files and model repository folders under the workspace (hidden folders and node_modules skipped). */
  async models(): Promise<ServableModel[]> {
    const found: ServableModel[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (found.length >= MAX_LISTED) return;
      if (depth > 0 && (await isRepository(dir)))
        found.push({ path: toWorkspaceRelative(this.opts.workspace, dir), kind: 'repository' });
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (found.length >= MAX_LISTED) return;
        if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
        const abs = path.join(dir, e.name);
        if (e.isFile() && e.name.toLowerCase().endsWith('.onnx'))
          found.push({ path: toWorkspaceRelative(this.opts.workspace, abs), kind: 'onnx' });
        else if (e.isDirectory() && depth < (this.opts.searchDepth ?? 4)) await walk(abs, depth + 1);
      }
    };
    await walk(this.opts.workspace, 0);
    return found;
  }

  private async start(p: { path: string; port: number; batching: boolean }): Promise<ServerView> {
    const abs = resolveUserPath(this.opts.workspace, p.path);
    const [other] = this.servers.values();
    if (other || this.starting)
      throw new StudioError(
        409,
        other
          ? `a model server is already running (${other.view.path} at ${other.view.url}); stop it before starting another`
          : 'a model server is starting; wait for it, then stop it before starting another',
      );
    this.starting = true;
    try {
      const running = await this.open(abs, p);
      this.servers.set(running.view.id, running);
      return running.view;
    } finally {
      this.starting = false;
    }
  }

  private async open(abs: string, p: { path: string; port: number; batching: boolean }): Promise<Running> {
    const st = await stat(abs).catch(() => null);
    if (!st)
      throw new StudioError(404, `${p.path} does not exist in the workspace; run the pipeline that exports it first`);
    const kind: ServableModel['kind'] = st.isDirectory() ? 'repository' : 'onnx';
    if (kind === 'onnx' && !abs.toLowerCase().endsWith('.onnx'))
      throw new StudioError(400, `${p.path} is not an .onnx file or a model repository folder`);
    if (kind === 'repository' && !(await isRepository(abs)))
      throw new StudioError(
        400,
        `${p.path} is not a model repository: expected <name>/config.pbtxt or <name>/<version>/model.onnx inside it`,
      );
    const log: string[] = [];
    const addLog = (line: string): void => {
      log.push(line);
      if (log.length > MAX_LOG) log.shift();
    };
    const listen = { host: '127.0.0.1', port: p.port, log: addLog };
    let server: Server;
    try {
      server =
        kind === 'onnx'
          ? await startModelServer({
              ...listen,
              model: abs,
              batching: p.batching ? (this.opts.batching ?? { maxBatchSize: 64, maxQueueDelayMs: 2 }) : false,
            })
          : await startRepositoryServer({ ...listen, repository: abs, ...(p.batching ? {} : { batching: false }) });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      if (/already in use/.test(e.message))
        throw new StudioError(
          409,
          `port ${p.port} on 127.0.0.1 is already in use; choose another port, or 0 for a free one`,
        );
      throw new StudioError(400, `cannot serve ${p.path}: ${e.message}`);
    }
    const view: ServerView = {
      id: randomUUID(),
      path: toWorkspaceRelative(this.opts.workspace, abs),
      kind,
      url: server.url,
      models: server.repository.names(),
      startedAt: Date.now(),
      log,
    };
    return { view, server };
  }

  private running(id: string): Running {
    const r = this.servers.get(id);
    if (!r) throw new StudioError(404, `no model server ${id} is running; it was stopped or the studio restarted`);
    return r;
  }

  async stop(id: string): Promise<{ stopped: boolean }> {
    const r = this.servers.get(id);
    if (!r) return { stopped: false };
    this.servers.delete(id);
    await r.server.close();
    return { stopped: true };
  }

  async stats(id: string): Promise<ServingSnapshot> {
    const r = this.running(id);
    r.view.models = r.server.repository.names();
    const res = await fetch(`${r.view.url}/metrics`, { signal: AbortSignal.timeout(5000) }).catch((e: unknown) => {
      throw new StudioError(500, `cannot read ${r.view.url}/metrics: ${message(e)}`);
    });
    if (!res.ok) throw new StudioError(500, `${r.view.url}/metrics answered ${res.status}`);
    try {
      return servingSnapshot(parsePromText(await res.text()), Date.now());
    } catch (e) {
      if (e instanceof PromParseError) throw new StudioError(500, `${r.view.url}/metrics: ${e.message}`);
      throw e;
    }
  }

  /** Stops every server (the studio is shutting down). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.servers.keys()].map((id) => this.stop(id)));
  }
}
