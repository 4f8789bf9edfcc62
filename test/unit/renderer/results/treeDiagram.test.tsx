import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TreeSketch } from '../../../../core/common/learners/treeSketch';
import { TreeDiagram } from '../../../../renderer/results/TreeDiagram';

const text = (html: string): string => html.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');

describe('tree diagram', () => {
  it('shows each split as feature ≤ threshold with class shares, leaves, and a mark on cut-off splits', () => {
    const sketch: TreeSketch = {
      title: 'first of 100 trees',
      depth: 1,
      classNames: ['small', 'big'],
      root: {
        split: { feature: 'size', threshold: 2.5 },
        value: [0.25, 0.75],
        children: [{ value: [1, 0] }, { split: { feature: 'weight', threshold: 0.30000001192092896 }, value: [0, 1] }],
      },
    };
    const out = text(renderToStaticMarkup(<TreeDiagram sketch={sketch} />));
    expect(out).toContain('Tree (first of 100 trees): first 1 levels');
    expect(out).toContain('|size ≤ 2.5| big 75% · small 25%|');
    expect(out).toContain('|leaf| small 100%|');
    expect(out).toContain('|weight ≤ 0.3| big 100%| …|');
  });

  it('shows predicted values of a regression tree', () => {
    const sketch: TreeSketch = { title: 'tree', depth: 3, root: { value: [151.25] } };
    expect(text(renderToStaticMarkup(<TreeDiagram sketch={sketch} />))).toContain('|leaf| 151.3|');
  });
});
