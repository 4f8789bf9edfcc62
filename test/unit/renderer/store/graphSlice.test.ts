import type { NodeChange } from '@xyflow/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyDocument, loadDocument, type PipelineDocument } from '../../../../core/common';
import { estimatedLayout, type WeftFlowNode } from '../../../../renderer/store/documentConvert';
import { registry } from '../../../../renderer/store/nodeCatalog';
import { useStudio } from '../../../../renderer/store/useStudio';

const s = () => useStudio.getState();
const ids = (): string[] => s().nodes.map((n) => n.id);
const edgeKeys = (): string[] => s().edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}.${e.targetHandle}`);
const link = (source: string, sourceHandle: string, target: string, targetHandle: string) =>
  s().connect({ source, sourceHandle, target, targetHandle });

function classificationPipeline(): void {
  s().addNode('data.csv', { x: 0, y: 0 });
  s().addNode('prep.split', { x: 250, y: 0 });
  s().addNode('model.mlp', { x: 250, y: 200 });
  s().addNode('train.trainer', { x: 500, y: 0 });
  s().addNode('eval.classification', { x: 750, y: 0 });
}

beforeEach(() => {
  s().loadDocument(emptyDocument('test'), { path: null, revision: null, readOnly: false });
});

describe('adding, connecting and removing nodes', () => {
  it('adds nodes with fresh ids, selects the newest, and marks the document dirty', () => {
    expect(s().addNode('data.csv', { x: 0, y: 0 })).toBe('csv_1');
    expect(s().addNode('data.csv', { x: 10, y: 0 })).toBe('csv_2');
    expect(s().addNode('no.such.type', { x: 0, y: 0 })).toBeUndefined();
    expect(ids()).toEqual(['csv_1', 'csv_2']);
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['csv_2']);
    expect(s().dirty).toBe(true);
  });

  it('connects typed ports and refuses what canConnect refuses, with both types in the reason', () => {
    classificationPipeline();
    expect(link('csv_1', 'table', 'split_1', 'table')).toEqual({ ok: true });
    const wrong = link('csv_1', 'table', 'trainer_1', 'data');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.reason).toMatch(/^CSV.*\.table → .*\.data: Table.* cannot feed Dataset/);
    expect(link('split_1', 'dataset', 'split_1', 'table')).toEqual({ ok: false, reason: 'a node cannot feed itself' });
    expect(link('csv_1', 'nope', 'split_1', 'table')).toEqual({
      ok: false,
      reason: 'connect an output (right) to an input (left)',
    });
    expect(link('trainer_1', 'model', 'split_1', 'dataset')).toMatchObject({ ok: false });
    expect(edgeKeys()).toEqual(['csv_1.table->split_1.table']);
  });

  it('refuses an edge that would close a cycle', () => {
    s().addNode('prep.select', { x: 0, y: 0 });
    s().addNode('prep.select', { x: 200, y: 0 });
    s().addNode('prep.select', { x: 400, y: 0 });
    expect(link('select_1', 'table', 'select_2', 'table').ok).toBe(true);
    expect(link('select_2', 'table', 'select_3', 'table').ok).toBe(true);
    expect(link('select_3', 'table', 'select_1', 'table')).toEqual({
      ok: false,
      reason: 'this edge would make a cycle',
    });
  });

  it('replaces the edge into an input that is already connected', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('data.csv', { x: 0, y: 100 });
    s().addNode('prep.split', { x: 200, y: 0 });
    link('csv_1', 'table', 'split_1', 'table');
    link('csv_2', 'table', 'split_1', 'table');
    expect(edgeKeys()).toEqual(['csv_2.table->split_1.table']);
  });

  it('removing a node removes its edges', () => {
    classificationPipeline();
    link('csv_1', 'table', 'split_1', 'table');
    link('split_1', 'dataset', 'trainer_1', 'data');
    s().onNodesChange([{ type: 'remove', id: 'split_1' }]);
    expect(ids()).toEqual(['csv_1', 'mlp_1', 'trainer_1', 'classification_1']);
    expect(s().edges).toEqual([]);
  });
});

describe('validation per node', () => {
  it('keeps errors keyed by node and updates them as the graph is edited', () => {
    classificationPipeline();
    const errors = () => s().validation.errors;
    const trainerErrors = errors()['trainer_1'] ?? [];
    expect(trainerErrors.map((e) => e.message).join(' ')).toMatch(/model|data/);
    expect(errors()['split_1']).toBeDefined();
    link('csv_1', 'table', 'split_1', 'table');
    link('split_1', 'dataset', 'trainer_1', 'data');
    link('mlp_1', 'model', 'trainer_1', 'model');
    link('trainer_1', 'model', 'classification_1', 'model');
    link('split_1', 'dataset', 'classification_1', 'data');
    expect(errors()['trainer_1']).toBeUndefined();
    expect(errors()['classification_1']).toBeUndefined();
    expect(errors()['split_1']).toBeUndefined();
    s().setParam('split_1', 'train', 1.5);
    expect(errors()['split_1']?.map((e) => e.kind)).toEqual(['bad-param']);
    expect(JSON.stringify(errors()['split_1'])).toMatch(/train/);
    s().setParam('split_1', 'train', 0.6);
    expect(errors()['split_1']).toBeUndefined();
    s().selectOnly('split_1');
    s().deleteSelected();
    expect(errors()['trainer_1']?.map((e) => e.kind)).toEqual(['missing-input']);
    expect(errors()['classification_1']?.map((e) => e.kind)).toEqual(['missing-input']);
    expect(Object.keys(errors()).every((id) => ids().includes(id))).toBe(true);
  });
});

describe('undo and redo', () => {
  it('walks back and forth through adds, connections and param edits', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('prep.split', { x: 200, y: 0 });
    link('csv_1', 'table', 'split_1', 'table');
    s().setParam('split_1', 'target', 'species');
    const full = s().document();
    s().undo();
    expect(
      s()
        .document()
        .nodes.find((n) => n.id === 'split_1')?.params,
    ).toEqual({});
    s().undo();
    expect(s().edges).toEqual([]);
    s().undo();
    expect(ids()).toEqual(['csv_1']);
    s().undo();
    expect(ids()).toEqual([]);
    s().undo();
    expect(ids()).toEqual([]);
    s().redo();
    s().redo();
    s().redo();
    s().redo();
    expect(s().document()).toEqual(full);
    s().redo();
    expect(s().document()).toEqual(full);
  });

  it('a new edit after an undo drops the redo branch; quick edits of one field are one step', () => {
    s().addNode('prep.split', { x: 0, y: 0 });
    s().setParam('split_1', 'target', 's');
    s().setParam('split_1', 'target', 'sp');
    s().setParam('split_1', 'target', 'species');
    s().undo();
    expect(s().document().nodes[0]?.params).toEqual({});
    s().addNode('data.csv', { x: 0, y: 200 });
    expect(s().future).toEqual([]);
    s().redo();
    expect(ids()).toEqual(['split_1', 'csv_1']);
  });

  it('a node drag is one undo step, recorded when it starts', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    const drag = (x: number, dragging: boolean): NodeChange<WeftFlowNode> => ({
      type: 'position',
      id: 'csv_1',
      position: { x, y: 0 },
      dragging,
    });
    s().onNodesChange([drag(10, true)]);
    s().onNodesChange([drag(20, true)]);
    s().onNodesChange([drag(30, false)]);
    expect(s().nodes[0]?.position.x).toBe(30);
    s().undo();
    expect(s().nodes[0]?.position.x).toBe(0);
  });
});

describe('undo history holds the document only', () => {
  it('records documents, never selection or measurements; selecting and measuring are not undo steps', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('prep.split', { x: 200, y: 0 });
    s().onNodesChange([{ type: 'dimensions', id: 'csv_1', dimensions: { width: 190, height: 80 } }]);
    s().selectOnly('csv_1');
    s().selectAll();
    expect(s().past).toHaveLength(2);
    expect(s().past[1]).toEqual({
      format: 'weft.pipeline',
      version: 2,
      metadata: { name: 'test' },
      nodes: [{ id: 'csv_1', type: 'data.csv', version: 1, params: {}, position: { x: 0, y: 0 } }],
      edges: [],
    });
    expect(JSON.stringify(s().past)).not.toMatch(/selected|measured|handles|initialWidth|dragging/);
  });

  it('undo and redo restore the document and keep the current selection and measured sizes', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('prep.split', { x: 200, y: 0 });
    s().onNodesChange([{ type: 'dimensions', id: 'csv_1', dimensions: { width: 190, height: 80 } }]);
    s().selectOnly('csv_1');
    const csv = s().nodes[0];
    s().setParam('split_1', 'target', 'species');
    s().setLabel('split_1', 'Split it');
    s().undo();
    expect(s().document().nodes[1]).toMatchObject({ params: { target: 'species' } });
    expect(s().document().nodes[1]?.label).toBeUndefined();
    s().undo();
    expect(s().document().nodes[1]?.params).toEqual({});
    expect(s().nodes[0]).toBe(csv);
    expect(s().nodes[0]).toMatchObject({ selected: true, measured: { width: 190, height: 80 } });
    expect(s().nodes[0]?.handles).toBeUndefined();
    expect(s().nodes[1]?.selected).toBe(false);
    s().undo();
    expect(ids()).toEqual(['csv_1']);
    s().selectOnly('csv_1');
    s().redo();
    expect(ids()).toEqual(['csv_1', 'split_1']);
    expect(s().nodes.map((n) => Boolean(n.selected))).toEqual([true, false]);
    expect(s().nodes[1]?.handles?.length).toBeGreaterThan(0);
  });
});

describe('copy and paste', () => {
  it('pastes copies with new ids, offset, their inner edges rewired, and deep-copied params', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('prep.split', { x: 200, y: 0 });
    link('csv_1', 'table', 'split_1', 'table');
    s().setParam('split_1', 'target', 'species');
    s().selectAll();
    s().copySelection();
    s().paste();
    expect(ids()).toEqual(['csv_1', 'split_1', 'csv_2', 'split_2']);
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['csv_2', 'split_2']);
    expect(s().nodes.find((n) => n.id === 'split_2')?.position).toEqual({ x: 240, y: 40 });
    expect(edgeKeys()).toEqual(['csv_1.table->split_1.table', 'csv_2.table->split_2.table']);
    s().setParam('split_2', 'target', 'other');
    expect(s().nodes.find((n) => n.id === 'split_1')?.data.params).toEqual({ target: 'species' });
    s().paste();
    expect(ids()).toEqual(['csv_1', 'split_1', 'csv_2', 'split_2', 'csv_3', 'split_3']);
    expect(s().nodes.find((n) => n.id === 'split_3')?.position).toEqual({ x: 280, y: 80 });
  });

  it('copies only the edges whose both ends are copied; nothing selected copies nothing', () => {
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('prep.split', { x: 200, y: 0 });
    link('csv_1', 'table', 'split_1', 'table');
    s().selectOnly('split_1');
    s().copySelection();
    s().paste();
    expect(edgeKeys()).toEqual(['csv_1.table->split_1.table']);
    expect(ids()).toEqual(['csv_1', 'split_1', 'split_2']);
    s().onNodesChange(s().nodes.map((n) => ({ type: 'select', id: n.id, selected: false })));
    const before = s().clipboard;
    s().copySelection();
    expect(s().clipboard).toBe(before);
  });
});

describe('documents and measuring', () => {
  it('round-trips a loaded document and starts clean with no history', () => {
    const doc: PipelineDocument = {
      format: 'weft.pipeline',
      version: 2,
      metadata: { name: 'rt' },
      nodes: [
        { id: 'a', type: 'data.csv', version: 1, params: { path: 'x.csv' }, position: { x: 1, y: 2 } },
        {
          id: 'b',
          type: 'prep.split',
          version: 1,
          params: { target: 'y' },
          position: { x: 300, y: 2 },
          label: 'Split it',
        },
      ],
      edges: [{ id: 'e', source: { node: 'a', port: 'table' }, target: { node: 'b', port: 'table' } }],
    };
    const loaded = loadDocument(doc, registry);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    s().loadDocument(loaded.document, { path: 'p.weft.json', revision: 'r1', readOnly: false });
    expect(s().dirty).toBe(false);
    expect(s().past).toEqual([]);
    const again = s().document();
    expect(again.nodes).toEqual(loaded.document.nodes);
    expect(again.edges.map((e) => [e.source, e.target])).toEqual(
      loaded.document.edges.map((e) => [e.source, e.target]),
    );
  });

  it('gives unmeasured nodes an estimated size and handles, and drops the estimate once measured', () => {
    const est = estimatedLayout('train.trainer');
    expect(est.handles?.filter((h) => h.type === 'target').map((h) => h.id)).toEqual([
      'model',
      'data',
      'teacher',
      'init',
    ]);
    expect(est.handles?.filter((h) => h.type === 'source').map((h) => h.id)).toEqual(['model', 'learner']);
    const doc = {
      ...emptyDocument('m'),
      nodes: [{ id: 't', type: 'train.trainer', version: 1, params: {}, position: { x: 0, y: 0 } }],
    };
    s().loadDocument(doc, { path: null, revision: null, readOnly: false });
    expect(s().nodes[0]).toMatchObject({ initialWidth: est.initialWidth, initialHeight: est.initialHeight });
    expect(s().nodes[0]?.handles).toHaveLength(6);
    s().onNodesChange([{ type: 'dimensions', id: 't', dimensions: { width: 200, height: 120 } }]);
    expect(s().nodes[0]?.handles).toBeUndefined();
    expect(s().nodes[0]?.measured).toEqual({ width: 200, height: 120 });
    expect(s().dirty).toBe(false);
  });
});
