import { describe, expect, it } from 'vitest';
import {
  addNode,
  builtinNodes,
  checkConnection,
  connect,
  copyFragment,
  emptyDocument,
  moveNodes,
  pasteFragment,
  removeElements,
  setLabel,
  setParam,
  type ConnectionAttempt,
  type PipelineDocument,
} from '../../../../../core/common';

const registry = builtinNodes;
const wire = (from: string, to: string): ConnectionAttempt => {
  const [sn, sp] = from.split('.') as [string, string];
  const [tn, tp] = to.split('.') as [string, string];
  return { source: { node: sn, port: sp }, target: { node: tn, port: tp } };
};
const edgeKeys = (d: PipelineDocument): string[] => d.edges.map((e) => e.id);

function withNodes(...types: string[]): PipelineDocument {
  let doc = emptyDocument('edit');
  types.forEach((type, i) => {
    const r = addNode(doc, registry, type, { x: i * 200, y: 0 });
    if (!r.ok) throw new Error(r.reason);
    doc = r.document;
  });
  return doc;
}

function linked(doc: PipelineDocument, ...links: [string, string][]): PipelineDocument {
  for (const [from, to] of links) {
    const r = connect(doc, registry, wire(from, to));
    if (!r.ok) throw new Error(r.reason);
    doc = r.document;
  }
  return doc;
}

describe('addNode', () => {
  it('adds a registered type at its version with fresh ids and empty params, leaving the input untouched', () => {
    const empty = emptyDocument('a');
    const one = addNode(empty, registry, 'data.csv', { x: 5, y: 6 });
    expect(one.ok && one.id).toBe('csv_1');
    if (!one.ok) return;
    expect(one.document.nodes).toEqual([
      { id: 'csv_1', type: 'data.csv', version: registry['data.csv'].version, params: {}, position: { x: 5, y: 6 } },
    ]);
    expect(empty.nodes).toEqual([]);
    const two = addNode(one.document, registry, 'data.csv', { x: 0, y: 0 });
    expect(two.ok && two.id).toBe('csv_2');
    expect(two.ok && two.document.nodes[0]).toBe(one.document.nodes[0]);
    expect(addNode(empty, registry, 'no.such', { x: 0, y: 0 })).toEqual({
      ok: false,
      reason: 'unknown node type no.such',
    });
  });
});

describe('connect', () => {
  it('wires typed ports and refuses what canConnect refuses, naming both ports and types', () => {
    const doc = withNodes('data.csv', 'prep.split', 'train.trainer');
    const ok = connect(doc, registry, wire('csv_1.table', 'split_1.table'));
    expect(ok.ok && edgeKeys(ok.document)).toEqual(['csv_1.table->split_1.table']);
    const wrong = connect(doc, registry, wire('csv_1.table', 'trainer_1.data'));
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.reason).toMatch(/^CSV.*\.table → .*\.data: Table.* cannot feed Dataset/);
    expect(checkConnection(doc, registry, wire('split_1.dataset', 'split_1.table'))).toEqual({
      ok: false,
      reason: 'a node cannot feed itself',
    });
    expect(checkConnection(doc, registry, wire('csv_1.nope', 'split_1.table'))).toEqual({
      ok: false,
      reason: 'connect an output (right) to an input (left)',
    });
    expect(checkConnection(doc, registry, wire('ghost_1.table', 'split_1.table'))).toEqual({
      ok: false,
      reason: 'unknown node type',
    });
  });

  it('judges the source by its inferred type when validation has one', () => {
    const doc = withNodes('prep.split', 'eval.classification');
    const attempt = wire('split_1.dataset', 'classification_1.data');
    expect(checkConnection(doc, registry, attempt).ok).toBe(true);
    const inferred = { split_1: { dataset: { kind: 'Dataset' as const, task: 'regression' as const } } };
    const refused = checkConnection(doc, registry, attempt, inferred);
    expect(!refused.ok && refused.reason).toMatch(/task regression ≠ classification/);
  });

  it('refuses an edge that would close a cycle, and replaces the edge into an input already fed', () => {
    let doc = linked(withNodes('prep.select', 'prep.select', 'prep.select'), ['select_1.table', 'select_2.table']);
    doc = linked(doc, ['select_2.table', 'select_3.table']);
    expect(connect(doc, registry, wire('select_3.table', 'select_1.table'))).toEqual({
      ok: false,
      reason: 'this edge would make a cycle',
    });
    const again = connect(doc, registry, wire('select_2.table', 'select_3.table'));
    expect(again.ok && again.document).toBe(doc);
    const replaced = connect(doc, registry, wire('select_1.table', 'select_3.table'));
    expect(replaced.ok && edgeKeys(replaced.document)).toEqual([
      'select_1.table->select_2.table',
      'select_1.table->select_3.table',
    ]);
  });
});

