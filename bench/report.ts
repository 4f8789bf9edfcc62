/**
 * Prints one bench line. `higherIsBetter` says which way the ratio points: the ratio is always
 * > 1 when Weft is better.
 */
export function reportBench(
  name: string,
  ours: number,
  peer: number | null,
  unit: string,
  higherIsBetter: boolean,
  peerNote = 'peer unavailable',
): void {
  const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4));
  if (peer === null || !Number.isFinite(peer)) {
    console.log(`bench ${name}: ours ${fmt(ours)} ${unit}, peer n/a ${unit}, ratio n/a (${peerNote})`);
    return;
  }
  const ratio = higherIsBetter ? ours / peer : peer / ours;
  console.log(`bench ${name}: ours ${fmt(ours)} ${unit}, peer ${fmt(peer)} ${unit}, ratio ${ratio.toFixed(2)}`);
}
