import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../../core/common/graph/validateGraph';
import { builtinNodes } from '../../../../core/common/nodes/registry';
import { searchParams } from '../../../../core/common/nodes/tune/search';
import type { Dimension } from '../../../../core/common/search/space';
import {
  defaultDraft,
  describeDimension,
  draftOf,
  draftToDimension,
  objectiveMetrics,
  problemDimension,
  searchableParams,
  upstreamNodeIds,
  type DimensionDraft,
} from '../../../../renderer/inspector/dimensionDraft';
import { paramFields } from '../../../../renderer/inspector/paramFields';

const mlp = builtinNodes['model.mlp'];
const trainer = builtinNodes['train.trainer'];
const field = (def: typeof mlp | typeof trainer, key: string) => {
  const f = paramFields(def).find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f;
};
const draft = (patch: Partial<DimensionDraft>): DimensionDraft => ({
  node: 'train',
  param: 'lr',
  type: 'float',
  low: '0.0001',
  high: '0.1',
  scale: 'log',
  choices: '',
  ...patch,
});

describe('dimension editor', () => {
  it('lists the nodes upstream of the search, nearest first, and nothing downstream or unconnected', () => {
    const edges = [
      { source: 'csv', target: 'split' },
      { source: 'split', target: 'train' },
      { source: 'mlp', target: 'train' },
      { source: 'train', target: 'eval' },
      { source: 'split', target: 'eval' },
      { source: 'eval', target: 'search' },
      { source: 'train', target: 'search' },
      { source: 'search', target: 'test_eval' },
    ];
    expect(upstreamNodeIds(edges, 'search')).toEqual(['eval', 'train', 'split', 'mlp', 'csv']);
    expect(upstreamNodeIds(edges, 'csv')).toEqual([]);
  });

  it('offers every param a search can vary: numbers, enums, lists; never files or columns', () => {
    expect(searchableParams(mlp).map((f) => f.key)).toEqual(
      expect.arrayContaining(['hidden', 'dropout', 'activation']),
    );
    const csv = searchableParams(builtinNodes['data.csv']).map((f) => f.key);
    expect(csv).not.toContain('path');
    const split = searchableParams(builtinNodes['prep.split']).map((f) => f.key);
    expect(split).not.toContain('target');
  });

  it('starts a range around the current value: a decade each side on a log scale for a learning rate, half to double for epochs', () => {
    expect(defaultDraft('train', field(trainer, 'lr'), 0.01)).toMatchObject({
      type: 'float',
      low: '0.001',
      high: '0.1',
      scale: 'log',
    });
    expect(defaultDraft('train', field(trainer, 'lr'), undefined)).toMatchObject({ low: '0.0001', high: '0.01' });
    expect(defaultDraft('train', field(trainer, 'epochs'), 6)).toMatchObject({ type: 'int', low: '3', high: '12' });
    expect(defaultDraft('mlp', field(mlp, 'activation'), 'relu').type).toBe('choice');
    expect(JSON.parse(defaultDraft('mlp', field(mlp, 'activation'), 'relu').choices)).toEqual(
      (field(mlp, 'activation') as { options: string[] }).options,
    );
    expect(defaultDraft('mlp', field(mlp, 'hidden'), [64, 32])).toMatchObject({ type: 'choice', choices: '[[64,32]]' });
    expect(defaultDraft('mlp', field(mlp, 'batchNorm'), undefined).choices).toBe('[false, true]');
  });

  it('turns valid drafts into dimensions the tune.search schema accepts unchanged', () => {
    const lr = draftToDimension(draft({}));
    const hidden = draftToDimension(
      draft({ node: 'mlp', param: 'hidden', type: 'choice', choices: '[[32], [64, 64], [128, 64]]' }),
    );
    const epochs = draftToDimension(draft({ param: 'epochs', type: 'int', low: ' 2 ', high: '20', scale: 'linear' }));
    if (!lr.ok || !hidden.ok || !epochs.ok) throw new Error('expected valid drafts');
    const dims = [lr.dimension, hidden.dimension, epochs.dimension];
    expect(searchParams.parse({ dimensions: dims }).dimensions).toEqual(dims);
    expect(dims).toEqual([
      { node: 'train', param: 'lr', type: 'float', low: 0.0001, high: 0.1, scale: 'log' },
      { node: 'mlp', param: 'hidden', type: 'choice', scale: 'linear', choices: [[32], [64, 64], [128, 64]] },
      { node: 'train', param: 'epochs', type: 'int', low: 2, high: 20, scale: 'linear' },
    ]);
    expect(dims.map(draftOf).map((d) => draftToDimension(d))).toEqual(
      dims.map((dimension) => ({ ok: true, dimension })),
    );
    expect(describeDimension(lr.dimension)).toBe('train.lr: float 0.0001..0.1 (log)');
    expect(describeDimension(hidden.dimension)).toBe('mlp.hidden: one of [32] | [64,64] | [128,64]');
  });

  it('says what is wrong with an invalid draft, in the words the search schema uses', () => {
    const error = (d: Partial<DimensionDraft>, others = []) => {
      const r = draftToDimension(draft(d), others);
      return r.ok ? 'ok' : r.error;
    };
    expect(error({ node: '' })).toBe('pick a node upstream of the search');
    expect(error({ param: '' })).toBe('pick a param of train');
    expect(error({ low: '' })).toBe('enter low');
    expect(error({ high: 'ten' })).toBe('high "ten" is not a number');
    expect(error({ low: '0.5', high: '0.1' })).toBe('the range 0.5..0.1 is empty: low is above high');
    expect(error({ low: '0' })).toBe('a log scale needs low above 0, not 0');
    expect(error({ type: 'int', low: '1.5', high: '4', scale: 'linear' })).toBe(
      'an int range needs whole-number bounds, not 1.5..4',
    );
    expect(error({ type: 'choice', choices: '[32, ' })).toMatch(/^choices are not JSON: /);
    expect(error({ type: 'choice', choices: '{"a": 1}' })).toMatch(/^choices must be a JSON list/);
    expect(error({ type: 'choice', choices: '[]' })).toBe('a choice dimension needs at least one value in choices');
    const taken = draftToDimension(draft({}));
    if (!taken.ok) throw new Error('expected a valid draft');
    expect(draftToDimension(draft({ low: '0.001' }), [taken.dimension])).toEqual({
      ok: false,
      error: 'train.lr is already a dimension',
    });
    expect(
      searchParams.safeParse({ dimensions: [{ node: 'train', param: 'lr', type: 'float', low: 0.5, high: 0.1 }] })
        .success,
    ).toBe(false);
  });

  it('offers as objectives the metrics the evaluation wired to the search reported', () => {
    const edges = [
      { source: 'eval_val', target: 'search', targetHandle: 'metrics' },
      { source: 'train', target: 'search', targetHandle: 'model' },
      { source: 'eval_test', target: 'other', targetHandle: 'metrics' },
    ];
    const runs = {
      eval_val: { summary: { metrics: { macro_f1: 0.8, accuracy: 0.9 } } },
      train: { summary: { metrics: { loss: 0.3 } } },
    };
    expect(objectiveMetrics(edges, 'search', runs)).toEqual(['accuracy', 'macro_f1']);
    expect(objectiveMetrics(edges, 'search', {})).toEqual([]);
    expect(objectiveMetrics(edges.slice(1), 'search', runs)).toEqual([]);
  });

  it('puts each validation message of a search beside the dimension it is about', () => {
    const node = (id: string, type: string, params: Record<string, unknown>) => ({
      id,
      type,
      version: 1,
      params,
      position: { x: 0, y: 0 },
    });
    const search = (dimensions: unknown[]) => ({
      format: 'weft.pipeline' as const,
      version: 2 as const,
      metadata: { name: 't' },
      nodes: [node('mlp', 'model.mlp', {}), node('search', 'tune.search', { dimensions })],
      edges: [],
    });
    const messages = (dimensions: unknown[]) =>
      (validateGraph(search(dimensions), builtinNodes).errors.search ?? [])
        .filter((e) => e.kind === 'bad-param')
        .map((e) => e.message);
    const missing = [
      { node: 'mlp', param: 'dropout', type: 'float', low: 0, high: 0.5 },
      { node: 'gone', param: 'depth', type: 'int', low: 2, high: 8 },
      { node: 'mlp', param: 'width', type: 'int', low: 2, high: 8 },
    ];
    const inGraph = messages(missing);
    expect(inGraph).toHaveLength(2);
    expect(inGraph.map((m) => problemDimension(missing, m))).toEqual([1, 2]);
    const badRange = [missing[0], { node: 'mlp', param: 'dropout2', type: 'float', low: 0.5, high: 0.1 }];
    const zod = messages(badRange);
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.map((m) => problemDimension(badRange as Dimension[], m))).toEqual(zod.map(() => 1));
    expect(messages([]).map((m) => problemDimension([], m))).toEqual([-1]);
  });
});
