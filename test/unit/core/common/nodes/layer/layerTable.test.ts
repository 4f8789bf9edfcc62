import { describe, expect, it } from 'vitest';
import { layerNodes } from '../../../../../../core/common/nodes/layer';
import type { AnyLayerModule } from '../../../../../../core/common/nodes/layer/defineLayer';
import { builtinNodes } from '../../../../../../core/common/nodes/registry';
import { builtinExecutors } from '../../../../../../core/node/executors/index';

describe('the layer table', () => {
  const entries: [string, AnyLayerModule][] = Object.entries(layerNodes);

  it('keys every module by its node type layer.<kind>, one module per kind', () => {
    for (const [type, m] of entries) expect(type).toBe(`layer.${m.kind}`);
    for (const [type, m] of entries) expect(m.type).toBe(type);
    expect(new Set(entries.map(([, m]) => m.kind)).size).toBe(entries.length);
  });

  it('registers every layer node and an executor for it', () => {
    for (const [type, m] of entries) {
      expect(builtinNodes[type as keyof typeof builtinNodes]).toBe(m);
      expect(typeof builtinExecutors[type as keyof typeof builtinExecutors]).toBe('function');
    }
  });

  it("each node's default params describe a layer its IR schema accepts", () => {
    for (const [type, m] of entries) {
      const layer = m.toLayer(m.params.parse({}));
      const parsed = m.spec.safeParse(layer);
      expect(parsed.success, `${type}: ${JSON.stringify(layer)}`).toBe(true);
      expect(layer.kind).toBe(m.kind);
    }
  });
});
