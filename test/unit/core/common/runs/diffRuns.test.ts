import { describe, expect, it } from 'vitest';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, edgeId, type PipelineDocument } from '../../../../../core/common';
import {
  diffDatasets,
  diffMetrics,
  diffParams,
  diffPipelines,
  diffRuns,
  formatRunDiff,
  isEmptyPipelineDiff,
  matchRunId,
  RunRecordSchema,
  type RunRecord,
} from '../../../../../core/common/runs';

type N = [id: string, type: string, params?: Record<string, unknown>, version?: number];

function doc(nodes: N[], edges: string[], metadata: Record<string, unknown> = {}): PipelineDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    metadata,
    nodes: nodes.map(([id, type, params = {}, version = 1], i) => ({
      id,
      type,
      version,
      params,
      position: { x: i * 100, y: i },
    })),
    edges: edges.map((t) => {
      const [from, to] = t.split('->') as [string, string];
      const [sn, sp] = from.split('.') as [string, string];
      const [tn, tp] = to.split('.') as [string, string];
      const e = { source: { node: sn, port: sp }, target: { node: tn, port: tp } };
      return { id: edgeId(e), ...e };
    }),
  };
}

const base = doc(
  [
    ['csv', 'data.csv', { path: 'iris.csv' }],
    ['split', 'prep.split', { target: 'species', ratios: { train: 0.7, validation: 0.15, test: 0.15 } }],
    ['mlp', 'model.mlp', { hidden: [16] }],
    ['trainer', 'train.trainer', { epochs: 10, optimizer: { kind: 'adam', lr: 0.01 }, seed: 7 }],
    ['eval', 'eval.classification', { split: 'test' }],
  ],
  [
    'csv.table->split.table',
    'split.dataset->trainer.data',
    'mlp.model->trainer.model',
    'trainer.model->eval.model',
    'split.dataset->eval.data',
  ],
  { name: 'iris', seed: 1 },
);

describe('diffPipelines on hand-made pairs', () => {
  it('finds nothing between a pipeline and itself moved around and renamed', () => {
    const moved = structuredClone(base);
    moved.metadata.name = 'iris v2';
    for (const n of moved.nodes) n.position = { x: n.position.x + 50, y: 3 };
    moved.nodes.reverse();
    moved.edges.reverse();
    const d = diffPipelines(base, moved);
    expect(isEmptyPipelineDiff(d)).toBe(true);
  });

  it('reports one nested param change with old and new values, and nothing else', () => {
    const b = structuredClone(base);
    (b.nodes[3].params.optimizer as { lr: number }).lr = 0.1;
    const d = diffPipelines(base, b);
    expect(d.params).toEqual([{ node: 'trainer', path: 'optimizer.lr', from: 0.01, to: 0.1 }]);
    expect(d.addedNodes).toEqual([]);
    expect(d.addedEdges).toEqual([]);
    expect(d.metadata).toEqual([]);
  });

  it('treats arrays as whole values and reports params that appear or vanish', () => {
    const b = structuredClone(base);
    b.nodes[2].params = { hidden: [16, 8], dropout: 0.2 };
    b.nodes[4].params = {};
    const d = diffPipelines(base, b);
    expect(d.params).toEqual([
      { node: 'mlp', path: 'dropout', from: undefined, to: 0.2 },
      { node: 'mlp', path: 'hidden', from: [16], to: [16, 8] },
      { node: 'eval', path: 'split', from: 'test', to: undefined },
    ]);
  });

  it('reports added and removed nodes and edges, a changed type and a changed seed', () => {
    const b = doc(
      [
        ['csv', 'data.csv', { path: 'iris.csv' }],
        ['split', 'prep.split', { target: 'species', ratios: { train: 0.7, validation: 0.15, test: 0.15 } }],
        ['std', 'prep.standardize', {}],
        ['mlp', 'model.cnn', {}],
        ['trainer', 'train.trainer', { epochs: 10, optimizer: { kind: 'adam', lr: 0.01 }, seed: 7 }],
      ],
      ['csv.table->split.table', 'split.dataset->std.dataset', 'std.dataset->trainer.data', 'mlp.model->trainer.model'],
      { name: 'iris', seed: 2 },
    );
    const d = diffPipelines(base, b);
    expect(d.addedNodes).toEqual([{ id: 'std', type: 'prep.standardize' }]);
    expect(d.removedNodes).toEqual([{ id: 'eval', type: 'eval.classification' }]);
    expect(d.typeChanges).toEqual([{ id: 'mlp', from: 'model.mlp', to: 'model.cnn' }]);
    expect(d.params).toEqual([]);
    expect(d.addedEdges).toEqual(['split.dataset->std.dataset', 'std.dataset->trainer.data']);
    expect(d.removedEdges).toEqual([
      'split.dataset->eval.data',
      'split.dataset->trainer.data',
      'trainer.model->eval.model',
    ]);
    expect(d.metadata).toEqual([{ key: 'seed', from: 1, to: 2 }]);
  });

  it('compares resolved params, so a default spelled out is no change', () => {
    const a = doc([['t', 'train.trainer', { epochs: 10 }]], []);
    const b = doc([['t', 'train.trainer', { epochs: 10, batchSize: 32 }]], []);
    expect(diffPipelines(a, b).params).toHaveLength(1);
    const withDefaults = (_d: 'a' | 'b', _id: string, raw: Record<string, unknown>): unknown => ({
      batchSize: 32,
      ...raw,
    });
    expect(diffPipelines(a, b, withDefaults).params).toEqual([]);
  });

  it('reports a type version change separately from params', () => {
    const a = doc([['t', 'train.trainer', { epochs: 10 }, 1]], []);
    const b = doc([['t', 'train.trainer', { epochs: 10 }, 2]], []);
    expect(diffPipelines(a, b).versionChanges).toEqual([{ id: 't', from: 1, to: 2 }]);
  });
});

