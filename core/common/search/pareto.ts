/** Indices of the trials no other trial beats on both objectives (higher objective, lower cost). */
export function paretoFront(points: readonly { objective: number; cost: number }[], maximize: boolean): number[] {
  const better = (a: number, b: number): boolean => (maximize ? a > b : a < b);
  return points.flatMap((p, i) =>
    points.some(
      (q) =>
        (better(q.objective, p.objective) || q.objective === p.objective) &&
        q.cost <= p.cost &&
        (better(q.objective, p.objective) || q.cost < p.cost),
    )
      ? []
      : [i],
  );
}
