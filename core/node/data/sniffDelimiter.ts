const CANDIDATES = [',', ';', '\t', '|'] as const;

function countOutsideQuotes(line: string, delim: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === delim) n++;
  }
  return n;
}

/**
 * Picks the delimiter that splits the first lines into the same, largest number of fields.
 * Falls back to a comma (one column) when no candidate appears.
 */
export function sniffDelimiter(sample: string): ',' | ';' | '\t' | '|' {
  const lines = sample.split(/\r\n|\n|\r/).slice(0, 30);
  if (lines.length > 1 && !sample.endsWith('\n')) lines.pop();
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  let best: (typeof CANDIDATES)[number] = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = nonEmpty.map((l) => countOutsideQuotes(l, d));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistent = counts.filter((c) => c === first).length / counts.length;
    const score = consistent * 1000 + first;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
