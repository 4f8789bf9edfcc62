import { categoricalParzen, logDensityNumeric, numericParzen, sampleCategorical, sampleNumeric } from './parzen';
import { sampleRandom } from './random';
import { choiceIndex, fromInternal, internalBounds, toInternal, type Config, type Dimension } from './space';

/** A trial as a sampler sees it: where it was, and its loss (lower is better) when it finished. */
export interface Observation {
  config: Config;
  /** The objective as a loss: negated when the objective is maximised. Absent for pruned trials. */
  loss?: number;
  /** Stopped early by pruning: counted among the bad trials. */
  pruned?: boolean;
}

export interface TpeOptions {
  /** Share of finished trials counted good. @default 0.25 */
  gamma: number;
  /** Candidates drawn from the good density per suggestion. @default 24 */
  candidates: number;
  /** Finished trials needed before TPE replaces random sampling. @default 5 */
  warmup: number;
}

/**
 * Splits finished trials by loss: the best `ceil(gamma · n)` (at least one) are good; the rest,
 * and every pruned trial, are bad. Failed trials are not observations.
 */
export function splitObservations(
  history: readonly Observation[],
  gamma: number,
): { good: Observation[]; bad: Observation[] } {
  const finished = history
    .filter((o) => !o.pruned && o.loss !== undefined && Number.isFinite(o.loss))
    .sort((a, b) => (a.loss as number) - (b.loss as number));
  const nGood = Math.max(1, Math.ceil(gamma * finished.length));
  return {
    good: finished.slice(0, nGood),
    bad: [...finished.slice(nGood), ...history.filter((o) => o.pruned)],
  };
}

/** How each dimension scores a candidate value: log l(x) − log g(x), and how to draw from l. */
interface DimensionModel {
  draw(random: () => number): { value: unknown; score: number };
}

function modelOf(d: Dimension, i: number, good: Observation[], bad: Observation[]): DimensionModel {
  if (d.type === 'choice') {
    const k = d.choices?.length ?? 0;
    const idx = (obs: Observation[]): number[] => obs.map((o) => choiceIndex(d, o.config[i])).filter((j) => j >= 0);
    const l = categoricalParzen(idx(good), k);
    const g = categoricalParzen(idx(bad), k);
    return {
      draw: (random) => {
        const j = sampleCategorical(l, random);
        return { value: d.choices?.[j], score: Math.log(l[j]) - Math.log(g[j]) };
      },
    };
  }
  const [lo, hi] = internalBounds(d);
  const coords = (obs: Observation[]): number[] => obs.map((o) => toInternal(d, o.config[i] as number));
  const l = numericParzen(coords(good), lo, hi);
  const g = numericParzen(coords(bad), lo, hi);
  return {
    draw: (random) => {
      const t = sampleNumeric(l, random);
      return { value: fromInternal(d, t), score: logDensityNumeric(l, t) - logDensityNumeric(g, t) };
    },
  };
}

/**
 * The next point by the tree-structured Parzen estimator: random while fewer than `warmup` trials
 * have finished; then `candidates` points drawn from the good trials' density l(x), keeping the one
 * with the largest l(x)/g(x) (dimensions independent, so the ratio is a product over dimensions).
 */
export function suggestTpe(
  dims: readonly Dimension[],
  history: readonly Observation[],
  random: () => number,
  opts: TpeOptions,
): Config {
  const finished = history.filter((o) => !o.pruned && o.loss !== undefined && Number.isFinite(o.loss)).length;
  if (finished < Math.max(1, opts.warmup)) return sampleRandom(dims, random);
  const { good, bad } = splitObservations(history, opts.gamma);
  const models = dims.map((d, i) => modelOf(d, i, good, bad));
  let best: Config = [];
  let bestScore = -Infinity;
  for (let c = 0; c < Math.max(1, opts.candidates); c++) {
    let score = 0;
    const config = models.map((m) => {
      const drawn = m.draw(random);
      score += drawn.score;
      return drawn.value;
    });
    if (score > bestScore || c === 0) {
      best = config;
      bestScore = score;
    }
  }
  return best;
}
