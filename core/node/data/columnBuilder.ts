import type { ColumnType, TableColumn } from '../../common';
import { UserError } from '../executors/Executor';

const BOOLS = new Map<string, number>([
  ['true', 1],
  ['True', 1],
  ['TRUE', 1],
  ['yes', 1],
  ['Yes', 1],
  ['YES', 1],
  ['false', 0],
  ['False', 0],
  ['FALSE', 0],
  ['no', 0],
  ['No', 0],
  ['NO', 0],
]);
const INFINITIES = new Set(['inf', '-inf', '+inf', 'Inf', '-Inf', 'Infinity', '-Infinity', '+Infinity', 'INF', '-INF']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch milliseconds of an ISO date or date-time; times without a zone are read as UTC. */
export function parseIsoDate(v: string): number {
  const m = ISO_DATE.exec(v);
  if (!m) return NaN;
  if (v.length === 10) return Date.parse(v);
  return Date.parse(v.replace(' ', 'T') + (m[1] ? '' : 'Z'));
}

/** Where a value sits in the file, for error messages. */
export interface Place {
  file: string;
  line: number;
  /** Replaces `file:line:column` in messages where columns are not positions, e.g. `data.json: record 12`. */
  at?: string;
}

/** `file:line:column`, or the place's own `at` text. */
export function placeText(place: Place, columnIndex: number): string {
  return place.at ?? `${place.file}:${place.line}:${columnIndex + 1}`;
}

/** Rows a string column makes room for at once. */
const MAX_PRESIZED = 1 << 22;

export type Kind = 'empty' | 'num' | 'bool' | 'date' | 'str';
const forcedKind: Record<ColumnType, Kind> = {
  integer: 'num',
  number: 'num',
  boolean: 'bool',
  date: 'date',
  category: 'str',
  text: 'str',
};

/** What one `ColumnBuilder.push` did, recorded by `pushRecorded` so that an equal value can be added without its text. */
export interface PushEffect {
  readonly mode: number;
  /** Appended to the column's strings (or its kept text), where it has them. */
  readonly str: string | null;
  /** Stored in the column's numbers, where it has them. */
  readonly num: number;
  readonly missing: number;
  readonly textMissing: number;
  readonly numeric: number;
  readonly nonNumeric: number;
}

/** A string list sent between threads: each row's index into `dict`, -1 for missing. */
export interface TextPiece {
  codes: Int32Array;
  dict: string[];
}

/**
 * What a `ColumnBuilder` collected from one run of consecutive rows, in a form that crosses
 * threads (`ColumnBuilder.piece`); `ColumnBuilder.append` adds it after the rows it already has.
 */
export interface ColumnPiece {
  n: number;
  kind: Kind;
  demoted: boolean;
  allInt: boolean;
  missing: number;
  textMissing: number;
  numeric: number;
  nonNumeric: number;
  firstNonNumeric: (Place & { value: string }) | null;
  /** Rows `[0, n)` hold the values (the buffer may be longer). */
  nums: Float64Array | null;
  strs: TextPiece | null;
  text: TextPiece | null;
}

function textPiece(list: (string | null)[], n: number): TextPiece {
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const dict: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let k = index.get(v);
    if (k === undefined) {
      k = dict.length;
      dict.push(v);
      index.set(v, k);
    }
    codes[i] = k;
  }
  return { codes, dict };
}

/** Copies long substrings so a column never keeps the whole parsed chunk alive. */
function detach(v: string): string {
  return v.length < 13 ? v : Buffer.from(v, 'utf8').toString('utf8');
}

/**
 * Collects one column while a file streams: numbers go straight into a Float64Array; the
 * first value that does not fit the column's kind marks the column `demoted` (it is then
 * re-read as strings in a second pass), unless the user forced a type, which makes it an error.
 */
export class ColumnBuilder {
  private kind: Kind;
  private nums: Float64Array | null;
  private strs: (string | null)[] | null;
  private intern = new Map<string, string>();
  /** The column's text from the first row on, kept when the first value demotes it, so no second pass is needed. */
  private text: (string | null)[] | null = null;
  private textMissing = 0;
  /** `mode()` while nothing it depends on changes; -1 after a change. */
  private modeNow = -1;
  n = 0;
  missing = 0;
  numeric = 0;
  nonNumeric = 0;
  allInt = true;
  demoted = false;
  firstNonNumeric: (Place & { value: string }) | null = null;

