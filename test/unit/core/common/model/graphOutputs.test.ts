import { describe, expect, it } from 'vitest';
import { buildTrainingGraph, resolveSpec } from '../../../../../core/common/model';
import { GraphBuilder } from '../../../../../core/common/model/graph/GraphBuilder';
import { add, unary } from '../../../../../core/common/model/graph/ops';
import { session, tensor } from './ortHelpers';

describe('named graph outputs', () => {
  it('rename the producing node instead of copying, and copy only inputs or repeated outputs', async () => {
    const b = new GraphBuilder('float32');
    const x = b.input('x', [3]);
    const y = unary(b, 'Relu', x);
    const z = add(b, y, b.constF(1));
    b.output(z, 'out');
    b.output(x, 'x_copy');
    b.output(z, 'out_again');
    b.output(y, 'relu');
    const g = b.graph('t');
    expect(g.nodes.map((n) => `${n.opType}:${n.outputs.join()}`)).toEqual([
      'Relu:relu',
      'Add:out',
      'Identity:x_copy',
      'Identity:out_again',
    ]);
    expect(g.nodes[1].inputs[0]).toBe('relu');
    const s = await session(b.encode());
    try {
      const r = await s.run({ x: tensor(Float32Array.of(-1, 0, 2), [3]) });
      expect(Array.from(r.out.data as Float32Array)).toEqual([1, 1, 3]);
      expect(Array.from(r.out_again.data as Float32Array)).toEqual([1, 1, 3]);
      expect(Array.from(r.x_copy.data as Float32Array)).toEqual([-1, 0, 2]);
      expect(Array.from(r.relu.data as Float32Array)).toEqual([0, 0, 2]);
    } finally {
      await s.release();
    }
  });

  it('the training step writes params_out and the optimizer state without Identity copies', () => {
    const model = resolveSpec(
      {
        format: 'weft.model',
        output: 'd',
        nodes: [{ id: 'd', layer: { kind: 'dense', units: 'auto' }, inputs: ['input'] }],
      },
      { featureShape: [4], outputUnits: 3 },
    );
    const g = buildTrainingGraph(model, { loss: 'cross_entropy', optimizer: { kind: 'adam' } });
    const text = new TextDecoder('latin1').decode(g.onnx);
    expect(text).not.toContain('Identity');
    for (const c of g.carried) expect(text).toContain(c.output);
  });
});
