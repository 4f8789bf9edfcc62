import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinNodes,
  formatValidationErrors,
  type EngineEvent,
  type MetricsValue,
  type PipelineDocument,
  type TrainedModelValue,
} from '../../../../../../core/common';
import { createDefaultEngine } from '../../../../../../core/node/defaultEngine';
import { runRecorded } from '../../../../../../core/node/runs/recordedRun';
import { RunStore } from '../../../../../../core/node/runs/RunStore';
import { paretoFront } from '../../../../../../core/common/search/pareto';

const node = (id: string, type: string, params: Record<string, unknown>) => ({
  id,
  type,
  version: 1,
  params,
  position: { x: 0, y: 0 },
});
const edge = (s: string, sp: string, t: string, tp: string) => ({
  id: `${s}.${sp}->${t}.${tp}`,
  source: { node: s, port: sp },
  target: { node: t, port: tp },
});

function workspace(): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'weft-search-'));
  mkdirSync(path.join(ws, 'data'));
  copyFileSync(path.resolve('resources/data/iris.csv'), path.join(ws, 'data', 'iris.csv'));
  return ws;
}

/** iris → split (train/validation/test) → ml.tree → eval on validation → tune.search → eval on test. */
function treeSearch(search: Record<string, unknown>, evalSplit = 'validation'): PipelineDocument {
  return {
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'iris tree search' },
    nodes: [
      node('csv', 'data.csv', { path: 'data/iris.csv' }),
      node('split', 'prep.split', { target: 'species', train: 0.5, validation: 0.25, test: 0.25, seed: 5 }),
      node('tree', 'ml.tree', { maxDepth: 3 }),
      node('eval_val', 'eval.classification', { split: evalSplit, topK: [] }),
      node('search', 'tune.search', {
        dimensions: [{ node: 'tree', param: 'maxDepth', type: 'int', low: 1, high: 4 }],
        algorithm: 'grid',
        gridPoints: 4,
        trials: 4,
        ...search,
      }),
      node('eval_test', 'eval.classification', { split: 'test', topK: [] }),
    ],
    edges: [
      edge('csv', 'table', 'split', 'table'),
      edge('split', 'dataset', 'tree', 'data'),
      edge('tree', 'model', 'eval_val', 'model'),
      edge('split', 'dataset', 'eval_val', 'data'),
      edge('eval_val', 'metrics', 'search', 'metrics'),
      edge('tree', 'model', 'search', 'model'),
      edge('search', 'model', 'eval_test', 'model'),
      edge('split', 'dataset', 'eval_test', 'data'),
    ],
  };
}

