import { builtinNodes, type PipelineDocument, type TrialUpdate } from '../common';
import { createDefaultEngine } from '../node/defaultEngine';
import { runRecorded, type RecordedRunOptions } from '../node/runs/recordedRun';
import { RunStore } from '../node/runs/RunStore';
import { createProgressRenderer } from './progress';

/**
 * Runs a pipeline from the terminal and records it: results cached on disk by the measured policy,
 * progress bars unless `json`, Ctrl-C cancels, a recording failure is a warning.
 */
export async function runInTerminal(
  document: PipelineDocument,
  opts: Omit<RecordedRunOptions, 'store' | 'registry' | 'signal' | 'onEvent' | 'onRecordError'> & {
    workspace: string;
    json?: boolean;
    /** Every search trial update (the final one per trial is its outcome). */
    onTrial?: (nodeId: string, trial: TrialUpdate) => void;
  },
): ReturnType<typeof runRecorded> {
  const { json, onTrial, ...runOpts } = opts;
  const engine = createDefaultEngine(opts.workspace, { lean: true });
  const renderer = json ? undefined : createProgressRenderer();
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await runRecorded(engine, document, {
      ...runOpts,
      store: new RunStore(opts.workspace),
      registry: builtinNodes,
      signal: controller.signal,
      onEvent: (e) => {
        renderer?.onEvent(e);
        if (e.type === 'search.trial') onTrial?.(e.nodeId, e.trial);
      },
      onRecordError: (e) => console.error(`warning: run not recorded: ${e instanceof Error ? e.message : String(e)}`),
    });
  } finally {
    renderer?.stop();
    process.off('SIGINT', onSigint);
  }
}
