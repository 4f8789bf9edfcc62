import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  ancestorsOf,
  builtinNodes,
  lookup,
  type Endpoint,
  type MetricsValue,
  type TrainedModelValue,
} from '../../../common';
import { higherIsBetter } from '../../../common/metrics/scores';
import type { SearchParams } from '../../../common/nodes/tune/search';
import { rungEpochs } from '../../../common/search/asha';
import { dimensionKey } from '../../../common/search/space';
import { SearchJournal } from '../../search/journal';
import { modelCost } from '../../search/modelCost';
import { paretoFront } from '../../../common/search/pareto';
import { bestTrial, searchLoop, type TrialEntry, type TrialResult } from '../../search/searchLoop';
import { checkDimensions, configParams, EPOCH_PARAMS, trialDocument } from '../../search/trialDocument';
import { CancelledError, UserError, type Executor, type ExecutorResult } from '../Executor';

/** Whether the objective is maximised; `auto` reads the metric's base name (eval.compare's `node.mse_mean` → `mse`). */
function maximizes(metric: string, direction: SearchParams['direction']): boolean {
  if (direction !== 'auto') return direction === 'maximize';
  const base = metric.replace(/^.*\./, '').replace(/_(mean|std)$/, '');
  return higherIsBetter(base) && !/loss|error/.test(base);
}

/** The objective's value in an evaluation's output, refusing the test split and naming the metrics it has. */
function objectiveOf(m: unknown, metric: string, source: string, where: string): number {
  const metrics = m as MetricsValue | undefined;
  if (!metrics?.scalars) {
    throw new UserError(
      `${where}: the metrics input (from ${source}) holds no metrics; connect an eval.* node’s metrics`,
      1,
    );
  }
  if (/^test\b/.test(metrics.split)) {
    throw new UserError(
      `${where}: the objective comes from ${source}, which scores the test split; a search may only look at validation ` +
        `scores. Set that evaluation's split to validation (or use eval.compare in cv mode) and score the test split ` +
        `downstream of the search, on its model output`,
      1,
    );
  }
  const v = metrics.scalars[metric];
  if (v === undefined) {
    throw new UserError(
      `${where}: ${source} reports no metric "${metric}"; it reports ${Object.keys(metrics.scalars).join(', ')}; pick one as the search's metric`,
      1,
    );
  }
  return v;
}

const fmt = (v: unknown): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : JSON.stringify(v);

