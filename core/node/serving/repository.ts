/**
 * A model repository in Triton's layout (`<root>/<name>/config.pbtxt`,
 * `<root>/<name>/<version>/model.onnx`): which versions are loaded, why the others are not, and
 * reloading when files change. A new version that fails to load is refused while the versions
 * already serving go on serving.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderChoice } from '../onnx/session';
import type { BatchOptions } from './batcher';
import { pickVersions, readModelConfig, type ModelConfig } from './modelConfig';
import { openVersion, type ServedVersion } from './servedVersion';

/** An error answered with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** One row of the repository index (the OIP repository extension's shape). */
export interface IndexEntry {
  name: string;
  version?: string;
  state: 'READY' | 'UNAVAILABLE';
  reason?: string;
}

/** How a repository opens its models. */
export interface RepositoryOptions {
  provider: ProviderChoice;
  /** Intra-op threads of every session; 0 or absent: Weft's choice per mode (servedVersion.ts). */
  threads?: number;
  /** Where load, refuse and unload messages go. */
  log: (message: string) => void;
  /** Batching for models whose config does not say; `false` turns batching off everywhere. */
  batching?: BatchOptions | false;
  onBatch?: (model: string, version: number, rows: number, requests: number) => void;
}

interface Slot {
  /** mtime and size of the file last tried, so a broken file is not retried until it changes. */
  stamp: string;
  served?: ServedVersion;
  reason?: string;
}

interface Entry {
  name: string;
  slots: Map<number, Slot>;
  reason?: string;
  unloaded: boolean;
  config?: ModelConfig;
}

type Source = { dir: string } | { file: string; name: string };

const MODEL_FILE = 'model.onnx';

async function stampOf(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
  } catch {
    return undefined;
  }
}

