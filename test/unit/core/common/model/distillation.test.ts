import { describe, expect, it } from 'vitest';
import { gradients } from '../../../../../core/common/model/graph/autodiff';
import { GraphBuilder } from '../../../../../core/common/model/graph/GraphBuilder';
import { mul, reduceMean } from '../../../../../core/common/model/graph/ops';
import { blendDistillation, emitDistillation, emitLoss } from '../../../../../core/common/model/losses';
import { checkGradients } from './graph/ruleCheck';
import { session, tensor } from './ortHelpers';

const student = [1, 2, 3, -1, 0.5, -0.5, 2, 0];
const teacher = [3, 1, 0, -2, -1, 2.5, 0.5, 1];

/** Loss and d loss / d student of a graph built on float64 inputs `s` [2, 4], `t` [2, 4] and int32 labels. */
async function run(
  build: (
    b: GraphBuilder,
    s: ReturnType<GraphBuilder['input']>,
    t: ReturnType<GraphBuilder['input']>,
    y: ReturnType<GraphBuilder['input']>,
  ) => ReturnType<GraphBuilder['input']>,
) {
  const b = new GraphBuilder('float64');
  const s = b.input('s', [2, 4]);
  const t = b.input('t', [2, 4]);
  const y = b.input('y', [2], 'int32');
  b.needsGrad.add(s.name);
  const loss = build(b, s, t, y);
  const [g] = gradients(b, loss, [s]);
  b.output(loss, 'loss');
  b.output(g, 'grad');
  const sess = await session(b.encode());
  try {
    const out = await sess.run({
      s: tensor(Float64Array.from(student), [2, 4]),
      t: tensor(Float64Array.from(teacher), [2, 4]),
      y: tensor(Int32Array.of(2, 1), [2]),
    });
    return { loss: Number(out.loss.data[0]), grad: Array.from(out.grad.data as Float64Array) };
  } finally {
    await sess.release();
  }
}

describe('distillation loss', () => {
  // Recorded with torch 1.13 (float64): F.kl_div(F.log_softmax(s/T, 1), F.softmax(t/T, 1), reduction='batchmean')·T²
  // with T = 2, and 0.3·F.cross_entropy(s, [2, 1]) + 0.7·that; gradients by autograd.
  it('T²·KL(teacher ‖ student) matches PyTorch in value and gradient', async () => {
    const r = await run((b, s, t) => emitDistillation(b, s, t, 2));
    expect(r.loss).toBeCloseTo(1.9197522401475164, 12);
    const want = [
      -0.42332334684996664, 0.0676103389728876, 0.3406271021143691, 0.01508590576271003, 0.13582501139548459,
      -0.3618046194242978, 0.2875415513806576, -0.06156194335184437,
    ];
    r.grad.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
  });

  it('blends α·cross-entropy + (1 − α)·T²·KL as PyTorch', async () => {
    const r = await run((b, s, t, y) =>
      blendDistillation(b, emitLoss(b, 'cross_entropy', s, y).loss, s, t, { temperature: 2, alpha: 0.3 }),
    );
    expect(r.loss).toBeCloseTo(1.8365378588420957, 12);
    const want = [
      -0.28298432020036596, 0.08359461485484146, 0.18702392490483669, 0.012365780440687944, 0.11831135182307691,
      -0.39471598010659, 0.3054059499940852, -0.029001321710572188,
    ];
    r.grad.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
  });

  it('is zero when the student equals the teacher, at any temperature', async () => {
    const b = new GraphBuilder('float64');
    const s = b.input('s', [2, 4]);
    b.output(emitDistillation(b, s, s, 3.5), 'loss');
    const sess = await session(b.encode());
    const out = await sess.run({ s: tensor(Float64Array.from(student), [2, 4]) });
    await sess.release();
    expect(Math.abs(Number(out.loss.data[0]))).toBeLessThan(1e-14);
  });

  it('has the gradient of central differences (KL term alone and blended with another loss)', async () => {
    const kl = await checkGradients({
      inputs: [{ shape: [3, 5] }, { shape: [3, 5], fixed: true }],
      build: (b, [s, t]) => emitDistillation(b, s, t, 2.5),
    });
    expect(kl.dtype).toBe('float64');
    expect(kl.worst).toBeLessThanOrEqual(1);
    const blended = await checkGradients({
      inputs: [{ shape: [3, 5] }, { shape: [3, 5], fixed: true }],
      build: (b, [s, t]) =>
        blendDistillation(b, reduceMean(b, mul(b, s, s), [0, 1]), s, t, { temperature: 0.7, alpha: 0.4 }),
    });
    expect(blended.worst).toBeLessThanOrEqual(1);
  });
});