describe('diffParams, diffDatasets, diffMetrics', () => {
  it('ignores key order and descends into objects only', () => {
    expect(diffParams({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
    expect(diffParams({ a: { b: 1 } }, { a: 5 })).toEqual([{ path: 'a', from: { b: 1 }, to: 5 }]);
  });

  it('matches data files by node and path', () => {
    const a = [
      { node: 'csv', path: 'a.csv', resolved: '/w/a.csv', fingerprint: '10:aaa' },
      { node: 'csv2', path: 'b.csv', resolved: '/w/b.csv', fingerprint: '10:bbb' },
    ];
    const b = [
      { node: 'csv', path: 'a.csv', resolved: '/x/a.csv', fingerprint: '11:ccc' },
      { node: 'csv3', path: 'c.csv', resolved: '/w/c.csv', fingerprint: '1:ddd' },
    ];
    expect(diffDatasets(a, b)).toEqual([
      { node: 'csv', path: 'a.csv', from: '10:aaa', to: '11:ccc' },
      { node: 'csv2', path: 'b.csv', from: '10:bbb' },
      { node: 'csv3', path: 'c.csv', to: '1:ddd' },
    ]);
    expect(diffDatasets(a, structuredClone(a))).toEqual([]);
  });

  it('computes b − a for shared metrics and keeps one-sided ones', () => {
    expect(
      diffMetrics(
        { 'eval.accuracy': 0.5, 'eval.f1': 0.25, old: 1 },
        { 'eval.accuracy': 0.75, 'eval.f1': 0.25, new: 2 },
      ),
    ).toEqual([
      { key: 'eval.accuracy', a: 0.5, b: 0.75, delta: 0.25 },
      { key: 'eval.f1', a: 0.25, b: 0.25, delta: 0 },
      { key: 'new', b: 2 },
      { key: 'old', a: 1 },
    ]);
  });
});

function record(id: string, document: PipelineDocument, over: Partial<RunRecord> = {}): RunRecord {
  return RunRecordSchema.parse({
    format: 'weft.run',
    formatVersion: 1,
    id,
    status: 'finished',
    startedAt: 1,
    owner: { pid: 1, host: 'h' },
    pipeline: { baseDir: '/w', document },
    environment: {
      weft: '0.1.0',
      onnxruntime: '1.30.0',
      node: '20',
      platform: 'linux',
      arch: 'x64',
      providers: { trainer: 'cpu' },
    },
    nodes: Object.fromEntries(
      document.nodes.map((n) => [n.id, { type: n.type, version: n.version, params: n.params, status: 'done' }]),
    ),
    ...over,
  });
}

describe('diffRuns', () => {
  it('shows the one changed parameter and the metric deltas, in data and in text', () => {
    const b = structuredClone(base);
    (b.nodes[3].params.optimizer as { lr: number }).lr = 0.1;
    const ra = record('aaa111', base, { metrics: { 'eval.accuracy': 0.9, 'trainer.loss': 0.3 } });
    const rb = record('bbb222', b, { metrics: { 'eval.accuracy': 0.95, 'trainer.loss': 0.3 } });
    const d = diffRuns(ra, rb);
    expect(d.pipeline.params).toEqual([{ node: 'trainer', path: 'optimizer.lr', from: 0.01, to: 0.1 }]);
    expect(d.metrics.find((m) => m.key === 'eval.accuracy')?.delta).toBeCloseTo(0.05, 12);
    expect(d.sameInputs).toBe(false);
    expect(d.environment).toEqual([]);
    const text = formatRunDiff(d).join('\n');
    expect(text).toContain('trainer.optimizer.lr: 0.01 → 0.1');
    expect(text).toContain('eval.accuracy: 0.9 → 0.95 (+0.05)');
    expect(text).not.toContain('trainer.loss');
  });

  it('uses recorded resolved params over the raw document, and reports provider changes', () => {
    const ra = record('a', base);
    const rb = record('b', base, {
      environment: {
        weft: '0.1.0',
        onnxruntime: '1.30.0',
        node: '20',
        platform: 'linux',
        arch: 'x64',
        providers: { trainer: 'cuda' },
      },
    });
    rb.nodes.trainer = { ...rb.nodes.trainer, params: { ...(base.nodes[3].params as object), epochs: 20 } };
    const d = diffRuns(ra, rb);
    expect(d.pipeline.params).toEqual([{ node: 'trainer', path: 'epochs', from: 10, to: 20 }]);
    expect(d.environment).toEqual([{ key: 'provider', from: 'cpu', to: 'cuda' }]);
  });

  it('says the inputs are the same for a rerun with equal data and seed', () => {
    const data = [{ node: 'csv', path: 'iris.csv', resolved: '/w/iris.csv', fingerprint: '5:abc' }];
    expect(diffRuns(record('a', base, { datasets: data }), record('b', base, { datasets: data })).sameInputs).toBe(
      true,
    );
    const changed = [{ ...data[0], fingerprint: '6:def' }];
    const d = diffRuns(record('a', base, { datasets: data }), record('b', base, { datasets: changed }));
    expect(d.sameInputs).toBe(false);
    expect(formatRunDiff(d).join('\n')).toContain('csv iris.csv: 5:abc → 6:def');
  });
});

describe('matchRunId', () => {
  it('accepts a full id, a unique prefix, and rejects ambiguous or unknown prefixes', () => {
    const ids = ['a1b2c3', 'a1ffff', 'b00000'];
    expect(matchRunId('b', ids)).toEqual({ ok: true, id: 'b00000' });
    expect(matchRunId('a1b', ids)).toEqual({ ok: true, id: 'a1b2c3' });
    expect(matchRunId('a1', ids)).toEqual({ ok: false, reason: 'ambiguous', candidates: ['a1b2c3', 'a1ffff'] });
    expect(matchRunId('z', ids)).toEqual({ ok: false, reason: 'none', candidates: [] });
  });
});
