import path from 'node:path';
import type { Command } from 'commander';
import { formatValidationErrors, type TrialUpdate } from '../../common';
import { loadPipelineFile } from '../../node/loadPipeline';
import { metricsLines } from '../metricsLines';

interface RunFlags {
  json?: boolean;
  cache?: boolean;
  only?: string;
  workspace?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a pipeline with live progress (exit 1 when invalid or a node failed)')
    .argument('<file>', 'pipeline file (*.weft.json)')
    .option('--json', 'print exactly one JSON object on stdout at the end')
    .option('--no-cache', 'ignore cached results and run every node')
    .option('--only <node>', 'run only this node and what it needs')
    .option('--workspace <dir>', 'workspace folder for caches and runs (default: the pipeline file’s folder)')
    .action(async (file: string, flags: RunFlags) => {
      const { document, warnings } = await loadPipelineFile(file);
      const { runInTerminal } = await import('../runInTerminal');
      const trials = new Map<string, TrialUpdate>();
      for (const w of warnings) console.error(`warning: ${w}`);
      const baseDir = path.dirname(path.resolve(file));
      const workspace = path.resolve(flags.workspace ?? baseDir);
      const { outcome } = await runInTerminal(document, {
        file,
        ...(flags.only ? { only: flags.only } : {}),
        noCache: flags.cache === false,
        baseDir,
        workspace,
        ...(flags.json ? { json: true } : {}),
        onTrial: (nodeId, t) => {
          if (t.status !== 'running') trials.set(`${nodeId}#${t.index}`, t);
        },
      });
      if (!outcome.ok) {
        const lines = formatValidationErrors(outcome.validation);
        if (flags.json) console.log(JSON.stringify({ status: 'invalid', errors: outcome.validation.errors }));
        else for (const line of lines) console.error(line);
        process.exitCode = 1;
        return;
      }
      const { report } = outcome;
      const withOutgoing = new Set(document.edges.map((e) => e.source.node));
      const sinks = Object.keys(report.nodes).filter((id) => !withOutgoing.has(id));
      if (flags.json) {
        console.log(
          JSON.stringify({
            runId: report.runId,
            status: report.status,
            durationMs: report.durationMs,
            nodes: Object.fromEntries(
              Object.entries(report.nodes).map(([id, r]) => [
                id,
                {
                  status: r.status,
                  durationMs: r.durationMs,
                  cached: r.cached,
                  ...(r.error ? { error: r.error } : {}),
                  ...(r.summary ? { summary: r.summary } : {}),
                },
              ]),
            ),
            sinks: Object.fromEntries(sinks.map((id) => [id, report.nodes[id]?.summary ?? {}])),
            ...(trials.size ? { trials: trialList(trials) } : {}),
          }),
        );
      } else {
        for (const id of sinks) {
          const s = report.nodes[id]?.summary;
          if (!s) continue;
          if (s.text) console.log(`${id}:\n${s.text}`);
          for (const f of s.files ?? []) console.log(`${id}: wrote ${f}`);
        }
        for (const n of document.nodes) {
          const text = n.type === 'tune.search' ? report.nodes[n.id]?.summary?.text : undefined;
          if (text && !sinks.includes(n.id)) console.log(`${n.id}: ${text}`);
        }
        for (const line of metricsLines(document, report.nodes)) console.log(line);
        console.log(`run ${report.status} in ${report.durationMs} ms`);
      }
      if (report.status !== 'finished') process.exitCode = outcome.inputFailures.length ? 2 : 1;
    });
}

/** Search trials for `--json`, by search node, in trial order. */
function trialList(trials: Map<string, TrialUpdate>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [key, t] of trials) {
    const node = key.slice(0, key.lastIndexOf('#'));
    (out[node] ??= []).push({
      trial: t.index,
      status: t.status,
      params: t.params,
      metric: t.metric,
      ...(t.objective !== undefined ? { objective: t.objective } : {}),
      ...(t.cost !== undefined ? { cost: t.cost } : {}),
      epochs: t.epoch ?? 0,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.recordId ? { runId: t.recordId } : {}),
    });
  }
  for (const list of Object.values(out))
    list.sort((a, b) => (a as { trial: number }).trial - (b as { trial: number }).trial);
  return out;
}
