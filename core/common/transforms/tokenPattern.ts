import { DataError } from '../nodes/prep/DataError';

/** scikit-learn's default `token_pattern`: runs of two or more word characters. */
export const DEFAULT_TOKEN_PATTERN = '(?u)\\b\\w\\w+\\b';

/** Python's `\w` on str: letters, numbers and `_` of any script. */
const W = '\\p{L}\\p{N}_';
const BOUNDARY = `(?:(?<=[${W}])(?![${W}])|(?<![${W}])(?=[${W}]))`;
const NOT_BOUNDARY = `(?:(?<=[${W}])(?=[${W}])|(?<![${W}])(?![${W}]))`;
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/** A compiled token pattern: `group` when its one capturing group, not the whole match, is the token. */
export interface TokenRegex {
  re: RegExp;
  group: boolean;
}

function escape(e: string, inClass: boolean, fail: (why: string) => never): string {
  switch (e) {
    case 'w':
      return inClass ? W : `[${W}]`;
    case 'W':
      return inClass ? fail('\\W inside a character class') : `[^${W}]`;
    case 'd':
      return '\\p{Nd}';
    case 'D':
      return '\\P{Nd}';
    case 'b':
      return inClass ? '\\x08' : BOUNDARY;
    case 'B':
      return inClass ? fail('\\B inside a character class') : NOT_BOUNDARY;
    case 'A':
      return '^';
    case 'Z':
      return '$';
  }
  if (/[\p{L}\p{N}]/u.test(e)) return `\\${e}`;
  if (SYNTAX.has(e) || (inClass && e === '-')) return `\\${e}`;
  return `\\u{${e.codePointAt(0)!.toString(16)}}`;
}

/**
 * Python `re` syntax → a JavaScript RegExp with Python's Unicode meaning of `\w`, `\d` and `\b` on
 * str (JavaScript's are ASCII), `(?P<name>…)` groups and leading `(?iums)` flags.
 */
function translate(pattern: string, fail: (why: string) => never): RegExp {
  let src = pattern;
  let flags = 'gu';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else if (f !== 'u') fail(`the inline flag (?${f})`);
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\' && i + 1 < src.length) {
      const cp = src.codePointAt(i + 1)!;
      const e = String.fromCodePoint(cp);
      out += escape(e, inClass, fail);
      i += e.length;
      continue;
    }
    if (!inClass && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (!inClass && src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      if (end < 0) fail('an unclosed (?P=name)');
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    if (ch === '[' && !inClass) {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += `\\${src[++i]}`;
      continue;
    }
    if (ch === ']' && inClass) inClass = false;
    out += ch;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    return fail((e as Error).message);
  }
}

const compiled = new Map<string, TokenRegex>();

/**
 * The token pattern `pattern` (Python regular-expression syntax, as scikit-learn's `token_pattern`)
 * compiled once. At most one capturing group, whose text is then the token. A pattern that cannot
 * be used is a DataError naming `where`.
 */
export function tokenRegex(pattern: string, where: string): TokenRegex {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  const fail = (why: string): never => {
    throw new DataError(
      `${where}: tokenPattern ${JSON.stringify(pattern)} cannot be used (${why}); write it in Python's re syntax, e.g. the default ${DEFAULT_TOKEN_PATTERN}`,
    );
  };
  const re = translate(pattern, fail);
  const groups = new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1;
  if (groups > 1)
    fail(`${groups} capturing groups; at most one may capture the token, make the others non-capturing with (?:…)`);
  const r = { re, group: groups === 1 };
  compiled.set(pattern, r);
  return r;
}

/** The tokens `pattern` finds in `text`, in order (Python's `re.findall`). */
export function findTokens(text: string, r: TokenRegex): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(r.re)) out.push(r.group ? (m[1] ?? '') : m[0]);
  return out;
}
