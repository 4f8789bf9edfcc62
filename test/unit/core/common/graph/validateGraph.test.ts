import { describe, expect, it } from 'vitest';
import { validateGraph, type ValidationErrorKind } from '../../../../../core/common';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { stubNodes } from '../../../../fixtures/stubNodes';

const kinds = (r: ReturnType<typeof validateGraph>, id: string): ValidationErrorKind[] =>
  (r.errors[id] ?? []).map((e) => e.kind);

describe('validateGraph', () => {
  it('accepts a well-formed graph and fills param defaults', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 'c', type: 'test.constant' },
          { id: 'n', type: 'test.counter' },
        ],
        ['c.out->n.in'],
      ),
      stubNodes,
    );
    expect(r.ok).toBe(true);
    expect(r.params.c).toEqual({ value: 0 });
    expect(r.order).toEqual(['c', 'n']);
  });

  it('reports an unknown node type', () => {
    const r = validateGraph(pipeline([{ id: 'x', type: 'test.nope' }]), stubNodes);
    expect(kinds(r, 'x')).toEqual(['unknown-type']);
    expect(r.errors.x?.[0]?.message).toContain('test.nope');
  });

  it('reports a missing required input but not an optional one', () => {
    const r = validateGraph(pipeline([{ id: 'a', type: 'test.add' }]), stubNodes);
    expect(kinds(r, 'a')).toEqual(['missing-input']);
    expect(r.errors.a?.[0]?.message).toContain('"a"');
  });

  it('reports incompatible ports with both types spelled out', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 't', type: 'test.text' },
          { id: 'n', type: 'test.counter' },
        ],
        ['t.out->n.in'],
      ),
      stubNodes,
    );
    expect(kinds(r, 'n')).toEqual(['incompatible-ports']);
    expect(r.errors.n?.[0]?.message).toContain('Table');
    expect(r.errors.n?.[0]?.message).toContain('Tensor<float32, []>');
  });

  it('reports a bad param with its zod path', () => {
    const r = validateGraph(pipeline([{ id: 'c', type: 'test.constant', params: { value: 'seven' } }]), stubNodes);
    expect(kinds(r, 'c')).toEqual(['bad-param']);
    expect(r.errors.c?.[0]?.path).toEqual(['value']);
    expect(r.errors.c?.[0]?.message).toMatch(/^param value: /);
  });

  it('reports a cycle naming its nodes, on each of them', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 'c', type: 'test.constant' },
          { id: 'x', type: 'test.add' },
          { id: 'y', type: 'test.counter' },
          { id: 'z', type: 'test.counter' },
        ],
        ['c.out->x.a', 'x.out->y.in', 'y.out->z.in', 'z.out->x.b'],
      ),
      stubNodes,
    );
    for (const id of ['x', 'y', 'z']) expect(kinds(r, id)).toContain('cycle');
    expect(r.errors.c).toBeUndefined();
    const cycle = r.errors.x?.find((e) => e.kind === 'cycle');
    expect(new Set(cycle?.nodes)).toEqual(new Set(['x', 'y', 'z']));
    expect(cycle?.message).toMatch(/x → y → z → x|y → z → x → y|z → x → y → z/);
  });

  it('reports a self-loop as a cycle', () => {
    const r = validateGraph(pipeline([{ id: 'a', type: 'test.add' }], ['a.out->a.a']), stubNodes);
    expect(kinds(r, 'a')).toContain('cycle');
  });

  it('reports two edges into one input', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 'c1', type: 'test.constant' },
          { id: 'c2', type: 'test.constant' },
          { id: 'n', type: 'test.counter' },
        ],
        ['c1.out->n.in', 'c2.out->n.in'],
      ),
      stubNodes,
    );
    expect(kinds(r, 'n')).toEqual(['duplicate-input']);
    expect(r.errors.n?.[0]?.message).toContain('c1.out');
    expect(r.errors.n?.[0]?.message).toContain('c2.out');
  });

  it('reports a shape mismatch found by inferOutputs', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 'v3', type: 'test.vector', params: { length: 3 } },
          { id: 'v4', type: 'test.vector', params: { length: 4 } },
          { id: 'd', type: 'test.dot' },
        ],
        ['v3.out->d.a', 'v4.out->d.b'],
      ),
      stubNodes,
    );
    expect(kinds(r, 'd')).toEqual(['shape-mismatch']);
    expect(r.errors.d?.[0]?.message).toContain('[3]');
    expect(r.errors.d?.[0]?.message).toContain('[4]');
    expect(r.types.v3?.out).toEqual({ kind: 'Tensor', dtype: 'float32', shape: [3] });
  });

  it('reports unknown ports and edges to missing nodes', () => {
    const r = validateGraph(
      pipeline(
        [
          { id: 'c', type: 'test.constant' },
          { id: 'n', type: 'test.counter' },
        ],
        ['c.nope->n.in', 'c.out->ghost.in'],
      ),
      stubNodes,
    );
    expect(kinds(r, 'c')).toEqual(['unknown-port', 'unknown-node']);
    expect(kinds(r, 'n')).toEqual(['missing-input']);
  });

  it('reports duplicate node ids', () => {
    const r = validateGraph(
      pipeline([
        { id: 'c', type: 'test.constant' },
        { id: 'c', type: 'test.constant' },
      ]),
      stubNodes,
    );
    expect(kinds(r, 'c')).toContain('duplicate-id');
  });
});