  constructor(
    readonly name: string,
    readonly index: number,
    private readonly capacity: number,
    private readonly missingSet: ReadonlySet<string>,
    private readonly decimalComma: boolean,
    readonly forced: ColumnType | undefined,
    asStrings: boolean,
  ) {
    this.kind = forced ? forcedKind[forced] : asStrings ? 'str' : 'empty';
    this.nums = this.kind === 'str' ? null : new Float64Array(Math.max(16, capacity));
    this.strs = this.kind === 'str' ? this.newList() : null;
  }

  private bad(place: Place, v: string, why: string): never {
    throw new UserError(
      `${placeText(place, this.index)}: ${why} ${JSON.stringify(v)} in column '${this.name}'` +
        `${this.forced ? ` (type ${this.forced})` : ''}; fix the value, add it to missingValues, or change the column type`,
    );
  }

  private mismatch(place: Place, v: string, kind: Kind): void {
    if (this.forced) this.bad(place, v, kind === 'num' ? 'number' : 'value');
    this.demoted = true;
    this.nums = null;
    if (this.n === 1) {
      this.text = this.newList();
      this.addText(this.text, 0, v);
    }
  }

  /**
   * Room for every row, so that the list never moves while the file is read; at most
   * `MAX_PRESIZED` rows, as a wrong estimate costs memory here (a typed array's unused pages cost none).
   */
  private newList(): (string | null)[] {
    return new Array<string | null>(Math.min(MAX_PRESIZED, Math.max(16, this.capacity)));
  }

  /** Sets row `i` of `strs` to `v` as a string column does; true when it is missing. */
  private addText(strs: (string | null)[], i: number, v: string): boolean {
    let s = v.length === 0 ? undefined : this.intern.get(v);
    if (s === undefined) {
      if (v.length === 0 || this.missingSet.has(v)) {
        strs[i] = null;
        return true;
      }
      s = detach(v);
      if (this.intern.size < 100_000) this.intern.set(s, s);
    }
    strs[i] = s;
    return false;
  }

  /**
   * Starts the column demoted, keeping its text, as a column whose first value demoted it goes
   * on. A builder of a chunk of the file does this for the columns the file's first row demoted,
   * so that its rows are read as the one-thread pass reads them.
   */
  startDemoted(): void {
    if (this.n !== 0 || this.strs !== null || this.forced) return;
    this.demoted = true;
    this.nums = null;
    this.text = this.newList();
  }

  /** Whether the column, demoted, already holds every row's text (its first value demoted it). */
  get hasText(): boolean {
    return this.text !== null;
  }

  /** Makes a demoted column that `hasText` the string column a second pass with it in `asStrings` would give. */
  adoptText(): void {
    if (this.text === null) throw new Error(`column '${this.name}' has no text to adopt`);
    this.modeNow = -1;
    this.strs = this.text;
    this.missing = this.textMissing;
    this.kind = 'str';
    this.demoted = false;
    this.text = null;
  }

  /** The column's state as far as `push` depends on it: a `PushEffect` recorded in one state replays only in it. */
  private mode(): number {
    if (this.modeNow >= 0) return this.modeNow;
    const k = this.kind;
    return (this.modeNow =
      (k === 'num' ? 1 : k === 'bool' ? 2 : k === 'date' ? 3 : k === 'str' ? 4 : 0) |
      (this.demoted ? 8 : 0) |
      (this.strs !== null ? 16 : 0) |
      (this.text !== null ? 32 : 0) |
      (this.allInt ? 64 : 0) |
      (this.firstNonNumeric !== null ? 128 : 0));
  }

  /**
   * `push`, then what it did when an equal value would do exactly the same again in the
   * state it leaves (see `replay`); null when it changed that state.
   */
  pushRecorded(v: string, place: Place): PushEffect | null {
    const mode = this.mode();
    const { missing, textMissing, numeric, nonNumeric } = this;
    const i = this.n;
    this.push(v, place);
    if (this.mode() !== mode) return null;
    const list = this.strs ?? this.text;
    return {
      mode,
      str: list === null ? null : list[i],
      num: this.nums === null ? NaN : this.nums[i],
      missing: this.missing - missing,
      textMissing: this.textMissing - textMissing,
      numeric: this.numeric - numeric,
      nonNumeric: this.nonNumeric - nonNumeric,
    };
  }

