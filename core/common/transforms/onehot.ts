import { DataError } from '../nodes/prep/DataError';
import { categoryCodes, presentLevels } from '../categoryCodes';
import { asCategories, defineTransform } from './TransformModule';

/**
 * One slot per training category, 1 where the value is that category (scikit-learn OneHotEncoder,
 * categories sorted). Missing or unseen values give all zeros; with `unknown: 'error'` an unseen
 * value is an error.
 */
export interface OneHot {
  kind: 'onehot';
  column: string;
  categories: string[];
  unknown: 'ignore' | 'error';
}

/** The sorted distinct present categories of a column (of its rows `rows` when given). */
export function categoriesOf(values: readonly (string | null)[], rows?: ArrayLike<number>): string[] {
  const coded = categoryCodes(values);
  if (coded) return presentLevels(coded, rows);
  const cats = new Set<string>();
  if (rows)
    for (let i = 0; i < rows.length; i++) {
      const v = values[rows[i]];
      if (v !== null && v !== undefined) cats.add(v);
    }
  else for (const v of values) if (v !== null) cats.add(v);
  return [...cats].sort();
}

export const onehot = defineTransform<OneHot, { unknown: OneHot['unknown'] }>({
  kind: 'onehot',
  fit: (column, train, p) => ({
    kind: 'onehot',
    column,
    categories: categoriesOf(asCategories(train, 'prep.onehot', column)),
    unknown: p.unknown,
  }),
  apply(t, v) {
    const cats = asCategories(v, 'prep.onehot', t.column);
    const width = t.categories.length;
    const index = new Map(t.categories.map((c, k) => [c, k]));
    const out = new Float64Array(cats.length * width);
    for (let i = 0; i < cats.length; i++) {
      const c = cats[i];
      if (c === null) continue;
      const k = index.get(c);
      if (k !== undefined) out[i * width + k] = 1;
      else if (t.unknown === 'error')
        throw new DataError(`unknown category ${JSON.stringify(c)} in column '${t.column}' (row ${i + 1})`);
    }
    return { kind: 'slots', width, values: out };
  },
  category: (t) => ({ op: 'onehot', categories: t.categories, error: t.unknown === 'error' }),
  emit(t, b, x) {
    if (x.kind === 'slots') throw new DataError(`prep.onehot: column '${t.column}' is already encoded`);
    const width = t.categories.length;
    const shape = [x.t.shape[0], width] as const;
    let hits;
    if (x.kind === 'number') {
      hits = b.opNoGrad('Equal', [x.t, b.constF(t.categories.map(Number), [1, width])], shape, {}, 'bool');
    } else {
      const index = b.mlOp(
        'LabelEncoder',
        [x.t],
        [x.t.shape],
        {
          keys_strings: { strings: t.categories },
          values_int64s: { ints: t.categories.map((_, k) => k) },
          default_int64: { i: -1 },
        },
        ['int64'],
      )[0];
      const range = b.constI64(
        t.categories.map((_, k) => k),
        [1, width],
      );
      hits = b.opNoGrad('Equal', [index, range], shape, {}, 'bool');
    }
    return { kind: 'slots', width, t: b.op('Cast', [hits], shape, { to: { i: 11 } }, 'float64') };
  },
  check: (t) => ({ categories: t.categories }),
  slots: (t) => t.categories,
});
