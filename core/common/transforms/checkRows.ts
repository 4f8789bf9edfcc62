import type { RawFeature, TableColumn } from '../values';
import { isCategorical, transformsFor } from './features';
import { moduleOf, type FittedTransform } from './registry';
import type { CheckHint } from './TransformModule';

function hintFor(column: string, transforms: readonly FittedTransform[]): CheckHint {
  const hint: { range?: readonly [number, number]; categories?: readonly string[]; missing?: boolean } = {};
  for (const t of transformsFor(column, transforms)) {
    const h = moduleOf(t).check(t);
    hint.range ??= h.range;
    hint.categories ??= h.categories;
    hint.missing ||= h.missing;
  }
  return hint;
}

/**
 * Synthetic raw rows that exercise every fitted transform, from what each module asks of them:
 * numbers drawn from its range (a tenth missing where a module wants missing values), categories
 * drawn from its categories, plus unseen and missing values in category columns.
 */
export function checkColumns(
  rawFeatures: readonly RawFeature[],
  transforms: readonly FittedTransform[],
  n: number,
  rand: () => number,
): TableColumn[] {
  return rawFeatures.map((f) => {
    const h = hintFor(f.name, transforms);
    const cats = h.categories ?? [];
    if (isCategorical(f)) {
      const values = Array.from({ length: n }, (_, i) => {
        const r = rand();
        if (i % 10 === 9) return null;
        if (i % 10 === 8) return `unseen-${i}`;
        return cats[Math.floor(r * cats.length)] ?? null;
      });
      return { name: f.name, type: f.type as 'category', values };
    }
    const [lo, hi] = h.range ?? [-1, 1];
    const values = Float64Array.from({ length: n }, (_, i) => {
      if (h.missing && i % 10 === 9) return NaN;
      if (cats.length) return Number(cats[Math.floor(rand() * cats.length)]);
      return lo + (hi - lo) * rand();
    });
    return { name: f.name, type: f.type as 'number', values };
  });
}
