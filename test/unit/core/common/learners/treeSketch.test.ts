import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../core/common';
import { fitDataOf, fitLearner } from '../../../../../core/common/learners';
import { forestLearner, treeLearner } from '../../../../../core/common/learners/forest';
import type { TreeSketchNode } from '../../../../../core/common/learners/treeSketch';
import { forestParams } from '../../../../../core/common/nodes/ml/forest';
import { treeParams } from '../../../../../core/common/nodes/ml/tree';
import { NodeSummarySchema } from '../../../../../core/common/protocol/events';
import { noHooks } from '../../../../fixtures/learners/datasets';

const dataset = (x: number[], y: number[]): DatasetValue => ({
  task: 'classification',
  featureShape: [1],
  featureNames: ['size'],
  classNames: ['small', 'big'],
  splits: { train: { x: Float32Array.from(x), y: Int32Array.from(y), n: x.length } },
  transforms: [],
});

const levels = (node: TreeSketchNode): number => (node.children ? 1 + Math.max(...node.children.map(levels)) : 0);

describe('tree sketch in the node summary', () => {
  // x = [1, 2, 3, 4], y = [small, small, big, big]: the one pure split is at the midpoint 2.5; the
  // root holds both classes half and half, each child one class only.
  it('ml.tree: the split by feature name and midpoint threshold, class shares per node, class names', async () => {
    const r = await fitLearner(treeLearner, treeParams.parse({}), dataset([1, 2, 3, 4], [0, 0, 1, 1]), noHooks);
    expect(r.tree).toEqual({
      title: 'tree',
      depth: 3,
      classNames: ['small', 'big'],
      root: {
        split: { feature: 'size', threshold: 2.5 },
        value: [0.5, 0.5],
        children: [{ value: [1, 0] }, { value: [0, 1] }],
      },
    });
    expect(NodeSummarySchema.parse({ text: r.text, tree: r.tree }).tree).toEqual(r.tree);
  });

  // Alternating labels over x = 0..15 need 15 splits, at least 4 levels deep: the sketch stops
  // after 3 levels below the root, keeping the splits there without their children.
  it('draws only the first levels of a deeper tree', async () => {
    const x = Array.from({ length: 16 }, (_, i) => i);
    const r = await fitLearner(
      treeLearner,
      treeParams.parse({}),
      dataset(
        x,
        x.map((i) => i % 2),
      ),
      noHooks,
    );
    const root = r.tree!.root;
    expect(levels(root)).toBe(3);
    const atLevel = (node: TreeSketchNode, level: number): TreeSketchNode[] =>
      level === 0 ? [node] : (node.children ?? []).flatMap((c) => atLevel(c, level - 1));
    const third = atLevel(root, 3);
    expect(third.some((node) => node.split !== undefined)).toBe(true);
    expect(third.every((node) => node.children === undefined)).toBe(true);
  });

  it('ml.forest sketches its first tree', async () => {
    const data = dataset([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1]);
    const fitted = await forestLearner.fit(
      fitDataOf(forestLearner, data),
      forestParams.parse({ nEstimators: 3 }),
      noHooks,
    );
    expect(fitted.tree?.title).toBe('first of 3 trees');
  });
});