async function run(doc: PipelineDocument, ws: string, signal?: AbortSignal, onEvent?: (e: EngineEvent) => void) {
  const engine = createDefaultEngine(ws, { lean: true });
  const store = new RunStore(ws);
  const { outcome, record } = await runRecorded(engine, doc, {
    store,
    registry: builtinNodes,
    baseDir: ws,
    workspace: ws,
    need: ['search', 'eval_test'],
    ...(signal ? { signal } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
  const children = (await store.list()).runs.filter((r) => record && r.parent === record.id);
  return { engine, outcome, record, store, children };
}

/** The validation accuracy and model of the plain pipeline with the tree at `depth` (no search). */
async function plain(depth: number, ws: string): Promise<{ accuracy: number; onnx: Uint8Array }> {
  const doc = treeSearch({});
  doc.nodes = doc.nodes.filter((n) => n.id !== 'search' && n.id !== 'eval_test');
  doc.edges = doc.edges.filter((e) => e.target.node !== 'search' && e.target.node !== 'eval_test');
  (doc.nodes.find((n) => n.id === 'tree') as { params: Record<string, unknown> }).params = { maxDepth: depth };
  const engine = createDefaultEngine(path.join(ws, 'plain'));
  const out = await engine.run(doc, { baseDir: ws, need: ['eval_val', 'tree'] });
  if (!out.ok) throw new Error('plain pipeline invalid');
  const metrics = (await out.load('eval_val'))?.outputs.metrics as MetricsValue;
  const model = (await out.load('tree'))?.outputs.model as TrainedModelValue;
  return { accuracy: metrics.scalars.accuracy, onnx: model.onnx };
}

describe('tune.search through the engine', () => {
  it('runs every grid point as a recorded child run, and outputs the best trial’s model', async () => {
    const ws = workspace();
    const { outcome, record, children } = await run(treeSearch({}), ws);
    if (!outcome.ok) throw new Error(formatValidationErrors(outcome.validation).join('; '));
    expect(outcome.report.status).toBe('finished');
    expect(children.map((c) => c.trial?.index).sort()).toEqual([0, 1, 2, 3]);
    const expected = await Promise.all([1, 2, 3, 4].map((d) => plain(d, ws)));
    for (const c of children) {
      const depth = c.trial?.params['tree.maxDepth'] as number;
      expect(c.status).toBe('finished');
      expect(c.trial?.objective).toBe(expected[depth - 1]?.accuracy);
      // A trial runs only what the search reads: the test-split evaluation is not in it.
      expect(Object.keys(c.nodes).sort()).toEqual(['csv', 'eval_val', 'split', 'tree']);
    }
    const accuracies = expected.map((e) => e.accuracy);
    const bestDepth = accuracies.indexOf(Math.max(...accuracies)) + 1;
    const search = await outcome.load('search');
    expect((search?.outputs.model as TrainedModelValue).onnx).toEqual(expected[bestDepth - 1]?.onnx);
    const trials = search?.outputs.trials as MetricsValue;
    expect(trials.scalars.accuracy).toBe(Math.max(...accuracies));
    expect(trials.scalars.defaults_accuracy).toBe(accuracies[2]);
    expect(trials.tables[0]?.rows).toHaveLength(4);
    expect(record?.metrics['search.accuracy']).toBe(Math.max(...accuracies));
    expect(outcome.report.nodes.eval_test?.status).toBe('done');
  }, 120_000);

  it('runs trials two at a time on one engine (random sampler), each recorded once', async () => {
    const { outcome, children } = await run(treeSearch({ algorithm: 'random', workers: 2, seed: 9 }), workspace());
    expect(outcome.ok && outcome.report.status).toBe('finished');
    expect(children.map((c) => c.trial?.index).sort()).toEqual([0, 1, 2, 3]);
    expect(children.every((c) => c.status === 'finished' && c.trial?.objective !== undefined)).toBe(true);
  }, 120_000);

  it('resumes a killed search without running its finished trials again', async () => {
    const ws = workspace();
    const doc = treeSearch({});
    const controller = new AbortController();
    let ended = 0;
    const first = await run(doc, ws, controller.signal, (e) => {
      if (e.type === 'search.trial' && e.trial.status !== 'running' && ++ended === 2) controller.abort();
    });
    expect(first.outcome.ok && first.outcome.report.status).toBe('cancelled');
    expect(first.children.filter((c) => c.status === 'finished').map((c) => c.trial?.index)).toEqual(
      expect.arrayContaining([0, 1]),
    );
    const logs: string[] = [];
    const second = await run(doc, ws, undefined, (e) => {
      if (e.type === 'node.log' && e.nodeId === 'search') logs.push(e.message);
    });
    if (!second.outcome.ok) throw new Error('invalid');
    expect(second.outcome.report.status).toBe('finished');
    expect(logs.some((m) => /resuming: 2 trials/.test(m))).toBe(true);
    expect(second.children.map((c) => c.trial?.index).sort()).toEqual([2, 3]);
    const trials = (await second.outcome.load('search'))?.outputs.trials as MetricsValue;
    expect(trials.tables[0]?.rows.map((r) => r[0])).toEqual([0, 1, 2, 3]);
  }, 120_000);
});

/** iris → split → model.mlp → train.trainer (9 epochs) → eval on validation → tune.search with ASHA. */
function mlpSearch(): PipelineDocument {
  return {
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'iris mlp search' },
    nodes: [
      node('csv', 'data.csv', { path: 'data/iris.csv' }),
      node('split', 'prep.split', { target: 'species', train: 0.5, validation: 0.25, test: 0.25, seed: 5 }),
      node('scale', 'prep.standardize', {}),
      node('mlp', 'model.mlp', { hidden: [8] }),
      node('train', 'train.trainer', { epochs: 9, batchSize: 16, lr: 0.003, seed: 3, provider: 'cpu', threads: 1 }),
      node('eval_val', 'eval.classification', { split: 'validation', topK: [] }),
      node('search', 'tune.search', {
        dimensions: [{ node: 'train', param: 'lr', type: 'choice', choices: [0.05, 1e-4, 3e-4, 0.02, 5e-5, 0.01] }],
        algorithm: 'grid',
        trials: 6,
        pruning: 'asha',
        gracePeriod: 1,
        reductionFactor: 3,
      }),
    ],
    edges: [
      edge('csv', 'table', 'split', 'table'),
      edge('split', 'dataset', 'scale', 'dataset'),
      edge('scale', 'dataset', 'train', 'data'),
      edge('mlp', 'model', 'train', 'model'),
      edge('train', 'model', 'eval_val', 'model'),
      edge('scale', 'dataset', 'eval_val', 'data'),
      edge('eval_val', 'metrics', 'search', 'metrics'),
      edge('train', 'model', 'search', 'model'),
    ],
  };
}

describe('tune.search on cross-validation', () => {
  it('optimises an eval.compare score over folds of the training rows', async () => {
    const doc = treeSearch({ metric: 'tree.accuracy_mean', trials: 3, gridPoints: 3 });
    doc.nodes = doc.nodes.map((n) =>
      n.id === 'eval_val' ? node('eval_val', 'eval.compare', { mode: 'cv', folds: 3, repeats: 1 }) : n,
    );
    doc.edges = doc.edges.map((e) =>
      e.target.node === 'eval_val' && e.target.port === 'model' ? edge('tree', 'learner', 'eval_val', 'learner1') : e,
    );
    const { outcome, children } = await run(doc, workspace());
    if (!outcome.ok) throw new Error(formatValidationErrors(outcome.validation).join('; '));
    expect(outcome.report.nodes.search?.error).toBeUndefined();
    expect(children).toHaveLength(3);
    const scores = children.map((c) => c.trial?.objective as number);
    for (const v of scores) expect(v).toBeGreaterThan(0.3);
    const trials = (await outcome.load('search'))?.outputs.trials as MetricsValue;
    expect(trials.split).toBe('3-fold cv');
    expect(trials.scalars['tree.accuracy_mean']).toBe(Math.max(...scores));
    // A loss is minimised without saying so (direction auto reads log_loss in tree.log_loss_mean).
    const lossDoc = {
      ...doc,
      nodes: doc.nodes.map((n) =>
        n.id === 'search' ? { ...n, params: { ...n.params, metric: 'tree.log_loss_mean' } } : n,
      ),
    };
    const losses = await run(lossDoc, workspace());
    if (!losses.outcome.ok) throw new Error('invalid');
    const lossValues = losses.children.map((c) => c.trial?.objective as number);
    const lossTrials = (await losses.outcome.load('search'))?.outputs.trials as MetricsValue;
    expect(lossTrials.scalars['tree.log_loss_mean']).toBe(Math.min(...lossValues));
    expect(new Set(lossValues).size).toBeGreaterThan(1);
  }, 120_000);
});

describe('tune.search with ASHA', () => {
  it('stops trials at rung epochs 1 and 3 of 9, recording them pruned with the epochs they trained', async () => {
    const ws = workspace();
    const { outcome, children } = await run(mlpSearch(), ws);
    if (!outcome.ok) throw new Error(formatValidationErrors(outcome.validation).join('; '));
    expect(outcome.report.status).toBe('finished');
    expect(children).toHaveLength(6);
    const pruned = children.filter((c) => c.status === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    for (const c of children) {
      const epochs = c.epochs.train?.length ?? 0;
      expect(c.trial?.epochs).toBe(epochs);
      if (c.status === 'pruned') {
        expect([1, 3]).toContain(epochs);
        expect(c.trial?.reason).toMatch(new RegExp(`pruned at epoch ${epochs}: val_accuracy`));
      } else expect(epochs).toBe(9);
    }
    // The first trial to reach a rung always continues (it is the best of one).
    expect(children.find((c) => c.trial?.index === 0)?.status).toBe('finished');
    const trials = (await outcome.load('search'))?.outputs.trials as MetricsValue;
    const spent = children.reduce((n, c) => n + (c.trial?.epochs ?? 0), 0);
    expect(trials.scalars.epochs).toBe(spent);
    expect(spent).toBeLessThan(6 * 9);
  }, 120_000);
});

describe('tune.search with ASHA on a loss', () => {
  it('reads val_loss as lower-is-better at the rungs (decisions re-derived from the recorded curves)', async () => {
    const doc = mlpSearch();
    const search = doc.nodes.find((n) => n.id === 'search') as { params: Record<string, unknown> };
    search.params = { ...search.params, pruneMetric: 'val_loss' };
    const { outcome, children } = await run(doc, workspace());
    expect(outcome.ok && outcome.report.status).toBe('finished');
    const ordered = [...children].sort((a, b) => (a.trial?.index ?? 0) - (b.trial?.index ?? 0));
    const rung1: number[] = [];
    for (const c of ordered) {
      const v = c.epochs.train?.[0]?.metrics.val_loss;
      rung1.push(v);
      const keep = Math.max(1, Math.floor(rung1.length / 3));
      const cutoff = [...rung1].sort((a, b) => a - b)[keep - 1];
      const stoppedAtOne = c.status === 'pruned' && c.trial?.epochs === 1;
      expect(stoppedAtOne, `trial ${c.trial?.index}: val_loss ${v}, cutoff ${cutoff}`).toBe(v > cutoff);
    }
  }, 120_000);
});

describe('structure search', () => {
  it('searches hidden layers with parameter count as a second objective (4·h + h + h·3 + 3 weights)', async () => {
    const doc = mlpSearch();
    const search = doc.nodes.find((n) => n.id === 'search') as { params: Record<string, unknown> };
    search.params = {
      dimensions: [{ node: 'mlp', param: 'hidden', type: 'choice', choices: [[4], [8], [4, 4]] }],
      algorithm: 'grid',
      trials: 3,
      cost: 'parameters',
    };
    const { outcome, children } = await run(doc, workspace());
    if (!outcome.ok) throw new Error(formatValidationErrors(outcome.validation).join('; '));
    const cost = (h: number[]): number =>
      [4, ...h, 3].slice(1).reduce((n, units, i) => n + [4, ...h][i] * units + units, 0);
    expect(cost([4])).toBe(4 * 4 + 4 + 4 * 3 + 3);
    for (const c of children) expect(c.trial?.cost).toBe(cost(c.trial?.params['mlp.hidden'] as number[]));
    const table = ((await outcome.load('search'))?.outputs.trials as MetricsValue).tables[0];
    expect(table?.columns).toEqual(expect.arrayContaining(['parameters', 'pareto']));
  }, 120_000);

  it('measures single-row latency and ONNX size as costs; parameter counts need a neural model', async () => {
    const latency = await run(treeSearch({ cost: 'latency_ms', trials: 2 }), workspace());
    expect(latency.children).toHaveLength(2);
    for (const c of latency.children) {
      expect(c.trial?.cost).toBeGreaterThan(0);
      expect(c.trial?.cost).toBeLessThan(1000);
    }
    const bytes = await run(treeSearch({ cost: 'onnx_bytes', trials: 2 }), workspace());
    if (!bytes.outcome.ok) throw new Error('invalid');
    const best = (await bytes.outcome.load('search'))?.outputs.model as TrainedModelValue;
    expect(bytes.children.map((c) => c.trial?.cost)).toContain(best.onnx.byteLength);
    const params = await run(treeSearch({ cost: 'parameters', trials: 2 }), workspace());
    expect(params.outcome.ok && params.outcome.report.nodes.search?.error).toMatch(
      /cost parameters counts a neural model's weights; for this learner pick onnx_bytes or latency_ms/,
    );
  }, 120_000);

  it('keeps the trials no other trial beats on both objectives (hand-worked)', () => {
    const points = [
      { objective: 0.9, cost: 100 }, // dominated by 3: same accuracy, cheaper
      { objective: 0.95, cost: 300 },
      { objective: 0.93, cost: 400 }, // dominated by 1
      { objective: 0.9, cost: 50 },
      { objective: 0.92, cost: 200 },
      { objective: 0.95, cost: 300 }, // equal to 1: neither dominates
    ];
    expect(paretoFront(points, true)).toEqual([1, 3, 4, 5]);
    expect(paretoFront(points, false)).toEqual([3]);
  });
});

describe('tune.search refuses bad input', () => {
  const failure = async (doc: PipelineDocument): Promise<string> => {
    const { outcome } = await run(doc, workspace());
    if (!outcome.ok) return formatValidationErrors(outcome.validation).join('; ');
    return outcome.report.nodes.search?.error ?? `no error (${outcome.report.status})`;
  };

  it('an empty or invalid range, and a budget of 0 trials, at validation', async () => {
    expect(
      await failure(treeSearch({ dimensions: [{ node: 'tree', param: 'maxDepth', type: 'int', low: 5, high: 2 }] })),
    ).toMatch(/tree\.maxDepth: the range 5\.\.2 is empty/);
    expect(await failure(treeSearch({ dimensions: [] }))).toMatch(/add at least one dimension/);
    expect(await failure(treeSearch({ trials: 0 }))).toMatch(/a budget of 0 trials/);
  }, 60_000);

  it('a dimension naming a param or node that no longer exists', async () => {
    expect(
      await failure(treeSearch({ dimensions: [{ node: 'tree', param: 'depth', type: 'int', low: 1, high: 3 }] })),
    ).toMatch(/ml\.tree \(tree\) has no param "depth"; its params are .*maxDepth/);
    expect(
      await failure(treeSearch({ dimensions: [{ node: 'forest', param: 'maxDepth', type: 'int', low: 1, high: 3 }] })),
    ).toMatch(/search: .*dimension forest\.maxDepth: no node "forest" in the pipeline \(renamed or deleted\?\)/);
    expect(
      await failure(
        treeSearch({ dimensions: [{ node: 'eval_test', param: 'split', type: 'choice', choices: ['validation'] }] }),
      ),
    ).toMatch(/node eval_test is not upstream of the evaluation connected to metrics/);
  }, 60_000);

  it('an objective metric the evaluation does not produce, or one on the test split', async () => {
    expect(await failure(treeSearch({ metric: 'rmse' }))).toMatch(
      /eval_val \(eval\.classification\) reports no metric "rmse"; it reports accuracy/,
    );
    expect(await failure(treeSearch({}, 'test'))).toMatch(
      /scores the test split; a search may only look at validation/,
    );
  }, 60_000);

  it('records failing trials with their reason and goes on; when all fail it stops with the first reason', async () => {
    const ws = workspace();
    const mixed = treeSearch({
      dimensions: [{ node: 'tree', param: 'maxDepth', type: 'choice', choices: [2, -1, 3] }],
      trials: 3,
    });
    const { outcome, children } = await run(mixed, ws);
    expect(outcome.ok && outcome.report.status).toBe('finished');
    const failed = children.find((c) => c.trial?.params['tree.maxDepth'] === -1);
    expect(failed?.status).toBe('failed');
    expect(failed?.trial?.reason).toMatch(/tree/);
    expect(children.filter((c) => c.status === 'finished')).toHaveLength(2);
    const allBad = treeSearch({
      dimensions: [{ node: 'tree', param: 'maxDepth', type: 'choice', choices: [-1, -2] }],
      trials: 2,
    });
    expect(await failure(allBad)).toMatch(
      /no trial finished \(2 run; stopped: every trial failed\); the first failure, trial 0: .*tree/,
    );
  }, 120_000);
});
