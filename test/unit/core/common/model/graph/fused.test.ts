/**
 * GraphBuilder.fused: the ops of a group leave the tape for one entry with the group's backward,
 * every tensor needing a gradient that the group reads from outside must be one of its inputs, and
 * without gradients nothing is recorded. The gradient of a fused square (backward 2·x·dy) against
 * the hand-computed value.
 */
import { describe, expect, it } from 'vitest';
import { gradients } from '../../../../../../core/common/model/graph/autodiff';
import { GraphBuilder } from '../../../../../../core/common/model/graph/GraphBuilder';
import { mul, reduceSum } from '../../../../../../core/common/model/graph/ops';
import { session, tensor } from '../ortHelpers';

describe('GraphBuilder.fused', () => {
  it('replaces the group ops on the tape by one entry whose backward gives the gradient', async () => {
    const b = new GraphBuilder('float64');
    const x = b.input('x', [3]);
    b.needsGrad.add(x.name);
    const before = b.tape.length;
    const [sq] = b.fused(
      'square',
      [x],
      () => [mul(b, mul(b, x, b.constF(1)), x)],
      (bb, dys) => [mul(bb, mul(bb, x, bb.constF(2)), dys[0]!)],
    );
    expect(b.tape.length - before).toBe(1);
    expect(b.tape.at(-1)!.fused?.name).toBe('square');
    const loss = reduceSum(b, mul(b, sq, b.constF([1, 2, 3])), [0]);
    const [g] = gradients(b, loss, [x]);
    b.output(g, 'g');
    const s = await session(b.encode());
    const out = await s.run({ x: tensor(Float64Array.of(0.5, -2, 3), [3]) });
    await s.release();
    expect(Array.from(out.g.data as Float64Array)).toEqual([1, -8, 18]);
  });

  it('refuses a group that reads a tensor needing a gradient that is not among its inputs', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3]);
    const w = b.input('w', [3]);
    b.needsGrad.add(x.name);
    b.needsGrad.add(w.name);
    expect(() =>
      b.fused(
        'leaky',
        [x],
        () => [mul(b, x, w)],
        () => [undefined],
      ),
    ).toThrow(/fused leaky: Mul reads w, which needs a gradient but is not an input/);
  });

  it('records nothing when no input needs a gradient (inference graphs)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3]);
    const [y] = b.fused(
      'plain',
      [x],
      () => [mul(b, x, x)],
      () => [undefined],
    );
    expect(b.tape).toHaveLength(0);
    expect(b.nodes.at(-1)!.outputs).toEqual([y.name]);
  });
});
