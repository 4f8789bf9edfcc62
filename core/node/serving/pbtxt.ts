/**
 * A small reader for protobuf text format (what Triton's config.pbtxt is written in), enough to
 * read a model config back: scalars, enums, strings, messages `{}` and lists `[]`. Repeated
 * fields come back as arrays.
 */
/** A value in protobuf text format. */
export type PbValue = string | number | PbValue[] | PbMessage;
/** A message: its fields by name. */
export interface PbMessage {
  [field: string]: PbValue;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s+|#[^\n]*|("(?:[^"\\]|\\.)*")|([{}[\]:,])|([^\s{}[\]:,"#]+)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot read pbtxt at offset ${at}: ${text.slice(at, at + 20)}`);
    const t = m[1] ?? m[2] ?? m[3];
    if (t !== undefined) tokens.push(t);
    at = re.lastIndex;
  }
  return tokens;
}

export function parsePbtxt(text: string): PbMessage {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want))
      throw new Error(`pbtxt: expected ${want ?? 'a token'} at token ${i - 1}, got ${t}`);
    return t;
  };
  const scalar = (t: string): string | number =>
    t.startsWith('"') ? (JSON.parse(t) as string) : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
  const value = (): PbValue => {
    const t = take();
    if (t === '{') return message('}');
    if (t === '[') {
      const list: PbValue[] = [];
      while (peek() !== ']') {
        list.push(value());
        if (peek() === ',') take(',');
      }
      take(']');
      return list;
    }
    return scalar(t);
  };
  const message = (end?: string): PbMessage => {
    const msg: PbMessage = {};
    while (i < tokens.length && peek() !== end) {
      const field = take();
      if (peek() === ':') take(':');
      const v = value();
      const prev = msg[field];
      msg[field] = prev === undefined ? v : Array.isArray(prev) && !Array.isArray(v) ? [...prev, v] : [prev, v].flat(0);
      if (peek() === ',') take(',');
    }
    if (end) take(end);
    return msg;
  };
  return message();
}
