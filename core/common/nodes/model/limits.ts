import { groupDigits } from '../../groupDigits';

/** The most hidden layers (or conv blocks) a preset model may have: a document asking for more is refused by validation. */
export const MAX_MODEL_LAYERS = 256;
/** The most weights between hidden layers (units × next units, summed) a preset model may have: 200 million, 800 MB as float32. */
export const MAX_HIDDEN_WEIGHTS = 200_000_000;

/** Weights and biases between consecutive hidden layers (the input and output layers depend on the data). */
export function hiddenWeights(units: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < units.length; i++) n += units[i - 1] * units[i] + units[i];
  return n;
}

/** The refusal message for a model whose hidden layers alone exceed MAX_HIDDEN_WEIGHTS, or undefined. */
export function hiddenWeightsProblem(units: readonly number[]): string | undefined {
  const n = hiddenWeights(units);
  if (n <= MAX_HIDDEN_WEIGHTS) return undefined;
  return `the hidden layers alone hold ${groupDigits(n)} weights (${Math.round((n * 4) / 1024 ** 2)} MiB as float32, about 4× that while training with Adam), more than the ${groupDigits(MAX_HIDDEN_WEIGHTS)} allowed; use fewer or narrower layers`;
}

/**
 * A size line for `weft validate`: the weights a preset model's hidden layers hold and what they
 * take while training (weights, gradients and two Adam moments, float32). Input and output layers
 * are sized from the data at run time and not counted.
 */
export function describeModelSize(type: string, params: unknown): string | undefined {
  const p = params as { hidden?: number[]; dense?: number[]; filters?: number[]; kernelSize?: number } | null;
  const units = type === 'model.mlp' ? p?.hidden : type === 'model.cnn' ? p?.dense : undefined;
  if (!units) return undefined;
  const filters = type === 'model.cnn' ? (p?.filters ?? []) : [];
  const k2 = (p?.kernelSize ?? 3) ** 2;
  let n = hiddenWeights(units);
  for (let i = 1; i < filters.length; i++) n += k2 * filters[i - 1] * filters[i] + filters[i];
  const mib = (n * 4 * 4) / 1024 ** 2;
  return `${groupDigits(n)} weights between hidden layers (input and output layers are sized from the data), about ${mib < 0.1 ? mib.toFixed(3) : mib.toFixed(1)} MiB while training; the ceiling is ${groupDigits(MAX_HIDDEN_WEIGHTS)}`;
}