  /**
   * Adds the next row's value as `effect` says `push` did with an equal one; false, changing
   * nothing, when the column's state has changed since.
   */
  replay(effect: PushEffect): boolean {
    if (effect.mode !== this.mode()) return false;
    const i = this.n++;
    if (this.strs !== null) this.strs[i] = effect.str;
    else {
      if (this.text !== null) this.text[i] = effect.str;
      if (this.nums !== null) this.store(i, effect.num);
    }
    this.missing += effect.missing;
    this.textMissing += effect.textMissing;
    this.numeric += effect.numeric;
    this.nonNumeric += effect.nonNumeric;
    return true;
  }

  /** Adds the value of the next row. */
  push(v: string, place: Place): void {
    this.modeNow = -1;
    const i = this.n++;
    if (this.strs !== null) {
      if (this.addText(this.strs, i, v)) this.missing++;
      return;
    }
    if (this.text !== null && this.addText(this.text, i, v)) this.textMissing++;
    if (v.length === 0) return this.setMissing(i);
    let x = +v;
    if (x !== x && this.decimalComma && v.includes(',')) x = +v.replace(',', '.');
    if (x === x) {
      if (x === 0 && v.trim() === '') return this.setMissing(i);
      if (x - x !== 0) this.bad(place, v, 'infinite value');
      const c1 = v.length > 2 && v.charCodeAt(0) === 48 ? v.charCodeAt(1) | 32 : 0;
      // 0x.., 0b.., 0o.. literals are not numbers in a CSV
      if (c1 !== 120 && c1 !== 98 && c1 !== 111) {
        this.numeric++;
        if (this.demoted) return;
        if (this.kind !== 'num') {
          if (this.kind !== 'empty') return this.mismatch(place, v, 'num');
          this.kind = 'num';
        }
        this.store(i, x);
        if (this.allInt && !Number.isInteger(x)) {
          if (this.forced === 'integer') this.bad(place, v, 'non-integer value');
          this.allInt = false;
        }
        return;
      }
    }
    if (this.missingSet.has(v)) return this.setMissing(i);
    if (INFINITIES.has(v)) this.bad(place, v, 'infinite value');
    this.nonNumeric++;
    this.firstNonNumeric ??= { ...place, value: v };
    if (this.demoted) return;
    const b = BOOLS.get(v);
    if (b !== undefined) {
      if (this.kind === 'empty') this.kind = 'bool';
      if (this.kind === 'bool') return this.store(i, b);
      return this.mismatch(place, v, 'bool');
    }
    const t = parseIsoDate(v);
    if (t === t) {
      if (this.kind === 'empty') this.kind = 'date';
      if (this.kind === 'date') return this.store(i, t);
      return this.mismatch(place, v, 'date');
    }
    this.mismatch(place, v, this.kind === 'empty' ? 'num' : this.kind);
  }

  /**
   * Adds the next row's value `x`, parsed by the caller from a plain decimal literal (digits,
   * optional sign, point and exponent; finite), exactly as `push` would. Returns false, having
   * changed nothing, where `push` with the text is needed (a type mismatch or an error).
   */
  pushNumber(x: number): boolean {
    if (this.demoted) {
      if (this.text !== null) return false;
      this.n++;
      this.numeric++;
      return true;
    }
    if (this.kind !== 'num' && this.kind !== 'empty') return false;
    if (this.allInt && !Number.isInteger(x)) {
      if (this.forced === 'integer') return false;
      this.allInt = false;
      this.modeNow = -1;
    }
    if (this.kind !== 'num') {
      this.kind = 'num';
      this.modeNow = -1;
    }
    this.numeric++;
    this.store(this.n++, x);
    return true;
  }

  /** The rows collected so far, to be added to another builder of the same column (see `append`). */
  piece(): ColumnPiece {
    const list = this.strs;
    return {
      n: this.n,
      kind: this.kind,
      demoted: this.demoted,
      allInt: this.allInt,
      missing: this.missing,
      textMissing: this.textMissing,
      numeric: this.numeric,
      nonNumeric: this.nonNumeric,
      firstNonNumeric: this.firstNonNumeric,
      nums: this.nums,
      strs: list === null ? null : textPiece(list, this.n),
      text: this.text === null ? null : textPiece(this.text, this.n),
    };
  }

