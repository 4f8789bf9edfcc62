import type { DatasetSplit } from '../values';
import { groupDigits } from '../groupDigits';

/** The last path segment of a file path (either separator). */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/**
 * How reports name a split: `test (t10k-images-idx3-ubyte.gz, 10,000 rows)` when it came from a
 * source of its own, else just its name.
 */
export function splitLabel(name: string, split: Pick<DatasetSplit, 'n' | 'source'>): string {
  return split.source ? `${name} (${split.source}, ${groupDigits(split.n)} rows)` : name;
}
