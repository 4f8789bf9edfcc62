import type { CsvOptions } from '../../common/nodes/data/csvOptions';
import { UserError } from '../executors/Executor';
import { ColumnBuilder } from './columnBuilder';

/** What one pass over a CSV file needs to know about the file. */
export interface CsvLayout {
  file: string;
  size: number;
  encoding: 'utf-8' | 'latin1';
  delimiter: string;
  decimalComma: boolean;
  estimatedRows: number;
}

function uniqueNames(file: string, raw: string[], header: boolean): string[] {
  if (!header) return raw.map((_, i) => `column${i + 1}`);
  const names = raw.map((n, i) => n.trim() || `column${i + 1}`);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const j = seen.get(n);
    if (j !== undefined) {
      throw new UserError(
        `${file}:1: duplicate column name '${n}' (columns ${j + 1} and ${i + 1}); rename one of them`,
      );
    }
    seen.set(n, i);
  });
  return names;
}

/**
 * Turns split rows into columns: the first non-blank row names the columns (or, without a
 * header, fixes their count), blank lines are skipped, rows with another field count are an
 * error. Both the papaparse pass and the byte-level fast pass feed it, so they agree.
 */
export class CsvRows {
  builders: ColumnBuilder[] | null = null;
  names: string[] = [];
  ncols = 0;
  private readonly missingSet: ReadonlySet<string>;

  constructor(
    private readonly layout: CsvLayout,
    private readonly opts: CsvOptions,
    private readonly asStrings: ReadonlySet<string>,
  ) {
    this.missingSet = new Set(opts.missingValues);
  }

  /** Starts the columns `names`, as a header row naming them does. */
  preset(names: string[]): ColumnBuilder[] {
    this.names = names;
    this.ncols = names.length;
    const { estimatedRows, decimalComma } = this.layout;
    return (this.builders = names.map(
      (name, i) =>
        new ColumnBuilder(
          name,
          i,
          estimatedRows,
          this.missingSet,
          decimalComma,
          this.opts.types[name],
          this.asStrings.has(name),
        ),
    ));
  }

  /** One row of fields that starts on 1-based line `line`. */
  row(row: string[], line: number): void {
    const { file } = this.layout;
    if (row.length === 1 && row[0].trim() === '' && this.ncols !== 1) return;
    let { builders } = this;
    if (builders === null) {
      builders = this.preset(uniqueNames(file, row, this.opts.header));
      if (this.opts.header) return;
    }
    if (row.length !== this.ncols) {
      if (row.length === 1 && row[0] === '') return;
      throw new UserError(
        `${file}:${line}: ragged row: expected ${this.ncols} fields (as in the header), found ${row.length}; check the delimiter and quoting on that line`,
      );
    }
    const at = { file, line };
    for (let j = 0; j < row.length; j++) builders[j].push(row[j], at);
  }
}
