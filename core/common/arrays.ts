/**
 * Array helpers that never spread an array into call arguments: `push(...a)` and `Math.max(...a)`
 * overflow the stack once `a` holds about 100k items (lint forbids them in core/).
 */

/** The largest of `values`, or `floor` when it is larger or there are none. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let m = floor;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** Appends every item of `items` to `target` (in place) and returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const v of items) target.push(v);
  return target;
}
