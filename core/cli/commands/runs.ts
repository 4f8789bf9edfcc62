import path from 'node:path';
import type { Command } from 'commander';
import { builtinNodes } from '../../common';
import {
  diffRuns,
  formatDuration,
  formatFingerprint,
  formatMetric,
  formatRunDiff,
  formatTimestamp,
  toListing,
  type RunRecord,
} from '../../common/runs';
import { UserError } from '../../node/executors/Executor';
import { RunNotFoundError, RunStore } from '../../node/runs/RunStore';
import { appendAll, maxOf } from '../../common/arrays';

interface StoreFlags {
  workspace?: string;
}

const storeOf = (flags: StoreFlags): RunStore => new RunStore(path.resolve(flags.workspace ?? process.cwd()));

async function readRun(store: RunStore, prefix: string): Promise<RunRecord> {
  try {
    return await store.read(await store.resolve(prefix));
  } catch (e) {
    if (e instanceof RunNotFoundError) throw new UserError(e.message, 2);
    throw new UserError(e instanceof Error ? e.message : String(e), 2);
  }
}

const time = formatTimestamp;
const duration = formatDuration;

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => maxOf(rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function showLines(r: RunRecord): string[] {
  const env = r.environment;
  const providers = [...new Set(Object.values(env.providers))];
  const lines = [
    `run ${r.id}  ${r.status}${r.error ? `: ${r.error}` : ''}`,
    `pipeline  ${r.pipeline.name ?? '(unnamed)'}${r.pipeline.file ? `  ${r.pipeline.file}` : ''}`,
    `started   ${time(r.startedAt)}  duration ${duration(r.durationMs)}${r.rerunOf ? `  rerun of ${r.rerunOf}` : ''}`,
    `seed      ${r.seed ?? '(none)'}${
      Object.keys(r.seeds).length
        ? `  node seeds: ${Object.entries(r.seeds)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }`,
    `software  Weft ${env.weft}, onnxruntime ${env.onnxruntime ?? 'unknown'}, Node ${env.node}, ${env.platform}-${env.arch}`,
    `provider  ${providers.length ? providers.join(', ') : '(none reported)'}`,
  ];
  if (r.trial) {
    const t = r.trial;
    lines.push(
      `trial     ${t.index} of search ${r.parent ?? '(unrecorded)'} (node ${t.node}): ${t.status}` +
        `${t.objective !== undefined ? `, ${t.metric} ${formatMetric(t.objective)}` : ''}` +
        `${t.cost !== undefined ? `, cost ${formatMetric(t.cost)}` : ''}, ${t.epochs} epochs`,
      `params    ${Object.entries(t.params)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')}`,
    );
    if (t.reason) lines.push(`reason    ${t.reason}`);
  }
  if (r.datasets.length) {
    lines.push('data:');
    for (const d of r.datasets) lines.push(`  ${d.node}  ${d.path}  ${formatFingerprint(d.fingerprint)}`);
  }
  lines.push('nodes:');
  appendAll(
    lines,
    table(
      Object.entries(r.nodes).map(([id, n]) => [
        `  ${id}`,
        n.type,
        n.status,
        n.durationMs !== undefined ? duration(n.durationMs) : '',
        n.error ?? '',
      ]),
    ),
  );
  for (const [node, epochs] of Object.entries(r.epochs)) {
    const last = epochs.at(-1);
    if (!last) continue;
    lines.push(
      `epochs (${node}): ${epochs.length}, last ${Object.entries(last.metrics)
        .map(([k, v]) => `${k}=${formatMetric(v)}`)
        .join(' ')}`,
    );
  }
  if (Object.keys(r.metrics).length) {
    lines.push('metrics:');
    for (const [k, v] of Object.entries(r.metrics)) lines.push(`  ${k} = ${formatMetric(v)}`);
  }
  if (r.artifacts.length) {
    lines.push('artifacts:');
    for (const a of r.artifacts)
      lines.push(`  ${a.node}  ${a.kind}  ${a.path}${a.bytes !== undefined ? `  ${a.bytes} bytes` : ''}`);
  }
  return lines;
}

export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('list, show, compare, re-run and delete recorded runs')
    .option('--workspace <dir>', 'workspace folder holding .weft/runs (default: the current folder)');
  const storeFlags = (): StoreFlags => runs.opts<StoreFlags>();

  runs
    .command('list')
    .description('every recorded run, newest first; unreadable records are reported and skipped')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const store = storeOf(storeFlags());
      const { runs: list, problems } = await store.list();
      for (const p of problems) console.error(`warning: skipped ${p.error}`);
      if (flags.json) {
        console.log(JSON.stringify({ runs: list.map(toListing), problems }));
        return;
      }
      if (!list.length) {
        console.log(`no runs recorded in ${store.dir}`);
        return;
      }
      const rows = [['ID', 'STATUS', 'STARTED', 'DURATION', 'PIPELINE', 'METRICS (last nodes first)']];
      for (const r of list) {
        const metrics = Object.entries(r.nodes)
          .reverse()
          .flatMap(([id, n]) =>
            Object.entries(n.summary?.metrics ?? {}).map(([k, v]) => `${id}.${k}=${formatMetric(v)}`),
          )
          .slice(0, 4)
          .join(' ');
        rows.push([r.id, r.status, time(r.startedAt), duration(r.durationMs), r.pipeline.name ?? '', metrics]);
      }
      for (const line of table(rows)) console.log(line);
    });

  runs
    .command('show')
    .description('one run in full: pipeline, seed, versions, data fingerprints, nodes, epochs, metrics, artifacts')
    .argument('<id>', 'run id or a unique prefix')
    .option('--json', 'print the record as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const store = storeOf(storeFlags());
      const r = await readRun(store, id);
      if (flags.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      for (const line of showLines(r)) console.log(line);
      const children = (await store.list()).runs
        .filter((c) => c.parent === r.id && c.trial)
        .sort((a, b) => (a.trial?.index ?? 0) - (b.trial?.index ?? 0));
      if (children.length) {
        console.log(`trials (${children.length}):`);
        for (const line of table(
          children.map((c) => [
            `  ${c.trial?.index ?? ''}`,
            c.id,
            c.status,
            c.trial?.objective !== undefined ? `${c.trial.metric}=${formatMetric(c.trial.objective)}` : '',
            `${c.trial?.epochs ?? 0} epochs`,
            Object.entries(c.trial?.params ?? {})
              .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
              .join(' '),
          ]),
        ))
          console.log(line);
      }
    });

  runs
    .command('diff')
    .description('what changed between two runs: pipeline structure, params, data files, metrics')
    .argument('<a>', 'first run (id or prefix)')
    .argument('<b>', 'second run (id or prefix)')
    .option('--json', 'print one JSON object')
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      const store = storeOf(storeFlags());
      const d = diffRuns(await readRun(store, a), await readRun(store, b));
      if (flags.json) console.log(JSON.stringify(d));
      else for (const line of formatRunDiff(d)) console.log(line);
    });

  runs
    .command('rerun')
    .description('run a recorded pipeline again with the same params and seed; refuses when its data changed')
    .argument('<id>', 'run id or a unique prefix')
    .option('--cache', 'reuse cached node results instead of computing every node again')
    .option('--json', 'print one JSON object at the end')
    .action(async (id: string, flags: { cache?: boolean; json?: boolean }) => {
      const store = storeOf(storeFlags());
      const original = await readRun(store, id);
      const { planRerun, sameResults } = await import('../../node/runs/rerun');
      const { runInTerminal } = await import('../runInTerminal');
      const plan = await planRerun(original, builtinNodes);
      for (const w of plan.warnings) console.error(`warning: ${w}`);
      const result = await runInTerminal(plan.document, {
        ...(original.pipeline.file ? { file: original.pipeline.file } : {}),
        rerunOf: original.id,
        ...(original.options.only ? { only: original.options.only } : {}),
        noCache: !flags.cache,
        baseDir: plan.baseDir,
        workspace: store.workspace,
        ...(flags.json ? { json: true } : {}),
      });
      const record = result.record;
      const status = result.outcome.ok ? result.outcome.report.status : 'failed';
      const same = record ? sameResults(original, record) : undefined;
      const providers = (r: RunRecord): string => [...new Set(Object.values(r.environment.providers))].sort().join(',');
      if (record && providers(record) !== providers(original)) {
        console.error(
          `warning: ${original.id} ran on ${providers(original) || 'no reported provider'}, the rerun on ${providers(record) || 'none'}: numbers may differ`,
        );
      }
      if (flags.json) {
        console.log(
          JSON.stringify({
            runId: record?.id,
            rerunOf: original.id,
            status,
            identical: same?.identical ?? false,
            differences: same?.differences ?? [],
            metrics: record?.metrics ?? {},
          }),
        );
      } else {
        console.log(`rerun of ${original.id}: run ${record?.id ?? '(not recorded)'} ${status}`);
        if (same?.identical)
          console.log(
            `metrics identical to ${original.id} (${Object.keys(original.metrics).length} final metrics, every epoch)`,
          );
        else if (same) for (const d of same.differences) console.log(`  differs: ${d}`);
      }
      if (status !== 'finished') process.exitCode = 1;
    });

  runs
    .command('rm')
    .description('delete recorded runs')
    .argument('<ids...>', 'run ids or unique prefixes')
    .option('--force', 'also delete a run that a live process is still recording')
    .action(async (ids: string[], flags: { force?: boolean }) => {
      const store = storeOf(storeFlags());
      const resolved: string[] = [];
      for (const prefix of ids) {
        try {
          resolved.push(await store.resolve(prefix));
        } catch (e) {
          throw new UserError(e instanceof Error ? e.message : String(e), 2);
        }
      }
      for (const id of new Set(resolved)) {
        try {
          await store.remove(id, { force: flags.force ?? false });
        } catch (e) {
          throw new UserError(e instanceof Error ? e.message : String(e), 1);
        }
        console.log(`removed ${id}`);
      }
    });
}
