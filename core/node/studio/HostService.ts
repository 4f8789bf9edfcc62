import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExampleInfo, FileEntry, HostChannel, HostResult, OpenedFile, StudioParams } from '../../common';
import { hostApi } from '../../common';
import { atomicWrite } from '../engine/atomicWrite';
import { StudioError } from './StudioError';
import { isInside, resolveUserPath, toWorkspaceRelative } from './workspacePaths';

export interface HostServiceOptions {
  workspace: string;
  /** Folder of `*.weft.json` examples shown in the gallery (read-only). */
  examplesDir?: string;
  version: string;
}

const RECENT_MAX = 10;

export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The studio's file side: the workspace browser, pipeline open/save with a revision check,
 * recent files, the examples gallery and the crash-recovery file, all under `<workspace>/.weft/studio`.
 */
export class HostService {
  private readonly stateDir: string;
  /** Files outside the workspace the user typed a path to; they may be saved back. */
  private readonly typedPaths = new Set<string>();
  /** The save in progress per file: saves of one file run one at a time, so a revision check holds until its write. */
  private readonly saving = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: HostServiceOptions) {
    this.stateDir = path.join(opts.workspace, '.weft', 'studio');
  }

  get workspace(): string {
    return this.opts.workspace;
  }

  /**
   * Where a document may live: the workspace and the examples folder, and each file outside them the
   * user typed a path to (that file alone, never its folder).
   */
  documentRoots(): string[] {
    return [this.opts.workspace, ...(this.opts.examplesDir ? [this.opts.examplesDir] : []), ...this.typedPaths];
  }

  /** Files outside the workspace the user opened by typing their path. */
  openedFiles(): string[] {
    return [...this.typedPaths];
  }

  async handle<C extends HostChannel>(channel: C, raw: unknown): Promise<HostResult<C>> {
    const parsed = hostApi[channel].params.safeParse(raw);
    if (!parsed.success)
      throw new StudioError(
        400,
        `${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`,
      );
    const p = parsed.data as StudioParams<C>;
    const result = await this.dispatch(channel, p);
    return result as HostResult<C>;
  }

  private async dispatch(channel: HostChannel, p: Record<string, unknown>): Promise<unknown> {
    switch (channel) {
      case 'host.info':
        return { workspace: this.opts.workspace, version: this.opts.version, transport: 'http' };
      case 'files.list':
        return this.list(p);
      case 'pipeline.read':
        return this.read(p as StudioParams<'pipeline.read'>);
      case 'pipeline.write':
        return this.write(p as StudioParams<'pipeline.write'>);
      case 'recent.list':
        return this.recent();
      case 'examples.list':
        return this.examples();
      case 'examples.read':
        return this.readExample((p as StudioParams<'examples.read'>).name);
      case 'recovery.write': {
        const q = p as StudioParams<'recovery.write'>;
        const savedAt = Date.now();
        await atomicWrite(
          path.join(this.stateDir, 'recovery.json'),
          JSON.stringify({ text: q.text, path: q.path, savedAt }),
        );
        return { savedAt };
      }
      case 'recovery.read': {
        const text = await readIfExists(path.join(this.stateDir, 'recovery.json'));
        if (!text) return null;
        try {
          const r = JSON.parse(text) as { text?: unknown; path?: unknown; savedAt?: unknown };
          if (typeof r.text !== 'string') return null;
          return { text: r.text, path: typeof r.path === 'string' ? r.path : null, savedAt: Number(r.savedAt) || 0 };
        } catch {
          return null;
        }
      }
      case 'recovery.clear':
        await rm(path.join(this.stateDir, 'recovery.json'), { force: true });
        return { cleared: true };
    }
  }

  private async list(p: StudioParams<'files.list'>): Promise<{ dir: string; entries: FileEntry[] }> {
    const ws = this.opts.workspace;
    const dir = resolveUserPath(ws, p.dir ?? '');
    let base = ws;
    if (p.relativeTo) {
      const doc = resolveUserPath(ws, p.relativeTo, { extraRoots: this.documentRoots() });
      base = path.dirname(doc);
    }
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new StudioError(
        404,
        `cannot list ${toWorkspaceRelative(ws, dir) || '.'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    const exts = p.extensions?.map((e) => e.toLowerCase());
    const entries: FileEntry[] = [];
    for (const d of names) {
      if (d.name.startsWith('.')) continue;
      const abs = path.join(dir, d.name);
      const kind = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : null;
      if (!kind) continue;
      if (kind === 'file' && exts && !exts.some((e) => d.name.toLowerCase().endsWith(e))) continue;
      const size = kind === 'file' ? (await stat(abs)).size : undefined;
      entries.push({
        name: d.name,
        path: toWorkspaceRelative(ws, abs),
        kind,
        ...(size !== undefined ? { size } : {}),
        ref: path.relative(base, abs).split(path.sep).join('/'),
      });
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
    return { dir: toWorkspaceRelative(ws, dir), entries };
  }

  private async read(p: StudioParams<'pipeline.read'>): Promise<OpenedFile> {
    const abs = resolveUserPath(this.opts.workspace, p.path, {
      typed: p.typed ?? false,
      extraRoots: this.documentRoots(),
    });
    const text = await readIfExists(abs);
    if (text === null) throw new StudioError(404, `${p.path}: no such file`);
    if (!isInside(this.opts.workspace, abs)) this.typedPaths.add(abs);
    await this.touchRecent(abs);
    return { path: this.displayPath(abs), text, revision: revisionOf(text) };
  }

  private async write(p: StudioParams<'pipeline.write'>): Promise<{ path: string; revision: string }> {
    const typedBefore = this.typedPaths.has(path.resolve(this.opts.workspace, p.path));
    const abs = resolveUserPath(this.opts.workspace, p.path, { typed: (p.typed ?? false) || typedBefore });
    if (this.opts.examplesDir && isInside(this.opts.examplesDir, abs)) {
      throw new StudioError(403, 'examples are read-only; use Save As to keep a copy in the workspace');
    }
    const previous = this.saving.get(abs) ?? Promise.resolve();
    const done = previous.catch(() => undefined).then(() => this.checkAndWrite(abs, p));
    this.saving.set(abs, done);
    try {
      return await done;
    } finally {
      if (this.saving.get(abs) === done) this.saving.delete(abs);
    }
  }

  private async checkAndWrite(
    abs: string,
    p: StudioParams<'pipeline.write'>,
  ): Promise<{ path: string; revision: string }> {
    const current = await readIfExists(abs);
    if (current !== null && p.baseRevision === null) {
      throw new StudioError(409, `${p.path} already exists; choose another name or open it first`);
    }
    if (current !== null && p.baseRevision !== null && revisionOf(current) !== p.baseRevision) {
      throw new StudioError(409, `${p.path} changed on disk since it was opened; reload it or save under another name`);
    }
    await atomicWrite(abs, p.text);
    if (!isInside(this.opts.workspace, abs)) this.typedPaths.add(abs);
    await this.touchRecent(abs);
    return { path: this.displayPath(abs), revision: revisionOf(p.text) };
  }

  private displayPath(abs: string): string {
    return isInside(this.opts.workspace, abs) ? toWorkspaceRelative(this.opts.workspace, abs) : abs;
  }

  private async recent(): Promise<string[]> {
    const text = await readIfExists(path.join(this.stateDir, 'recent.json'));
    if (!text) return [];
    try {
      const list = JSON.parse(text) as unknown;
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
    } catch {
      return [];
    }
  }

  private async touchRecent(abs: string): Promise<void> {
    const shown = this.displayPath(abs);
    const list = [shown, ...(await this.recent()).filter((x) => x !== shown)].slice(0, RECENT_MAX);
    await atomicWrite(path.join(this.stateDir, 'recent.json'), JSON.stringify(list));
  }

  private async examples(): Promise<ExampleInfo[]> {
    const dir = this.opts.examplesDir;
    if (!dir) return [];
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.weft.json')).sort();
    } catch {
      return [];
    }
    const out: ExampleInfo[] = [];
    for (const name of names) {
      const text = await readIfExists(path.join(dir, name));
      let meta: { name?: unknown; description?: unknown } = {};
      try {
        meta = (JSON.parse(text ?? '{}') as { metadata?: typeof meta }).metadata ?? {};
      } catch {
        /* listed with its file name */
      }
      out.push({
        name,
        title: typeof meta.name === 'string' ? meta.name : name.replace(/\.weft\.json$/, ''),
        description: typeof meta.description === 'string' ? meta.description : '',
      });
    }
    return out;
  }

  private async readExample(name: string): Promise<OpenedFile> {
    const dir = this.opts.examplesDir;
    if (!dir || !name.endsWith('.weft.json')) throw new StudioError(404, `no example ${name}`);
    const abs = path.join(dir, name);
    const text = await readIfExists(abs);
    if (text === null) throw new StudioError(404, `no example ${name}`);
    return { path: abs, text, revision: revisionOf(text), readOnly: true };
  }
}
