import type {
  ComparisonValue,
  DatasetValue,
  DisplayTable,
  FoldScore,
  LearnerComparison,
  LearnerValue,
  MetricsValue,
} from '../../../common';
import {
  CLASSIFICATION_SCORES,
  confusionMatrix,
  argmaxRows,
  correctedPairedTTest,
  formatTable,
  higherIsBetter,
  kFolds,
  meanStd,
  predictionScores,
  REGRESSION_SCORES,
  rocOneVsRest,
} from '../../../common/metrics';
import { COMPARE_SLOTS, type EvalCompareParams } from '../../../common/nodes/eval/compare';
import { foldDataset, pooledRows } from '../../../common/nodes/eval/foldDataset';
import { learnerPipeline, type LearnerPipeline } from '../../../common/nodes/eval/learnerPipeline';
import { withTransforms } from '../../../common/nodes/prep/refitDataset';
import { DataError } from '../../../common/nodes/prep/DataError';
import { fitRecipe } from '../../eval/fitRecipe';
import { runTrainedModel } from '../../inference/runModel';
import { throwIfAborted, UserError, type Executor } from '../Executor';

interface Entry {
  port: string;
  id: string;
  recipe: LearnerValue;
  /** The steps the learner adds to the compared dataset (shared by learners with the same steps). */
  pipeline?: LearnerPipeline;
}

interface Round {
  label: string;
  /** The round's train and test rows, prepared by the compared dataset's steps or by a learner's pipeline. */
  data: (pipeline?: LearnerPipeline) => DatasetValue;
  testTrainRatio: number;
}

function withPipeline(data: DatasetValue, p: LearnerPipeline): DatasetValue {
  return { ...data, rawFeatures: p.rawFeatures, transforms: p.transforms };
}

function connectedLearners(
  ctx: Parameters<Executor<EvalCompareParams>>[0],
  data: DatasetValue,
  where: string,
): Entry[] {
  const entries: Entry[] = [];
  for (let i = 1; i <= COMPARE_SLOTS; i++) {
    const port = `learner${i}`;
    const recipe = ctx.inputs[port] as LearnerValue | undefined;
    if (recipe === undefined) continue;
    if (recipe?.format !== 'weft.learner') {
      throw new UserError(
        `${where}: ${port} is not a learner; connect the learner output of an ml.* node or train.trainer`,
        1,
      );
    }
    const id = ctx.inputSources?.[port]?.node ?? port;
    if (recipe.task !== data.task) {
      throw new UserError(
        `${where}: ${id} (${port}) is a ${recipe.task} learner but the dataset is for ${data.task}`,
        1,
      );
    }
    let pipeline: LearnerPipeline | undefined;
    try {
      pipeline = learnerPipeline(recipe, data, `${id} (${port})`);
    } catch (e) {
      if (e instanceof DataError) throw new UserError(`${where}: ${e.message}`, 1);
      throw e;
    }
    const shared = pipeline && entries.find((e) => e.pipeline && sameSteps(e.pipeline, pipeline))?.pipeline;
    entries.push({ port, id, recipe, ...(pipeline ? { pipeline: shared ?? pipeline } : {}) });
  }
  if (!entries.length) throw new UserError(`${where}: no learner is connected; connect at least one learner input`, 1);
  return entries;
}

function sameSteps(a: LearnerPipeline, b: LearnerPipeline): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function checkClassCounts(
  y: ArrayLike<number>,
  n: number,
  k: number,
  classNames: readonly string[],
  where: string,
): void {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
  for (const [c, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count < k) {
      throw new UserError(
        `${where}: class '${classNames[c] ?? c}' has ${count} row${count === 1 ? '' : 's'} in the train (+ validation) rows; ` +
          `stratified ${k}-fold cross-validation needs at least ${k} per class: lower folds to ${Math.max(2, count)} or drop the class`,
        1,
      );
    }
  }
}

function rounds(data: DatasetValue, p: EvalCompareParams, where: string): Round[] {
  if (p.mode === 'test') {
    const test = data.splits.test;
    if (!test || test.n === 0) {
      throw new UserError(
        `${where}: mode test needs a non-empty "test" split (the dataset has ${Object.keys(data.splits).join(', ')}); give prep.split a test ratio or a test file, or use mode cv`,
        1,
      );
    }
    const train = data.splits.train?.n ?? 0;
    // Mode test: a pipeline's steps were fitted on this train split (learnerPipeline checked its rows), as is.
    return [
      {
        label: 'test split',
        data: (pipeline) => (pipeline ? withTransforms(withPipeline(data, pipeline), pipeline.transforms) : data),
        testTrainRatio: test.n / Math.max(train, 1),
      },
    ];
  }
  let rows;
  try {
    rows = pooledRows(data, where);
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message, 1);
    throw e;
  }
  const classification = data.task === 'classification';
  if (rows.n < p.folds) {
    throw new UserError(
      `${where}: ${rows.n} train (+ validation) rows cannot be split into ${p.folds} folds; lower folds`,
      1,
    );
  }
  if (classification && p.stratify) checkClassCounts(rows.y, rows.n, p.folds, data.classNames ?? [], where);
  const folds = kFolds(rows.n, p.folds, p.repeats, p.seed, classification && p.stratify ? rows.y : undefined);
  return folds.map((f) => ({
    label: `fold ${f.fold + 1}/${p.folds}${p.repeats > 1 ? ` of repeat ${f.repeat + 1}` : ''}`,
    data: (pipeline) => {
      try {
        return foldDataset(pipeline ? withPipeline(data, pipeline) : data, rows, f.train, f.test, where);
      } catch (e) {
        throw new UserError(`${where}: fold ${f.fold + 1}: ${(e as Error).message}`, 1);
      }
    },
    testTrainRatio: f.test.length / f.train.length,
  }));
}

