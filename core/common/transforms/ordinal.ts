import { asCategories, defineTransform } from './TransformModule';
import { categoriesOf } from './onehot';

/**
 * A category's index among the sorted training categories (scikit-learn OrdinalEncoder); missing
 * or unseen values get the `unknown` code.
 */
export interface Ordinal {
  kind: 'ordinal';
  column: string;
  categories: string[];
  unknown: number;
}

export const ordinal = defineTransform<Ordinal, { unknown: number }>({
  kind: 'ordinal',
  fit: (column, train, p) => ({
    kind: 'ordinal',
    column,
    categories: categoriesOf(asCategories(train, 'prep.ordinal', column)),
    unknown: p.unknown,
  }),
  apply(t, v) {
    const cats = asCategories(v, 'prep.ordinal', t.column);
    const index = new Map(t.categories.map((c, k) => [c, k]));
    const out = new Float64Array(cats.length);
    for (let i = 0; i < cats.length; i++) {
      const c = cats[i];
      out[i] = (c === null ? undefined : index.get(c)) ?? t.unknown;
    }
    return { kind: 'number', values: out };
  },
  category: (t) => ({ op: 'ordinal', categories: t.categories, unknown: t.unknown }),
  emit(t, b, x) {
    if (x.kind === 'number') {
      // code = unknown + Σ_k [x = category k] · (k − unknown): exact in float64 for integer codes.
      const k = t.categories.length;
      const hits = b.opNoGrad(
        'Equal',
        [x.t, b.constF(t.categories.map(Number), [1, k])],
        [x.t.shape[0], k],
        {},
        'bool',
      );
      const asF = b.op('Cast', [hits], [x.t.shape[0], k], { to: { i: 11 } }, 'float64');
      const steps = b.constF(
        t.categories.map((_, j) => j - t.unknown),
        [k, 1],
      );
      const code = b.op('MatMul', [asF, steps], x.t.shape, {}, 'float64');
      return { kind: 'number', t: b.op('Add', [code, b.constF(t.unknown)], x.t.shape, {}, 'float64') };
    }
    if (x.kind === 'slots') throw new Error(`prep.ordinal: column '${t.column}' is already encoded`);
    const codes = b.mlOp(
      'LabelEncoder',
      [x.t],
      [x.t.shape],
      {
        keys_strings: { strings: t.categories },
        values_floats: { floats: t.categories.map((_, j) => j) },
        default_float: { f: t.unknown },
      },
      ['float32'],
    )[0];
    return { kind: 'number', t: b.op('Cast', [codes], x.t.shape, { to: { i: 11 } }, 'float64') };
  },
  check: (t) => ({ categories: t.categories }),
});
