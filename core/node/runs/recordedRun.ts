import type { NodeRegistry, PipelineDocument } from '../../common';
import type { RunRecord } from '../../common/runs';
import type { ChildRecorders, Engine, RunOptions, RunOutcome } from '../engine/Engine';
import { RunRecorder } from './RunRecorder';
import type { RunStore } from './RunStore';

export interface RecordedRunOptions extends RunOptions {
  store: RunStore;
  registry: NodeRegistry;
  /** The pipeline file, when the run came from one. */
  file?: string;
  rerunOf?: string;
  /** Called when the run cannot be recorded (e.g. a read-only workspace); the run still goes ahead. */
  onRecordError?: (error: unknown) => void;
}

/**
 * Runs a pipeline on the engine and records it in the run store. The record takes the caller's
 * `runId` when it is a free, valid record id; otherwise the engine keeps the caller's id for events
 * and cancel, and the record gets its own.
 */
export async function runRecorded(
  engine: Engine,
  document: PipelineDocument,
  opts: RecordedRunOptions,
): Promise<{ outcome: RunOutcome; record?: RunRecord }> {
  const { store, registry, file, rerunOf, onRecordError, ...runOpts } = opts;
  let recorder: RunRecorder | undefined;
  try {
    recorder = await RunRecorder.start({
      store,
      document,
      registry,
      baseDir: runOpts.baseDir ?? process.cwd(),
      ...(file ? { file } : {}),
      options: { ...(runOpts.only ? { only: runOpts.only } : {}), ...(runOpts.noCache ? { noCache: true } : {}) },
      ...(rerunOf ? { rerunOf } : {}),
      ...(runOpts.runId ? { preferredId: runOpts.runId } : {}),
      ...(runOpts.paths ? { paths: runOpts.paths } : {}),
    });
  } catch (e) {
    onRecordError?.(e);
  }
  if (!recorder) return { outcome: await engine.run(document, runOpts) };
  const rec = recorder;
  const userListener = runOpts.onEvent;
  let recording = true;
  let outcome: RunOutcome;
  try {
    outcome = await engine.run(document, {
      ...runOpts,
      runId: runOpts.runId ?? rec.id,
      children: childRecorders(rec.id, opts),
      onEvent: (e) => {
        if (recording) {
          try {
            rec.onEvent(e);
          } catch (err) {
            recording = false;
            onRecordError?.(err);
          }
        }
        userListener?.(e);
      },
    });
  } catch (e) {
    await rec.abort(e).catch(() => undefined);
    throw e;
  }
  try {
    return { outcome, record: await rec.complete(outcome) };
  } catch (e) {
    onRecordError?.(e);
    return { outcome };
  }
}

/** Records the variants a node runs inside a recorded run (search trials) as children of `parent`. */
function childRecorders(parent: string, opts: RecordedRunOptions): ChildRecorders {
  return {
    start: async (doc) => {
      const rec = await RunRecorder.start({
        store: opts.store,
        document: doc,
        registry: opts.registry,
        baseDir: opts.baseDir ?? process.cwd(),
        parent,
        ...(opts.file ? { file: opts.file } : {}),
        ...(opts.paths ? { paths: opts.paths } : {}),
      });
      return {
        id: rec.id,
        onEvent: rec.onEvent,
        complete: async (outcome, trial) => {
          await rec.complete(outcome, trial);
        },
      };
    },
  };
}
