import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { builtinNodes } from '../../../../core/common/nodes/registry';
import { DimensionsEditor, MetricInput } from '../../../../renderer/inspector/DimensionsEditor';

describe('dimensions editor markup', () => {
  it('lists each dimension with a remove button, its own validation message beside it, and the upstream nodes to pick from', () => {
    const html = renderToStaticMarkup(
      <DimensionsEditor
        value={[
          { node: 'train', param: 'lr', type: 'float', low: 0.0001, high: 0.1, scale: 'log' },
          { node: 'gone', param: 'depth', type: 'int', low: 2, high: 8, scale: 'linear' },
        ]}
        upstream={[
          { id: 'train', label: 'train', def: builtinNodes['train.trainer'], params: {} },
          { id: 'mlp', label: 'Net (mlp)', def: builtinNodes['model.mlp'], params: {} },
        ]}
        problems={['dimension gone.depth: no node "gone" in the pipeline (renamed or deleted?)']}
        onChange={() => undefined}
      />,
    );
    expect(html).toContain('train.lr: float 0.0001..0.1 (log)');
    expect(html.match(/data-testid="dimension-remove-/g)).toHaveLength(2);
    expect(html.match(/data-testid="dimension-edit-/g)).toHaveLength(2);
    expect(html).toContain('<legend>Add a dimension</legend>');
    expect(html).toMatch(/data-testid="dimension-gone.depth">.*no node &quot;gone&quot; in the pipeline/);
    const lrRow = /data-testid="dimension-train.lr">(.*?)<\/li>/.exec(html)?.[1] ?? '';
    expect(lrRow).toContain('train.lr');
    expect(lrRow).not.toContain('weft-field-error');
    expect(html).toContain('<option value="mlp">Net (mlp)</option>');
    expect(html).toMatch(/data-testid="dimension-add" disabled=""/);
  });

  it('offers the reported metrics in the objective list and keeps a free field', () => {
    const html = renderToStaticMarkup(
      <MetricInput id="param-metric" value="accuracy" metrics={['accuracy', 'macro_f1']} onChange={() => undefined} />,
    );
    expect(html).toContain('list="param-metric-list"');
    expect(html.match(/<option value="/g)).toHaveLength(2);
    expect(html).not.toContain('last reported');
    const unknown = renderToStaticMarkup(
      <MetricInput id="param-metric" value="auc" metrics={['accuracy']} onChange={() => undefined} />,
    );
    expect(unknown).toContain('The connected evaluation last reported accuracy.');
  });
});
