import type {
  DatasetSplit,
  DatasetValue,
  DisplayTable,
  ImportanceValue,
  MetricsValue,
  TrainedModelValue,
} from '../../../common';
import { formatTable, higherIsBetter, meanStd, predictionScores } from '../../../common/metrics';
import type { EvalImportanceParams } from '../../../common/nodes/eval/importance';
import { gatherColumn, rawIndexAt } from '../../../common/splitRaw';
import { seededRandom, shuffleInPlace } from '../../../common/nodes/prep/random';
import { checkCompatible, pickSplit, runTrainedModel } from '../../inference/runModel';
import { throwIfAborted, UserError, type Executor } from '../Executor';

/** Feature slots a raw column takes: its one-hot categories, else one. */
function featureWidth(column: string, transforms: DatasetValue['transforms']): number {
  const onehot = transforms.find((t) => t.column === column && t.kind === 'onehot');
  return onehot?.kind === 'onehot' ? onehot.categories.length : 1;
}

/** A feature group: a name and the `x` slots (or the raw column) shuffled together. */
interface Group {
  name: string;
  slots: number[];
}

function groupsOf(model: TrainedModelValue, data: DatasetValue, d: number, byColumn: boolean): Group[] {
  if (model.rawInputs) return (model.rawFeatures ?? data.rawFeatures ?? []).map((f) => ({ name: f.name, slots: [] }));
  const raw = data.rawFeatures;
  if (byColumn && raw?.length) {
    const widths = raw.map((f) => featureWidth(f.name, data.transforms));
    if (widths.reduce((a, b) => a + b, 0) === d) {
      let at = 0;
      return raw.map((f, i) => {
        const slots = Array.from({ length: widths[i] }, (_, j) => at + j);
        at += widths[i];
        return { name: f.name, slots };
      });
    }
  }
  const names = data.featureNames?.length === d ? data.featureNames : undefined;
  return Array.from({ length: d }, (_, j) => ({ name: names?.[j] ?? `x${j}`, slots: [j] }));
}

/** `repeats` copies of the split's rows, the group's slots (or raw column) of copy r permuted by `perms[r]`. */
function shuffledRows(
  split: DatasetSplit,
  group: Group,
  perms: Int32Array[],
  d: number,
  rawInputs: boolean,
): DatasetSplit {
  const n = split.n;
  const total = n * perms.length;
  if (rawInputs) {
    const identity = rawIndexAt(
      split,
      Int32Array.from({ length: total }, (_, i) => i % n),
    );
    const shuffled = rawIndexAt(
      split,
      Int32Array.from({ length: total }, (_, i) => perms[Math.floor(i / n)][i % n]),
    );
    const raw = split.raw!.map((c) => gatherColumn(c, c.name === group.name ? shuffled : identity));
    return { x: new Float32Array(0), y: new Int32Array(0), n: total, raw };
  }
  const x = new Float32Array(total * d);
  perms.forEach((perm, r) => {
    x.set(split.x, r * n * d);
    for (let i = 0; i < n; i++) {
      const from = perm[i] * d;
      const to = (r * n + i) * d;
      for (const s of group.slots) x[to + s] = split.x[from + s];
    }
  });
  return { x, y: new Int32Array(0), n: total };
}

export const evalImportanceExecutor: Executor<EvalImportanceParams> = async (ctx) => {
  const where = `eval.importance (${ctx.nodeId})`;
  const p = ctx.params;
  const model = ctx.inputs.model as TrainedModelValue | undefined;
  const data = ctx.inputs.data as DatasetValue;
  if (!model)
    throw new UserError(`${where}: no trained model arrived at the model input; check the node that feeds it`);
  checkCompatible(model, data, where, p.split);
  const split = pickSplit(data, p.split, where);
  if (split.lazy) {
    throw new UserError(
      `${where}: the "${p.split}" split is read from files batch by batch; permutation importance needs its rows in memory: raise the reader's memoryBudgetMB`,
    );
  }
  if (split.sparse && !model.rawInputs) {
    throw new UserError(
      `${where}: the "${p.split}" split holds ${split.sparse.cols} sparse TF-IDF features (prep.tfidf); shuffling each ` +
        'of them is not supported: read the terms that weigh most from the learner summary (ml.logistic lists its ' +
        'largest coefficients)',
    );
  }
  const classification = data.task === 'classification';
  const metric = p.metric === 'auto' ? (classification ? 'accuracy' : 'r2') : p.metric;
  const allowed = classification
    ? ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'log_loss']
    : ['mse', 'mae', 'r2'];
  if (!allowed.includes(metric)) {
    throw new UserError(
      `${where}: metric ${metric} is not a ${data.task} metric; pick one of ${allowed.join(', ')}`,
      1,
    );
  }
  const d = model.rawInputs ? 0 : model.featureShape.reduce((a, b) => a * b, 1);
  const groups = groupsOf(model, data, d, p.groupOneHot);
  if (!groups.length) throw new UserError(`${where}: the model has no input features to shuffle`);
  const sign = higherIsBetter(metric) ? 1 : -1;
  const opts = { batchSize: p.batchSize, signal: ctx.signal };
  const base = await runTrainedModel(model, split, split.n, opts);
  const baseline = predictionScores(data.task, split.y, base.values, base.width)[metric];
  const random = seededRandom(p.seed);
  const features: ImportanceValue['features'] = [];
  for (const [gi, group] of groups.entries()) {
    throwIfAborted(ctx.signal);
    ctx.progress(gi / groups.length, `shuffling ${group.name}`);
    const perms = Array.from({ length: p.repeats }, () =>
      shuffleInPlace(
        Int32Array.from({ length: split.n }, (_, i) => i),
        random,
      ),
    );
    const rows = shuffledRows(split, group, perms, d, Boolean(model.rawInputs));
    const out = await runTrainedModel(model, rows, rows.n, opts);
    const values = perms.map((_, r) => {
      const o = out.values.subarray(r * split.n * out.width, (r + 1) * split.n * out.width);
      return sign * (baseline - predictionScores(data.task, split.y, o, out.width)[metric]);
    });
    features.push({ name: group.name, ...meanStd(values), values });
  }
  features.sort((a, b) => b.mean - a.mean);
  const importance: ImportanceValue = { metric, baseline, repeats: p.repeats, features };
  const table: DisplayTable = {
    title: `Permutation importance (${p.split}; drop in ${metric} from ${baseline.toFixed(4)}, ${p.repeats} shuffles; mean ± sd)`,
    columns: ['feature', 'mean', 'sd'],
    rows: features.map((f) => [f.name, f.mean, f.std]),
  };
  const value: MetricsValue = {
    task: data.task,
    split: p.split,
    scalars: { [`baseline_${metric}`]: baseline },
    tables: [table],
    importance,
  };
  ctx.progress(1);
  const top = features.slice(0, 10);
  return {
    outputs: { metrics: value },
    summary: {
      metrics: Object.fromEntries(
        [
          [`baseline_${metric}`, baseline] as const,
          ...top.map((f) => [`importance.${f.name}`, f.mean] as const),
        ].filter(([, v]) => Number.isFinite(v)),
      ),
      text: formatTable(table),
    },
  };
};