  /**
   * Adds the rows of `p`, collected by a builder of the same column from the rows that follow
   * this one's, leaving the state pushing them one by one would leave, save that the kept text
   * of a column demoted by its first row is dropped unless `p` kept it too (the column is then
   * read again as strings). `lineOffset` is added to the lines of `p`'s places.
   */
  append(p: ColumnPiece, lineOffset: number): void {
    if (p.n === 0) return;
    this.modeNow = -1;
    const at = this.n;
    const first = p.firstNonNumeric;
    if (first !== null && this.firstNonNumeric === null)
      this.firstNonNumeric = { ...first, line: first.line + lineOffset };
    this.n += p.n;
    this.missing += p.missing;
    this.numeric += p.numeric;
    this.nonNumeric += p.nonNumeric;
    if (this.strs !== null) {
      if (p.strs === null) throw new Error(`column '${this.name}': a piece without strings`);
      this.addPiece(this.strs, p.strs, at);
      return;
    }
    const conflict = this.kind !== p.kind && this.kind !== 'empty' && p.kind !== 'empty';
    if (at === 0) {
      if (p.text !== null) this.text = this.newList();
    } else if (p.text === null) this.text = null;
    if (this.text !== null && p.text !== null) {
      this.addPiece(this.text, p.text, at);
      this.textMissing += p.textMissing;
    }
    if (this.kind === 'empty') this.kind = p.kind;
    this.allInt &&= p.allInt;
    if (this.demoted || p.demoted || conflict) {
      this.demoted = true;
      this.nums = null;
      return;
    }
    if (this.n > this.nums!.length) {
      const grown = new Float64Array(Math.max(this.n, Math.ceil(this.nums!.length * 1.5) + 16));
      grown.set(this.nums!.subarray(0, at));
      this.nums = grown;
    }
    this.nums!.set(p.nums!.subarray(0, p.n), at);
  }

  /** Sets rows `at…` of `list` to the strings of `p`, one string per distinct value as `addText` keeps them. */
  private addPiece(list: (string | null)[], p: TextPiece, at: number): void {
    const same = p.dict.map((v) => {
      const s = this.intern.get(v);
      if (s !== undefined) return s;
      if (this.intern.size < 100_000) this.intern.set(v, v);
      return v;
    });
    const { codes } = p;
    for (let i = 0; i < codes.length; i++) {
      const k = codes[i];
      list[at + i] = k < 0 ? null : same[k];
    }
  }

  private setMissing(i: number): void {
    this.missing++;
    if (!this.demoted) this.store(i, NaN);
  }

  private store(i: number, x: number): void {
    let nums = this.nums!;
    if (i >= nums.length) {
      const grown = new Float64Array(Math.ceil(nums.length * 1.5) + 16);
      grown.set(nums);
      this.nums = nums = grown;
    }
    nums[i] = x;
  }

  /** The finished column; `n` rows. */
  finish(): TableColumn {
    if (this.strs !== null) {
      const distinct = this.intern.size;
      const nonMissing = this.n - this.missing;
      const type: ColumnType =
        this.forced ??
        (distinct <= 1000 && distinct <= Math.max(20, nonMissing / 2) && this.intern.size < 100_000
          ? 'category'
          : 'text');
      const values = this.strs;
      if (values.length !== this.n) values.length = this.n;
      return { name: this.name, type: type === 'text' ? 'text' : 'category', values };
    }
    let nums = this.nums!;
    // a view avoids a second copy of every column at peak; the spare capacity is the row-count estimate's margin
    if (nums.length !== this.n) nums = this.n >= nums.length * 0.8 ? nums.subarray(0, this.n) : nums.slice(0, this.n);
    this.nums = null;
    const type: ColumnType =
      this.forced ??
      (this.kind === 'bool'
        ? 'boolean'
        : this.kind === 'date'
          ? 'date'
          : this.allInt && this.kind === 'num'
            ? 'integer'
            : 'number');
    return { name: this.name, type: type as 'integer' | 'number' | 'boolean' | 'date', values: nums };
  }
}
