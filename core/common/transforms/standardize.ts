import { asNumbers, defineTransform, moments, numberTensor, type Moments } from './TransformModule';

/** `(x − mean) / std` with the training mean and population std (scikit-learn StandardScaler); std 0 divides by 1. */
export interface Standardize {
  kind: 'standardize';
  column: string;
  mean: number;
  std: number;
}

function standardizeInto(t: Standardize, x: Float64Array, out: Float64Array): void {
  const mean = t.mean;
  const scale = t.std > 0 ? t.std : 1;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) / scale;
}

function fromMoments(column: string, m: Moments): Standardize {
  return { kind: 'standardize', column, mean: m.mean, std: m.std };
}

export const standardize = defineTransform<Standardize, Record<string, never>>({
  kind: 'standardize',
  fit: (column, train) => fromMoments(column, moments(asNumbers(train, 'prep.standardize', column))),
  fitMoments: fromMoments,
  apply(t, v) {
    const x = asNumbers(v, 'prep.standardize', t.column);
    const out = new Float64Array(x.length);
    standardizeInto(t, x, out);
    return { kind: 'number', values: out };
  },
  applyNumbers: standardizeInto,
  scalar: (t) => ({ op: 'affine', sub: t.mean, div: t.std > 0 ? t.std : 1 }),
  emit(t, b, x) {
    const v = numberTensor(x, 'prep.standardize', t.column);
    const centred = b.op('Sub', [v, b.constF(t.mean)], v.shape);
    return { kind: 'number', t: b.op('Div', [centred, b.constF(t.std > 0 ? t.std : 1)], v.shape) };
  },
  check: (t) => ({ range: [t.mean - 2 * t.std, t.mean + 2 * t.std] }),
});
