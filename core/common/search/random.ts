import { seededRandom } from '../nodes/prep/random';
import { fromInternal, internalBounds, type Config, type Dimension } from './space';

/** The random source of trial `index` of a search seeded `seed`: the same pair gives the same stream. */
export function trialRandom(seed: number, index: number): () => number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return seededRandom((h ^ (h >>> 16)) >>> 0);
}

/** One value of a dimension drawn uniformly (in log space for a log scale). */
export function sampleDimension(d: Dimension, random: () => number): unknown {
  if (d.type === 'choice') {
    const choices = d.choices ?? [];
    return choices[Math.min(choices.length - 1, Math.floor(random() * choices.length))];
  }
  const [lo, hi] = internalBounds(d);
  return fromInternal(d, lo + random() * (hi - lo));
}

/** A point drawn uniformly from the space. */
export function sampleRandom(dims: readonly Dimension[], random: () => number): Config {
  return dims.map((d) => sampleDimension(d, random));
}
