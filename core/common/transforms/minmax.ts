import { asNumbers, defineTransform, moments, numberTensor, type Moments } from './TransformModule';

/** `(x − min) / (max − min)` with the training min and max (scikit-learn MinMaxScaler); max = min gives 0. */
export interface MinMax {
  kind: 'minmax';
  column: string;
  min: number;
  max: number;
}

function minmaxInto(t: MinMax, x: Float64Array, out: Float64Array): void {
  const min = t.min;
  const range = t.max - min;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    out[i] = xi !== xi ? NaN : range > 0 ? (xi - min) / range : 0;
  }
}

function fromMoments(column: string, m: Moments): MinMax {
  return { kind: 'minmax', column, min: m.min, max: m.max };
}

export const minmax = defineTransform<MinMax, Record<string, never>>({
  kind: 'minmax',
  fit: (column, train) => fromMoments(column, moments(asNumbers(train, 'prep.minmax', column))),
  fitMoments: fromMoments,
  apply(t, v) {
    const x = asNumbers(v, 'prep.minmax', t.column);
    const out = new Float64Array(x.length);
    minmaxInto(t, x, out);
    return { kind: 'number', values: out };
  },
  applyNumbers: minmaxInto,
  scalar: (t) => (t.max - t.min > 0 ? { op: 'affine', sub: t.min, div: t.max - t.min } : { op: 'zero' }),
  emit(t, b, x) {
    const v = numberTensor(x, 'prep.minmax', t.column);
    // max == min maps every present value to 0: dividing by +Infinity does that and keeps NaN.
    const range = t.max > t.min ? t.max - t.min : Infinity;
    const shifted = b.op('Sub', [v, b.constF(t.min)], v.shape);
    return { kind: 'number', t: b.op('Div', [shifted, b.constF(range)], v.shape) };
  },
  check: (t) => ({ range: [t.min, t.max] }),
});