describe('removeElements', () => {
  it('removes nodes with their edges and edges by id; removing nothing returns the same document', () => {
    const doc = linked(
      withNodes('data.csv', 'prep.split', 'prep.select'),
      ['csv_1.table', 'split_1.table'],
      ['csv_1.table', 'select_1.table'],
    );
    const noSplit = removeElements(doc, { nodes: ['split_1'] });
    expect(noSplit.nodes.map((n) => n.id)).toEqual(['csv_1', 'select_1']);
    expect(edgeKeys(noSplit)).toEqual(['csv_1.table->select_1.table']);
    const noEdge = removeElements(doc, { edges: ['csv_1.table->split_1.table'] });
    expect(noEdge.nodes).toEqual(doc.nodes);
    expect(edgeKeys(noEdge)).toEqual(['csv_1.table->select_1.table']);
    expect(removeElements(doc, {})).toBe(doc);
    expect(doc.edges).toHaveLength(2);
  });
});

describe('copy and paste', () => {
  it('pastes copies with fresh ids, moved by the offset, only inner edges rewired, params deep-copied', () => {
    let doc = linked(withNodes('data.csv', 'prep.split', 'prep.select'), ['csv_1.table', 'split_1.table']);
    doc = linked(doc, ['csv_1.table', 'select_1.table']);
    doc = setParam(doc, 'split_1', 'options', { seed: 1 });
    const clip = copyFragment(doc, ['csv_1', 'split_1']);
    expect(clip?.nodes.map((n) => n.id)).toEqual(['csv_1', 'split_1']);
    expect(clip && edgeKeys({ ...doc, ...clip })).toEqual(['csv_1.table->split_1.table']);
    const first = pasteFragment(doc, clip!);
    expect(first.pasted.nodes.map((n) => `${n.id}@${n.position.x},${n.position.y}`)).toEqual([
      'csv_2@40,40',
      'split_2@240,40',
    ]);
    expect(edgeKeys(first.document)).toEqual([
      'csv_1.table->split_1.table',
      'csv_1.table->select_1.table',
      'csv_2.table->split_2.table',
    ]);
    const copied = first.document.nodes.find((n) => n.id === 'split_2')!;
    expect(copied.params).toEqual({ options: { seed: 1 } });
    (copied.params.options as { seed: number }).seed = 2;
    expect(doc.nodes.find((n) => n.id === 'split_1')!.params).toEqual({ options: { seed: 1 } });
    const second = pasteFragment(first.document, first.pasted);
    expect(second.pasted.nodes.map((n) => `${n.id}@${n.position.x},${n.position.y}`)).toEqual([
      'csv_3@80,80',
      'split_3@280,80',
    ]);
    expect(copyFragment(doc, ['nobody'])).toBeUndefined();
  });
});

describe('moving and editing', () => {
  it('moves named nodes, sets and clears params and labels, and keeps untouched nodes as they were', () => {
    const doc = withNodes('data.csv', 'prep.split');
    const moved = moveNodes(doc, { split_1: { x: 7, y: 8 }, ghost: { x: 1, y: 1 } });
    expect(moved.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 7, y: 8 },
    ]);
    expect(moved.nodes[0]).toBe(doc.nodes[0]);
    const set = setParam(doc, 'split_1', 'target', 'species');
    expect(set.nodes[1].params).toEqual({ target: 'species' });
    expect(doc.nodes[1].params).toEqual({});
    expect(setParam(set, 'split_1', 'target', undefined).nodes[1].params).toEqual({});
    const labelled = setLabel(doc, 'csv_1', 'Iris');
    expect(labelled.nodes[0].label).toBe('Iris');
    expect('label' in setLabel(labelled, 'csv_1', '').nodes[0]).toBe(false);
    expect(labelled.nodes[1]).toBe(doc.nodes[1]);
  });
});

describe('setPipelineName', () => {
  it('sets, keeps and removes metadata.name without touching the rest', async () => {
    const { setPipelineName } = await import('../../../../../core/common');
    const doc = { ...emptyDocument('a'), metadata: { name: 'a', seed: 3 } };
    const named = setPipelineName(doc, 'wine');
    expect(named.metadata).toEqual({ name: 'wine', seed: 3 });
    expect(setPipelineName(named, 'wine')).toBe(named);
    expect(setPipelineName(named, '').metadata).toEqual({ seed: 3 });
  });
});

describe('namedAfterFile', () => {
  it('names a pipeline without a name (or Untitled) after the file and keeps a given name', async () => {
    const { namedAfterFile } = await import('../../../../../core/common');
    const unnamed = { ...emptyDocument('a'), metadata: { seed: 3 } };
    expect(namedAfterFile(unnamed, '/ws/sub/wine.weft.json').metadata).toEqual({ name: 'wine', seed: 3 });
    expect(namedAfterFile(unnamed, 'C:\\ws\\cars.json').metadata.name).toBe('cars');
    const untitled = { ...unnamed, metadata: { name: 'Untitled' } };
    expect(namedAfterFile(untitled, 'x.weft.json').metadata.name).toBe('x');
    const named = { ...unnamed, metadata: { name: 'mine' } };
    expect(namedAfterFile(named, 'x.weft.json')).toBe(named);
  });
});
