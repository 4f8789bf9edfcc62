/**
 * Pearson correlation of every pair of columns over the rows where both are present (pandas'
 * `DataFrame.corr()`): `null` where a pair has fewer than 2 such rows or either side is constant on them.
 */
export function correlationMatrix(columns: ArrayLike<number>[]): (number | null)[][] {
  const d = columns.length;
  const out: (number | null)[][] = Array.from({ length: d }, () => new Array<number | null>(d).fill(null));
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const r = pearson(columns[i], columns[j]);
      out[i][j] = out[j][i] = i === j && r !== null ? 1 : r;
    }
  return out;
}

/** Pearson's r of two equally long columns over their pairwise-complete rows (NaN is missing). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== x || y !== y) continue;
    n++;
    ma += x;
    mb += y;
  }
  if (n < 2) return null;
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== x || y !== y) continue;
    sab += (x - ma) * (y - mb);
    saa += (x - ma) ** 2;
    sbb += (y - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}
