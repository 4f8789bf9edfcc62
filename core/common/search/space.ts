import { z } from 'zod';

/**
 * One search dimension: a param of an upstream node and the values a search may give it.
 * `int` and `float` take `low..high` (both included), on a linear or log scale; `choice` takes
 * one of `choices`, which may be lists (hidden sizes such as `[64, 64]`).
 * @example { node: 'train', param: 'lr', type: 'float', low: 1e-4, high: 0.1, scale: 'log' }
 */
export const dimensionSchema = z
  .object({
    node: z.string().min(1).describe('Id of the node whose param this dimension sets'),
    param: z.string().min(1).describe('The param, e.g. lr; a dotted path reaches into an object param'),
    type: z.enum(['int', 'float', 'choice']).describe('A range of integers or numbers, or a list of choices'),
    low: z.number().optional().describe('int / float: lowest value'),
    high: z.number().optional().describe('int / float: highest value'),
    scale: z.enum(['linear', 'log']).default('linear').describe('log samples evenly in log(value) (learning rates)'),
    choices: z.array(z.unknown()).optional().describe('choice: the values to try'),
  })
  .superRefine((d, ctx) => {
    const problem = dimensionProblem(d);
    if (problem) ctx.addIssue({ code: 'custom', message: `${d.node}.${d.param}: ${problem}` });
  });

export type Dimension = z.output<typeof dimensionSchema>;

/** Why a dimension cannot be searched, or undefined when it can. */
export function dimensionProblem(d: Omit<Dimension, 'scale'> & { scale?: 'linear' | 'log' }): string | undefined {
  if (d.type === 'choice') {
    if (!d.choices?.length) return 'a choice dimension needs at least one value in choices';
    return undefined;
  }
  if (d.low === undefined || d.high === undefined) return `a ${d.type} range needs low and high`;
  if (!Number.isFinite(d.low) || !Number.isFinite(d.high)) return 'low and high must be finite numbers';
  if (d.low > d.high) return `the range ${d.low}..${d.high} is empty: low is above high`;
  if (d.type === 'int' && (!Number.isInteger(d.low) || !Number.isInteger(d.high)))
    return `an int range needs whole-number bounds, not ${d.low}..${d.high}`;
  if (d.scale === 'log' && d.low <= 0) return `a log scale needs low above 0, not ${d.low}`;
  return undefined;
}

/** A dimension's key in trial params: `node.param`. */
export const dimensionKey = (d: Pick<Dimension, 'node' | 'param'>): string => `${d.node}.${d.param}`;

/**
 * Where a numeric dimension's samples live: the value itself (linear) or its logarithm (log); an
 * int range widens by half a step each side so every integer gets an equal share.
 */
export function internalBounds(d: Dimension): [number, number] {
  const lo = d.type === 'int' ? (d.low as number) - 0.5 : (d.low as number);
  const hi = d.type === 'int' ? (d.high as number) + 0.5 : (d.high as number);
  return d.scale === 'log' ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** The param value at internal coordinate `t` (rounded and clamped for ints). */
export function fromInternal(d: Dimension, t: number): number {
  const v = d.scale === 'log' ? Math.exp(t) : t;
  const low = d.low as number;
  const high = d.high as number;
  const out = d.type === 'int' ? Math.round(v) : v;
  return Math.min(high, Math.max(low, out));
}

/** The internal coordinate of a param value. */
export function toInternal(d: Dimension, v: number): number {
  return d.scale === 'log' ? Math.log(v) : v;
}

/** A point of the space: one value per dimension, in dimension order (a choice's value, not its index). */
export type Config = unknown[];

/** A choice's index in its list by deep equality (lists compare element by element), or -1. */
export function choiceIndex(d: Dimension, value: unknown): number {
  const key = JSON.stringify(value);
  return (d.choices ?? []).findIndex((c) => JSON.stringify(c) === key);
}