function cellOf(s: FoldScore | undefined, oneSplit: boolean): string {
  if (!s || Number.isNaN(s.mean)) return 'n/a';
  return oneSplit ? s.mean.toFixed(4) : `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}`;
}

function versusText(l: LearnerComparison, alpha: number): string {
  if (l.best) return 'best';
  const v = l.versusBest;
  if (!v || Number.isNaN(v.p)) return 'n/a (one split)';
  return `p=${v.p < 1e-4 ? v.p.toExponential(1) : v.p.toFixed(4)} ${v.significant ? `(best better at ${alpha})` : '(not significant)'}`;
}

/** The comparison table the CLI prints and the studio shows beside its bars. */
export function comparisonTables(c: ComparisonValue): DisplayTable[] {
  const how = c.mode === 'cv' ? `${c.folds}-fold CV${c.repeats > 1 ? ` × ${c.repeats}` : ''}` : 'test split';
  const main: DisplayTable = {
    title:
      c.mode === 'cv'
        ? `Test & Score (${how}; mean ± sd over folds; best by ${c.rankBy}; corrected resampled t-test)`
        : `Test & Score (${how}; best by ${c.rankBy}; no paired test on one split)`,
    columns: ['learner', 'type', ...c.metrics, 'fit s', 'predict s', 'vs best'],
    rows: c.learners.map((l) => [
      `${l.best ? '* ' : ''}${l.id}`,
      l.learner,
      ...c.metrics.map((m) => cellOf(l.scores[m], c.mode === 'test')),
      l.fitSeconds,
      l.predictSeconds,
      versusText(l, c.alpha),
    ]),
  };
  const rounds = c.learners[0]?.scores[c.rankBy]?.folds.length ?? 0;
  const perFold: DisplayTable = {
    title: `${c.rankBy} per ${c.mode === 'cv' ? 'fold' : 'split'}`,
    columns: ['learner', ...Array.from({ length: rounds }, (_, i) => (c.mode === 'cv' ? `fold ${i + 1}` : 'test'))],
    rows: c.learners.map((l) => [l.id, ...(l.scores[c.rankBy]?.folds ?? [])]),
  };
  return [main, perFold];
}