/** The models of a folder, or of a single file served as version 1. */
export class ModelRepository {
  private readonly entries = new Map<string, Entry>();
  private busy: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly source: Source,
    private readonly opts: RepositoryOptions,
  ) {}

  /** Opens every model of the folder `dir`. */
  static async open(dir: string, opts: RepositoryOptions): Promise<ModelRepository> {
    const s = await stat(dir).catch(() => undefined);
    if (!s?.isDirectory())
      throw new Error(`${dir}: no such folder; a repository is a folder of <name>/<version>/model.onnx`);
    const repo = new ModelRepository({ dir }, opts);
    await repo.refresh();
    return repo;
  }

  /** Serves one file as version 1 of `name`. */
  static async single(file: string, name: string, opts: RepositoryOptions): Promise<ModelRepository> {
    const repo = new ModelRepository({ file, name }, opts);
    await repo.refresh();
    return repo;
  }

  /** Rescans the folder every `ms` milliseconds until closed. */
  watch(ms: number): void {
    this.timer = setInterval(
      () => void this.refresh().catch((e: Error) => this.opts.log(`rescan failed: ${e.message}`)),
      ms,
    );
    this.timer.unref();
  }

  /** Rescans the folder (or one model of it) and loads, refuses or retires versions to match. */
  refresh(only?: string): Promise<void> {
    const next = this.busy.then(() => this.scan(only));
    this.busy = next.catch(() => {});
    return next;
  }

  private async modelNames(): Promise<string[]> {
    if ('file' in this.source) return [this.source.name];
    const dirents = await readdir(this.source.dir, { withFileTypes: true });
    return dirents.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  }

  private async versionFiles(name: string): Promise<Map<number, string>> {
    if ('file' in this.source) return new Map([[1, this.source.file]]);
    const dir = path.join(this.source.dir, name);
    const dirents = await readdir(dir, { withFileTypes: true });
    return new Map(
      dirents
        .filter((d) => d.isDirectory() && /^[1-9]\d*$/.test(d.name))
        .map((d) => [Number(d.name), path.join(dir, d.name, MODEL_FILE)]),
    );
  }

  private async scan(only?: string): Promise<void> {
    const names = await this.modelNames();
    for (const [name, entry] of this.entries)
      if (!names.includes(name)) {
        await this.release(entry);
        this.entries.delete(name);
        this.opts.log(`model ${name}: folder removed, unloaded`);
      }
    for (const name of names) {
      if (only !== undefined && name !== only) continue;
      let entry = this.entries.get(name);
      if (!entry) {
        entry = { name, slots: new Map(), unloaded: false };
        this.entries.set(name, entry);
      }
      if (!entry.unloaded) await this.scanModel(entry);
    }
  }

  private async scanModel(entry: Entry): Promise<void> {
    const { name } = entry;
    let config: ModelConfig;
    try {
      config =
        'file' in this.source
          ? { policy: { latest: 1 } }
          : await readModelConfig(path.join(this.source.dir, name), name);
    } catch (e) {
      if (entry.reason !== (e as Error).message) this.opts.log(`model ${name}: refused: ${(e as Error).message}`);
      entry.reason = (e as Error).message;
      return;
    }
    entry.reason = undefined;
    const batchingChanged = JSON.stringify(entry.config?.batching) !== JSON.stringify(config.batching);
    entry.config = config;
    const files = await this.versionFiles(name);
    if (!files.size) {
      entry.reason = `no version folders (<name>/1/${MODEL_FILE}) in ${name}`;
      return;
    }
    const wanted = pickVersions(config.policy, [...files.keys()]);
    if (!wanted.length)
      entry.reason = `the version policy ${JSON.stringify(config.policy)} picks none of ${[...files.keys()].join(', ')}`;
    for (const v of wanted) {
      const file = files.get(v) as string;
      const stamp = (await stampOf(file)) ?? 'missing';
      const slot = entry.slots.get(v);
      if (slot && slot.stamp === stamp && !batchingChanged) continue;
      const next: Slot = { stamp, ...(slot?.served ? { served: slot.served } : {}) };
      entry.slots.set(v, next);
      if (stamp === 'missing') {
        next.reason = `version ${v} has no ${MODEL_FILE} (${file})`;
        this.opts.log(`model ${name} version ${v}: refused: ${next.reason}`);
        continue;
      }
      try {
        const served = await this.openOne(name, v, file, config);
        await slot?.served?.release();
        next.served = served;
        this.opts.log(
          `model ${name} version ${v}: loaded ${file}${served.batching ? ` (dynamic batching up to ${served.batching.maxBatchSize})` : ''}`,
        );
      } catch (e) {
        next.reason = (e as Error).message.split('\n')[0];
        const still = this.readyVersions(entry);
        this.opts.log(
          `model ${name} version ${v}: refused: ${next.reason}${still.length ? `; still serving version ${still.join(', ')}` : ''}`,
        );
      }
    }
    const allWantedReady = wanted.every((v) => entry.slots.get(v)?.served);
    for (const [v, slot] of entry.slots) {
      if (wanted.includes(v)) continue;
      if (slot.served && !allWantedReady && files.has(v)) continue;
      await slot.served?.release();
      entry.slots.delete(v);
      if (slot.served) this.opts.log(`model ${name} version ${v}: unloaded (not in the version policy any more)`);
    }
  }

  private openOne(name: string, version: number, file: string, config: ModelConfig): Promise<ServedVersion> {
    const batching = this.opts.batching === false ? undefined : (config.batching ?? this.opts.batching);
    const onBatch = this.opts.onBatch;
    return openVersion(file, version, {
      provider: this.opts.provider,
      ...(this.opts.threads ? { threads: this.opts.threads } : {}),
      ...(batching ? { batching } : {}),
      ...(onBatch ? { onBatch: (rows: number, requests: number) => onBatch(name, version, rows, requests) } : {}),
    });
  }

  private readyVersions(entry: Entry): number[] {
    return [...entry.slots]
      .filter(([, s]) => s.served)
      .map(([v]) => v)
      .sort((a, b) => a - b);
  }

  private async release(entry: Entry): Promise<void> {
    for (const slot of entry.slots.values()) await slot.served?.release();
    entry.slots.clear();
  }

  /** The names of the models in the repository. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Every model and version with its state. */
  index(): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (const name of this.names()) {
      const entry = this.entries.get(name) as Entry;
      if (entry.unloaded) {
        out.push({ name, state: 'UNAVAILABLE', reason: 'unloaded' });
        continue;
      }
      if (entry.reason && !entry.slots.size) out.push({ name, state: 'UNAVAILABLE', reason: entry.reason });
      for (const [v, slot] of [...entry.slots].sort((a, b) => a[0] - b[0]))
        out.push({
          name,
          version: String(v),
          state: slot.served ? 'READY' : 'UNAVAILABLE',
          ...(slot.reason ? { reason: slot.reason } : !slot.served ? {} : entry.reason ? { reason: entry.reason } : {}),
        });
    }
    return out;
  }

  /** Loads (or reloads) a model; throws when none of its versions could be loaded. */
  async load(name: string): Promise<void> {
    if ('dir' in this.source && !(await this.modelNames()).includes(name))
      throw new HttpError(
        404,
        `no model folder "${name}" in ${this.source.dir}; it has ${(await this.modelNames()).join(', ') || 'none'}`,
      );
    const entry = this.entries.get(name);
    if (entry) entry.unloaded = false;
    await this.refresh(name);
    const now = this.entries.get(name) as Entry;
    if (!this.readyVersions(now).length) throw new HttpError(400, `model ${name} failed to load: ${this.reasons(now)}`);
  }

  /** Releases every version of a model until it is loaded again. */
  async unload(name: string): Promise<void> {
    const entry = this.known(name);
    await this.busy;
    await this.release(entry);
    entry.unloaded = true;
    this.opts.log(`model ${name}: unloaded on request`);
  }

  private reasons(entry: Entry): string {
    const rs = [
      entry.reason,
      ...[...entry.slots].map(([v, s]) => (s.reason ? `version ${v}: ${s.reason}` : undefined)),
    ];
    return rs.filter(Boolean).join('; ') || 'no versions';
  }

  private known(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) {
      const names = this.names();
      throw new HttpError(
        404,
        `model "${name}" is not served here; this server serves ${names.map((n) => `"${n}"`).join(', ') || 'no models'}`,
      );
    }
    return entry;
  }

  /** The served version asked for, or the latest ready one; 404 or 503 saying why not. */
  get(name: string, version?: string): ServedVersion {
    const entry = this.known(name);
    if (entry.unloaded)
      throw new HttpError(503, `model "${name}" is unloaded; POST /v2/repository/models/${name}/load`);
    if (version === undefined) {
      const latest = this.latestReady(entry);
      if (latest) return latest;
      throw new HttpError(503, `model "${name}" is unavailable: ${this.reasons(entry)}`);
    }
    const slot = /^[1-9]\d*$/.test(version) ? entry.slots.get(Number(version)) : undefined;
    if (slot?.served) return slot.served;
    if (slot?.reason) throw new HttpError(503, `model "${name}" version ${version} is unavailable: ${slot.reason}`);
    const ready = this.readyVersions(entry);
    throw new HttpError(
      404,
      `model "${name}" has no version ${version}; ${ready.length ? `its versions are ${ready.join(', ')}` : 'no version is ready'}`,
    );
  }

  /** The latest ready version of an entry, found without the arrays readyVersions makes. */
  private latestReady(entry: Entry): ServedVersion | undefined {
    let best: Slot | undefined;
    let bestVersion = -Infinity;
    for (const [v, slot] of entry.slots)
      if (slot.served && v > bestVersion) {
        best = slot;
        bestVersion = v;
      }
    return best?.served;
  }

  /** The versions of a model that answer. */
  versions(name: string): number[] {
    return this.readyVersions(this.known(name));
  }

  /** Stops watching and releases every session. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    for (const entry of this.entries.values()) await this.release(entry);
  }
}
