/** One sample line of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A line that does not follow the Prometheus text format. */
export class PromParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`metrics line ${line}: ${message}`);
    this.name = 'PromParseError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string, line: number): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new PromParseError(line, `"${text}" is not a number`);
  return v;
}

function parseLabels(s: string, at: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at + 1;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return { labels, end: i + 1 };
    const m = LABEL.exec(s.slice(i));
    if (!m) throw new PromParseError(line, `expected a label name at column ${i + 1}`);
    i += m[0].length;
    if (s[i] !== '=' || s[i + 1] !== '"') throw new PromParseError(line, `expected ="…" after label ${m[0]}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw new PromParseError(line, `unterminated value of label ${m[0]}`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const e = s[i++];
        value += e === 'n' ? '\n' : (e ?? '');
      } else value += c;
    }
    labels[m[0]] = value;
  }
}

/**
 * Parses Prometheus text exposition format (version 0.0.4): comments and `# HELP`/`# TYPE`
 * lines are skipped, every sample line becomes `{name, labels, value}` (timestamps dropped).
 */
export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const s = (lines[n] ?? '').trim();
    if (!s || s.startsWith('#')) continue;
    const m = NAME.exec(s);
    if (!m) throw new PromParseError(n + 1, 'expected a metric name');
    let i = m[0].length;
    let labels: Record<string, string> = {};
    if (s[i] === '{') ({ labels, end: i } = parseLabels(s, i, n + 1));
    const rest = s.slice(i).trim().split(/\s+/);
    if (!rest[0] || rest.length > 2) throw new PromParseError(n + 1, 'expected a value and an optional timestamp');
    out.push({ name: m[0], labels, value: parseValue(rest[0], n + 1) });
  }
  return out;
}