export const evalCompareExecutor: Executor<EvalCompareParams> = async (ctx) => {
  const where = `eval.compare (${ctx.nodeId})`;
  const p = ctx.params;
  const data = ctx.inputs.data as DatasetValue;
  if (data.window && p.mode === 'cv')
    throw new UserError(
      `${where}: the dataset is time-series windows (prep.window); k-fold cross-validation would mix later windows into ` +
        "training and leak the future, so use mode 'test' (fit on the training period, score the test period)",
    );
  const entries = connectedLearners(ctx, data, where);
  const plan = rounds(data, p, where);
  const classification = data.task === 'classification';
  const classNames = data.classNames ?? [];
  const metrics: string[] = [...(classification ? CLASSIFICATION_SCORES : REGRESSION_SCORES)];
  const rankBy = p.rankBy === 'auto' ? (classification ? 'accuracy' : 'r2') : p.rankBy;
  if (!metrics.includes(rankBy)) {
    throw new UserError(
      `${where}: rankBy ${rankBy} is not a ${data.task} metric; pick one of ${metrics.join(', ')}`,
      1,
    );
  }
  const k = classNames.length;
  const perLearner = entries.map(() => ({
    folds: Object.fromEntries(metrics.map((m) => [m, [] as number[]])),
    fit: [] as number[],
    predict: [] as number[],
    actual: [] as number[],
    outputs: [] as number[],
  }));
  const warned = new Set<string>();
  const total = plan.length * entries.length;
  for (const [r, round] of plan.entries()) {
    throwIfAborted(ctx.signal);
    ctx.progress((r * entries.length) / total, `${round.label}: fitting the preprocessing steps`);
    const prepared = new Map<LearnerPipeline | undefined, DatasetValue>();
    for (const [li, entry] of entries.entries()) {
      throwIfAborted(ctx.signal);
      if (!prepared.has(entry.pipeline)) prepared.set(entry.pipeline, round.data(entry.pipeline));
      const fold = prepared.get(entry.pipeline)!;
      const test = fold.splits.test;
      const at = (r * entries.length + li) / total;
      const label = `${round.label}: ${entry.id}`;
      ctx.progress(at, label);
      const started = performance.now();
      const model = await fitRecipe(
        entry.recipe,
        fold,
        {
          signal: ctx.signal,
          progress: (f, m) => ctx.progress(at + (0.9 * f) / total, `${label}: ${m}`),
          warn: (m) => {
            if (warned.has(`${entry.id}\u0000${m}`)) return;
            warned.add(`${entry.id}\u0000${m}`);
            ctx.log(`${entry.id}: ${m}`, 'warn');
          },
          workspace: ctx.workspace,
          nodeId: `${ctx.nodeId}.${entry.id}`,
        },
        `${where}, ${entry.id} in ${round.label}`,
      );
      const fitted = performance.now();
      const out = await runTrainedModel(model, test, test.n, { batchSize: p.batchSize, signal: ctx.signal });
      const predicted = performance.now();
      const acc = perLearner[li];
      acc.fit.push((fitted - started) / 1000);
      acc.predict.push((predicted - fitted) / 1000);
      const scores = predictionScores(data.task, test.y, out.values, out.width);
      for (const m of metrics) acc.folds[m].push(scores[m]);
      if (classification) {
        for (let i = 0; i < test.n; i++) acc.actual.push(test.y[i]);
        for (let i = 0; i < out.values.length; i++) acc.outputs.push(out.values[i]);
      }
    }
  }
  const sign = higherIsBetter(rankBy) ? 1 : -1;
  const means = perLearner.map((a) => meanStd(a.folds[rankBy]).mean);
  let best = -1;
  means.forEach((m, i) => {
    if (!Number.isNaN(m) && (best < 0 || sign * m > sign * means[best])) best = i;
  });
  const ratio = plan.reduce((s, r) => s + r.testTrainRatio, 0) / plan.length;
  const learners: LearnerComparison[] = entries.map((entry, i) => {
    const acc = perLearner[i];
    const scores = Object.fromEntries(
      metrics.map((m) => [m, { ...meanStd(acc.folds[m]), folds: acc.folds[m] }]),
    ) as Record<string, FoldScore>;
    const row: LearnerComparison = {
      id: entry.id,
      learner: entry.recipe.learner,
      scores,
      fitSeconds: meanStd(acc.fit).mean,
      predictSeconds: meanStd(acc.predict).mean,
      best: i === best,
    };
    if (best >= 0 && i !== best) {
      const t = correctedPairedTTest(perLearner[best].folds[rankBy], acc.folds[rankBy], ratio);
      row.versusBest = {
        meanDifference: t.meanDifference,
        t: t.t,
        p: t.p,
        significant: t.p < p.alpha && sign * t.meanDifference > 0,
      };
    }
    if (classification && k > 0) {
      const predicted = argmaxRows(acc.outputs, k);
      row.confusion = confusionMatrix(acc.actual, predicted, k);
      const ovr = rocOneVsRest(acc.actual, acc.outputs, k);
      const curves = k === 2 ? [{ ...ovr.curves[1], c: 1 }] : ovr.curves.map((c, ci) => ({ ...c, c: ci }));
      row.roc = curves.map((c) => ({ label: classNames[c.c] ?? String(c.c), fpr: c.fpr, tpr: c.tpr, auc: c.auc }));
    }
    return row;
  });
  const comparison: ComparisonValue = {
    mode: p.mode,
    folds: p.mode === 'cv' ? p.folds : 1,
    repeats: p.mode === 'cv' ? p.repeats : 1,
    metrics,
    rankBy,
    higherIsBetter: sign > 0,
    alpha: p.alpha,
    learners,
  };
  const tables = comparisonTables(comparison);
  const summaryMetrics: Record<string, number> = {};
  for (const l of learners) {
    for (const m of metrics) {
      const s = l.scores[m];
      if (Number.isFinite(s.mean)) summaryMetrics[`${l.id}.${m}_mean`] = s.mean;
      if (Number.isFinite(s.std) && p.mode === 'cv') summaryMetrics[`${l.id}.${m}_std`] = s.std;
    }
  }
  const value: MetricsValue = {
    task: data.task,
    split: p.mode === 'cv' ? `${p.folds}-fold cv` : 'test',
    scalars: summaryMetrics,
    tables,
    ...(classification ? { classNames: [...classNames] } : {}),
    comparison,
  };
  ctx.progress(1);
  return {
    outputs: { metrics: value },
    summary: { metrics: summaryMetrics, text: tables.map(formatTable).join('\n\n') },
  };
};
