import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  applyLogEntry,
  markInterrupted,
  matchRunId,
  parseRunLog,
  RunRecordSchema,
  runJson,
  type RunArtifact,
  type RunLogEntry,
  type RunRecord,
} from '../../common/runs';
import { atomicWrite } from '../engine/atomicWrite';
import { sha256Bytes } from './hashing';
import { ownerAlive } from './ownerProcess';

export const RECORD_FILE = 'record.json';
export const LOG_FILE = 'log.jsonl';

/** A run folder that could not be read; listing reports it and goes on. */
export interface RunProblem {
  id: string;
  error: string;
}

export class RunNotFoundError extends Error {
  constructor(
    message: string,
    readonly candidates: string[] = [],
  ) {
    super(message);
    this.name = 'RunNotFoundError';
  }
}

/** The record could not be read: bad JSON, wrong shape, or missing. */
export class CorruptRunError extends Error {
  constructor(
    readonly id: string,
    why: string,
  ) {
    super(`run ${id}: unreadable record: ${why}`);
    this.name = 'CorruptRunError';
  }
}

const newId = (): string => randomBytes(6).toString('hex');

/**
 * The workspace's run store: `<workspace>/.weft/runs/<id>/` holds `record.json` (an atomic
 * snapshot) and `log.jsonl` (append-only epochs and node results since the run started). A
 * reader replays the log over the snapshot, so a run killed between snapshots keeps what it logged.
 */
export class RunStore {
  readonly dir: string;

  constructor(readonly workspace: string) {
    this.dir = path.join(workspace, '.weft', 'runs');
  }

  runDir(id: string): string {
    return path.join(this.dir, id);
  }

  /**
   * Creates a run folder with its first snapshot; the folder appears complete or not at all.
   * `preferredId` (e.g. the studio's run id) is used when it is a valid, unused id.
   */
  async create(init: Omit<RunRecord, 'id' | 'logLines'>, preferredId?: string): Promise<RunWriter> {
    await mkdir(this.dir, { recursive: true });
    const usable = preferredId !== undefined && /^[a-z0-9][a-z0-9-]{0,99}$/.test(preferredId);
    for (let attempt = usable ? -1 : 0; ; attempt++) {
      const id = attempt < 0 && preferredId ? preferredId : newId();
      const record: RunRecord = { ...init, id, logLines: 0 };
      const tmp = path.join(this.dir, `.new-${id}-${process.pid}`);
      await mkdir(tmp, { recursive: true });
      await atomicWrite(path.join(tmp, RECORD_FILE), runJson(record, 1));
      try {
        await rename(tmp, this.runDir(id));
        return new RunWriter(this.runDir(id), record);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        if (attempt >= 3) throw e;
      }
    }
  }

