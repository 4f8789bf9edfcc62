/**
 * Every param of every node type carries a one-line help text, which the studio's inspector
 * shows beside the field and `weft nodes` prints.
 */
import { describe, expect, it } from 'vitest';
import { describeNode } from '../../../../../core/common/nodes/describeNode';
import { builtinNodes } from '../../../../../core/common/nodes/registry';

describe('param help', () => {
  it('every param of every node type has a description', () => {
    const missing: string[] = [];
    for (const def of Object.values(builtinNodes)) {
      const props = (describeNode(def).params as { properties?: Record<string, { description?: string }> }).properties;
      for (const [name, p] of Object.entries(props ?? {}))
        if (!p.description?.trim()) missing.push(`${def.type}.${name}`);
    }
    expect(missing).toEqual([]);
  });
});
