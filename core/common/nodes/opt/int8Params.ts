import { z } from 'zod';

/**
 * The static int8 settings shared by `opt.quantize` and export's quantize option; `when` is the
 * inspector condition under which they apply (export: only with quantize on).
 */
export function int8Params(when: Record<string, unknown[]> = {}) {
  const shown = <T extends z.ZodType>(t: T, extra: Record<string, unknown[]> = {}): T => {
    const showIf = { ...when, ...extra };
    return Object.keys(showIf).length ? t.meta({ showIf }) : t;
  };
  return {
    /** How calibration turns each activation's values into its range: min-max, or a central percentile. @default 'minmax' */
    calibration: shown(z.enum(['minmax', 'percentile']).default('minmax')).describe(
      "How each activation's calibrated values become its range: min-max, or a central percentile",
    ),
    /** Percentile kept by the percentile method (the rest is cut evenly from both tails). @default 99.99 */
    percentile: shown(z.number().gt(50).max(100).default(99.99), { calibration: ['percentile'] }).describe(
      'Percentile of values kept by the percentile method; the rest is cut evenly from both tails',
    ),
    /** Training rows run through the float model to calibrate activation ranges. @default 1000 */
    calibrationRows: shown(z.number().int().min(1).max(100_000).default(1000)).describe(
      'Training rows run through the float model to calibrate activation ranges (fewer than 200 warns)',
    ),
    /** Element type of quantized activations (weights are always int8). @default 'uint8' */
    activations: shown(z.enum(['uint8', 'int8']).default('uint8')).describe(
      'Element type of quantized activations; weights are always int8',
    ),
    /** Warn when int8 accuracy falls below float by more than this (on the 0–1 scale). @default 0.01 */
    maxAccuracyDrop: shown(z.number().min(0).max(1).default(0.01)).describe(
      'Warn when int8 accuracy falls below float by more than this (0.01 = 1 point)',
    ),
  };
}