export const searchExecutor: Executor<SearchParams> = async (ctx) => {
  const p = ctx.params;
  const where = `tune.search (${ctx.nodeId})`;
  const host = ctx.pipeline;
  const sources = ctx.inputSources ?? {};
  if (!host) throw new Error(`${where}: internal: the engine gave no pipeline to run trials of`);
  const metricsSrc = sources.metrics;
  if (!metricsSrc) throw new UserError(`${where}: connect an evaluation's metrics to the metrics input`, 1);
  const doc = host.document;
  const nodeType = (id: string): string => doc.nodes.find((n) => n.id === id)?.type ?? '';
  const hasOutput = (id: string, port: string): boolean =>
    lookup(builtinNodes, nodeType(id))?.outputs.some((o) => o.name === port) ?? false;
  const modelSrc: Endpoint | undefined =
    sources.model ??
    (sources.learner && hasOutput(sources.learner.node, 'model')
      ? { node: sources.learner.node, port: 'model' }
      : undefined);
  const learnerSrc: Endpoint | undefined =
    sources.learner ??
    (sources.model && hasOutput(sources.model.node, 'learner')
      ? { node: sources.model.node, port: 'learner' }
      : undefined);
  const metricSource = `${metricsSrc.node} (${nodeType(metricsSrc.node)})`;
  const maximize = maximizes(p.metric, p.direction);
  const baseline = objectiveOf(ctx.inputs.metrics, p.metric, metricSource, where);

  const upstream = ancestorsOf(doc, metricsSrc.node);
  checkDimensions(p.dimensions, doc, builtinNodes, upstream, where);

  const trained =
    [modelSrc?.node, learnerSrc?.node].find((id): id is string => !!id && nodeType(id) in EPOCH_PARAMS) ??
    [...upstream].find((id) => nodeType(id) in EPOCH_PARAMS);
  const extra: { node: string; param: string; value: unknown }[] = [];
  let asha: { epochs: number[]; eta: number; higherIsBetter: boolean } | undefined;
  let pruneMetric: string | undefined;
  if (p.pruning === 'asha') {
    if (!trained) {
      throw new UserError(
        `${where}: asha stops trials by their per-epoch validation metrics; no train.trainer or ml.boosting is upstream of the evaluation. Set pruning to none`,
        1,
      );
    }
    const epochParam = EPOCH_PARAMS[nodeType(trained)];
    const parsed = lookup(builtinNodes, nodeType(trained))?.params.safeParse(
      doc.nodes.find((n) => n.id === trained)?.params,
    );
    const own = parsed?.success ? Number((parsed.data as Record<string, unknown>)[epochParam]) : 0;
    const maxEpochs = p.maxEpochs || own;
    if (p.maxEpochs) extra.push({ node: trained, param: epochParam, value: p.maxEpochs });
    pruneMetric = p.pruneMetric === 'auto' ? undefined : p.pruneMetric;
    // Rung values are reported higher-is-better (a loss negated), so the direction follows the metric watched.
    asha = {
      epochs: rungEpochs(p.gracePeriod, p.reductionFactor, maxEpochs),
      eta: p.reductionFactor,
      higherIsBetter: true,
    };
  }

  const journal = new SearchJournal(path.join(ctx.workspace, '.weft', 'searches'), host.key);
  if (host.noCache) await journal.clear();
  const done = await journal.read();
  if (done.length) ctx.log(`resuming: ${done.length} trials of this search were already run (${journal.file})`);
  let ended = done.length;
  const trialsDir = path.join(ctx.workspace, '.weft', 'searches', host.key.slice(0, 32));
  const need = [metricsSrc.node, modelSrc?.node, learnerSrc?.node].filter((x): x is string => !!x);
  const total = p.trials;
  let best: TrialEntry | undefined = bestTrial(done, maximize);
  let bestValues: { model?: unknown; learner?: unknown } | undefined;
  let bestValuesIndex = -1;
  let epochsSpent = done.reduce((n, e) => n + e.epochs, 0);
  const bestNote = (): { best?: { index: number; objective: number } } =>
    best ? { best: { index: best.index, objective: best.objective as number } } : {};
  const modelOf = async (
    load: (id: string) => Promise<ExecutorResult | undefined>,
  ): Promise<{ model?: unknown; learner?: unknown }> => ({
    ...(modelSrc ? { model: (await load(modelSrc.node))?.outputs[modelSrc.port] } : {}),
    ...(learnerSrc ? { learner: (await load(learnerSrc.node))?.outputs[learnerSrc.port] } : {}),
  });
  let watchedMetric: string | undefined = pruneMetric;
  let warnedMissing = false;
  /** Completes each trial's run record once its journal line is on disk, so a kill never leaves a finished record unjournaled. */
  const finishers = new Map<number, () => Promise<void>>();

  const runTrial = async (
    index: number,
    config: unknown[],
    report: (epoch: number, value: number) => boolean,
  ): Promise<TrialResult> => {
    const params = configParams(p.dimensions, config);
    const base = { index, of: total, params, metric: p.metric, maximize };
    ctx.trial?.({ ...base, status: 'running', ...bestNote() });
    const tdoc = trialDocument(
      doc,
      need,
      p.dimensions,
      config,
      extra,
      `${doc.metadata.name ?? 'pipeline'} · ${ctx.nodeId} trial ${index}`,
    );
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let pruned: string | undefined;
    let epochs = 0;
    const workspace = path.join(trialsDir, `trial-${index}`);
    let run;
    try {
      run = await host.run(tdoc, {
        signal: controller.signal,
        need,
        workspace,
        onEvent: (e) => {
          if (e.type !== 'epoch.metrics' || e.nodeId !== trained) return;
          epochs = e.epoch;
          epochsSpent++;
          watchedMetric ??= `val_${p.metric}` in e.metrics ? `val_${p.metric}` : 'val_loss';
          const value = e.metrics[watchedMetric];
          ctx.trial?.({
            ...base,
            status: 'running',
            epoch: e.epoch,
            epochMetric: watchedMetric,
            ...(value !== undefined ? { value } : {}),
            ...bestNote(),
          });
          if (value === undefined && asha && !warnedMissing) {
            warnedMissing = true;
            ctx.log(
              `asha: ${trained} reports no ${watchedMetric} per epoch (it reports ${Object.keys(e.metrics).join(', ')}), so no trial is stopped early; give the data a validation split or set pruneMetric`,
              'warn',
            );
          }
          if (value === undefined || pruned) return;
          if (!report(e.epoch, maximizes(watchedMetric.replace(/^val_/, ''), 'auto') ? value : -value)) {
            pruned = `pruned at epoch ${e.epoch}: ${watchedMetric} ${fmt(value)} is not in the best 1/${p.reductionFactor} at that rung`;
            controller.abort();
          }
        },
      });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (ctx.signal.aborted) {
      await run.finish();
      throw new CancelledError();
    }
    let result: TrialResult;
    if (pruned) {
      result = { status: 'pruned', epochs, reason: pruned };
      await rm(workspace, { recursive: true, force: true });
    } else if (run.status !== 'finished') {
      result = { status: 'failed', epochs, reason: run.error ?? `the trial's run ended ${run.status}` };
    } else {
      try {
        const objective = objectiveOf(
          (await run.load(metricsSrc.node))?.outputs[metricsSrc.port],
          p.metric,
          metricSource,
          where,
        );
        const values = await modelOf(run.load);
        const cost =
          p.cost !== 'none' && values.model
            ? await modelCost(values.model as TrainedModelValue, p.cost, where)
            : undefined;
        result = { status: 'finished', objective, epochs, ...(cost !== undefined ? { cost } : {}) };
        const candidate = { index, config, rungs: {}, ...result };
        if (bestTrial(best ? [best, candidate] : [candidate], maximize) === candidate) {
          best = candidate;
          bestValues = values;
          bestValuesIndex = index;
        }
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        result = { status: 'failed', epochs, reason: e.message };
      }
    }
    if (run.recordId) result.recordId = run.recordId;
    const record = run.finish;
    finishers.set(index, () =>
      record({
        node: ctx.nodeId,
        searchKey: host.key,
        index,
        params,
        metric: p.metric,
        status: result.status,
        epochs: result.epochs,
        ...(result.objective !== undefined ? { objective: result.objective } : {}),
        ...(result.cost !== undefined ? { cost: result.cost } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
      }),
    );
    return result;
  };

  function announce(entry: TrialEntry): void {
    ctx.trial?.({
      index: entry.index,
      of: total,
      params: configParams(p.dimensions, entry.config),
      metric: p.metric,
      maximize,
      status: entry.status,
      epoch: entry.epochs,
      ...(entry.objective !== undefined ? { objective: entry.objective } : {}),
      ...(entry.cost !== undefined ? { cost: entry.cost } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
      ...(entry.recordId ? { recordId: entry.recordId } : {}),
      ...bestNote(),
    });
  }
  for (const entry of done) announce(entry);

  const loop = await searchLoop({
    dims: p.dimensions,
    algorithm: p.algorithm,
    trials: p.trials,
    maxMs: p.maxMinutes * 60_000,
    workers: p.workers,
    seed: p.seed,
    tpe: { gamma: p.gamma, candidates: p.candidates, warmup: p.warmup },
    gridPoints: p.gridPoints,
    maximize,
    ...(asha ? { asha } : {}),
    done,
    signal: ctx.signal,
    runTrial,
    onEnd: async (entry) => {
      try {
        journal.append(entry);
      } catch (e) {
        ctx.log(`trial ${entry.index} not saved for a resume: ${e instanceof Error ? e.message : String(e)}`, 'warn');
      }
      await finishers.get(entry.index)?.();
      finishers.delete(entry.index);
      announce(entry);
      ended++;
      ctx.progress(
        ended / total,
        `trial ${entry.index + 1}/${total} ${entry.status}${best ? `; best #${best.index} ${p.metric} ${fmt(best.objective)}` : ''}`,
      );
    },
  });
  if (ctx.signal.aborted) throw new CancelledError();
  const entries = loop.entries;
  best = bestTrial(entries, maximize);
  if (!best) {
    const first = entries.find((e) => e.status === 'failed');
    throw new UserError(
      `${where}: no trial finished (${entries.length} run${loop.stopped ? `; stopped: ${loop.stopped}` : ''})` +
        (first ? `; the first failure, trial ${first.index}: ${first.reason ?? 'unknown'}` : ''),
      1,
    );
  }
  if (!bestValues || bestValuesIndex !== best.index) {
    const again = await host.run(trialDocument(doc, need, p.dimensions, best.config, extra, `${ctx.nodeId} best`), {
      signal: ctx.signal,
      need,
      workspace: path.join(trialsDir, `trial-${best.index}`),
      record: false,
    });
    if (again.status !== 'finished') {
      throw new UserError(
        `${where}: the best trial (${best.index}) could not be run again: ${again.error ?? again.status}`,
        1,
      );
    }
    bestValues = await modelOf(again.load);
  }

  const keys = p.dimensions.map(dimensionKey);
  const costed = entries.filter((e) => e.status === 'finished' && e.cost !== undefined && Number.isFinite(e.objective));
  const front = new Set(
    paretoFront(
      costed.map((e) => ({ objective: e.objective as number, cost: e.cost as number })),
      maximize,
    ).map((i) => costed[i].index),
  );
  const columns = [
    'trial',
    'status',
    ...keys,
    p.metric,
    ...(p.cost !== 'none' ? [p.cost, 'pareto'] : []),
    'epochs',
    'run',
    'note',
  ];
  const rows = entries.map((e) => [
    e.index,
    e.status,
    ...e.config.map((v) => (typeof v === 'number' ? v : JSON.stringify(v))),
    e.objective ?? null,
    ...(p.cost !== 'none' ? [e.cost ?? null, front.has(e.index) ? 'yes' : ''] : []),
    e.epochs,
    e.recordId ?? null,
    e === best ? 'best' : (e.reason ?? ''),
  ]);
  const count = (s: TrialEntry['status']): number => entries.filter((e) => e.status === s).length;
  const baselineMetrics = ctx.inputs.metrics as MetricsValue;
  const trials: MetricsValue = {
    task: baselineMetrics.task,
    split: baselineMetrics.split,
    scalars: {
      [p.metric]: best.objective as number,
      [`defaults_${p.metric}`]: baseline,
      trials: entries.length,
      finished: count('finished'),
      pruned: count('pruned'),
      failed: count('failed'),
      epochs: epochsSpent,
    },
    tables: [{ title: `Trials (${p.algorithm}${p.pruning === 'asha' ? ' + asha' : ''})`, columns, rows }],
  };
  const text =
    `best trial ${best.index} of ${entries.length}: ${p.metric} ${fmt(best.objective)} (defaults ${fmt(baseline)}) with ` +
    keys.map((k, i) => `${k}=${fmt(best?.config[i])}`).join(', ') +
    `; ${count('finished')} finished, ${count('pruned')} pruned, ${count('failed')} failed; ${epochsSpent} epochs` +
    (loop.stopped ? `; stopped: ${loop.stopped}` : '') +
    (front.size ? `; Pareto front (${p.metric} vs ${p.cost}): trials ${[...front].join(', ')}` : '');
  return {
    outputs: { model: bestValues.model, learner: bestValues.learner, trials },
    summary: {
      text,
      metrics: {
        [p.metric]: best.objective as number,
        trials: entries.length,
        pruned: count('pruned'),
        epochs: epochsSpent,
      },
    },
  };
};
