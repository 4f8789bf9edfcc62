import type { Config, Dimension } from './space';

/** The values a grid tries for one dimension: every choice, or `points` evenly spaced values (in log space for a log scale). */
export function gridValues(d: Dimension, points: number): unknown[] {
  if (d.type === 'choice') return [...(d.choices ?? [])];
  const low = d.low as number;
  const high = d.high as number;
  const k = Math.max(1, Math.floor(points));
  if (low === high || k === 1)
    return [d.scale === 'log' ? Math.sqrt(low * high) : (low + high) / 2].map((v) =>
      d.type === 'int' ? Math.round(v) : v,
    );
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const f = i / (k - 1);
    const v =
      d.scale === 'log' ? Math.exp(Math.log(low) + f * (Math.log(high) - Math.log(low))) : low + f * (high - low);
    out.push(d.type === 'int' ? Math.round(v) : v);
  }
  return [...new Set(out)];
}

/** How many points the full grid has. */
export function gridSize(dims: readonly Dimension[], points: number): number {
  return dims.reduce((n, d) => n * gridValues(d, points).length, 1);
}

/** Grid point `index` (0-based) in row-major order: the last dimension varies fastest. */
export function gridPoint(dims: readonly Dimension[], points: number, index: number): Config {
  const values = dims.map((d) => gridValues(d, points));
  const out: Config = new Array<unknown>(dims.length);
  let rest = index;
  for (let i = dims.length - 1; i >= 0; i--) {
    const v = values[i];
    out[i] = v[rest % v.length];
    rest = Math.floor(rest / v.length);
  }
  return out;
}