  /** Ids of every run folder (not checked for readability). */
  async ids(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /**
   * Reads one run. A `running` record whose owner process is gone comes back `interrupted`, with
   * its log replayed, and is saved that way.
   */
  async read(id: string): Promise<RunRecord> {
    const dir = this.runDir(id);
    let text: string;
    try {
      text = await readFile(path.join(dir, RECORD_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        const exists = await stat(dir).then(
          () => true,
          () => false,
        );
        if (!exists) throw new RunNotFoundError(`no run ${id} in ${this.dir}`);
        throw new CorruptRunError(id, `${RECORD_FILE} is missing`);
      }
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new CorruptRunError(id, `${RECORD_FILE} is not JSON (${(e as Error).message})`);
    }
    const parsed = RunRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorruptRunError(id, `${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`);
    }
    let record = parsed.data;
    if (record.id !== id) throw new CorruptRunError(id, `record says it is run ${record.id}`);
    if (record.status !== 'running') return record;
    record = await replayLog(dir, record);
    if (ownerAlive(record.owner)) return record;
    record = markInterrupted(record, `process ${record.owner.pid} ended before the run finished`);
    try {
      await atomicWrite(path.join(dir, RECORD_FILE), runJson(record, 1));
    } catch {
      /* a read-only workspace still lists the run as interrupted */
    }
    return record;
  }

  /** Every readable run, newest first, and the folders that could not be read. */
  async list(): Promise<{ runs: RunRecord[]; problems: RunProblem[] }> {
    const runs: RunRecord[] = [];
    const problems: RunProblem[] = [];
    await Promise.all(
      (await this.ids()).map(async (id) => {
        try {
          runs.push(await this.read(id));
        } catch (e) {
          if (e instanceof RunNotFoundError) return;
          problems.push({ id, error: e instanceof Error ? e.message : String(e) });
        }
      }),
    );
    runs.sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
    problems.sort((a, b) => a.id.localeCompare(b.id));
    return { runs, problems };
  }

  /** The full id for an id or a unique prefix of one. */
  async resolve(prefix: string): Promise<string> {
    const m = matchRunId(prefix, await this.ids());
    if (m.ok) return m.id;
    if (m.reason === 'ambiguous') {
      throw new RunNotFoundError(
        `run id prefix "${prefix}" is ambiguous: ${m.candidates.slice(0, 5).join(', ')}${m.candidates.length > 5 ? ', …' : ''}`,
        m.candidates,
      );
    }
    throw new RunNotFoundError(`no run matches "${prefix}" in ${this.dir} (see \`weft runs list\`)`);
  }

  /** Deletes a run; a run still being written by a live process is refused unless `force`. */
  async remove(id: string, opts: { force?: boolean } = {}): Promise<void> {
    if (!opts.force) {
      let record: RunRecord | undefined;
      try {
        record = await this.read(id);
      } catch (e) {
        if (e instanceof RunNotFoundError) throw e;
      }
      if (record?.status === 'running') {
        throw new Error(`run ${id} is still running (process ${record.owner.pid}); cancel it first`);
      }
    }
    const doomed = path.join(this.dir, `.rm-${id}-${newId()}`);
    try {
      await rename(this.runDir(id), doomed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RunNotFoundError(`no run ${id} in ${this.dir}`);
      throw e;
    }
    await rm(doomed, { recursive: true, force: true });
  }
}

async function replayLog(dir: string, record: RunRecord): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(path.join(dir, LOG_FILE), 'utf8');
  } catch {
    return record;
  }
  const { entries } = parseRunLog(text);
  return entries.slice(record.logLines).reduce(applyLogEntry, record);
}

/**
 * Writes one run while it is running: log lines go to disk synchronously (they survive SIGKILL
 * once written), snapshots are atomic and taken at most every `snapshotEveryMs` while epochs arrive.
 */
export class RunWriter {
  private current: RunRecord;
  private chain: Promise<void> = Promise.resolve();
  private lastSnapshot = Date.now();

  constructor(
    readonly dir: string,
    record: RunRecord,
    private readonly snapshotEveryMs = 1000,
  ) {
    this.current = record;
  }

  get id(): string {
    return this.current.id;
  }

  get record(): RunRecord {
    return this.current;
  }

  /** Appends one log line and applies it; snapshots when the last one is old enough. */
  append(entry: RunLogEntry): void {
    appendFileSync(path.join(this.dir, LOG_FILE), `${runJson(entry)}\n`);
    this.current = applyLogEntry(this.current, entry);
    if (entry.t === 'node' || Date.now() - this.lastSnapshot >= this.snapshotEveryMs) {
      this.snapshot().catch(() => undefined);
    }
  }

  /** Changes fields of the record and snapshots it. */
  async update(patch: Partial<Omit<RunRecord, 'id' | 'logLines'>>): Promise<RunRecord> {
    this.current = { ...this.current, ...patch };
    await this.snapshot();
    return this.current;
  }

  /** Writes model bytes under the run's `artifacts/` folder and returns their entry. */
  async saveArtifact(node: string, name: string, bytes: Uint8Array): Promise<RunArtifact> {
    const rel = path.join('artifacts', name);
    await atomicWrite(path.join(this.dir, rel), bytes);
    return { node, kind: 'model', path: rel, bytes: bytes.byteLength, sha256: sha256Bytes(bytes) };
  }

  /** Queues an atomic snapshot of the record; snapshots land in order, a failed one does not block later ones. */
  snapshot(): Promise<void> {
    this.lastSnapshot = Date.now();
    const record = this.current;
    const file = path.join(this.dir, RECORD_FILE);
    this.chain = this.chain.catch(() => undefined).then(() => atomicWrite(file, runJson(record, 1)));
    return this.chain;
  }
}
