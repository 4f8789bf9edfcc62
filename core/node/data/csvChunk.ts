import type { CsvOptions } from '../../common/nodes/data/csvOptions';
import type { ColumnPiece } from './columnBuilder';
import { parseRange } from './csvFastPath';
import { type CsvLayout, CsvRows } from './csvRows';

/**
 * One threaded pass over a file: the chunks between `bounds[j]` and `bounds[j + 1]` that are
 * left in `claims` go to whichever thread claims them; the reading thread takes them from the
 * front, workers from the back.
 */
export interface CsvJob {
  layout: CsvLayout;
  opts: CsvOptions;
  asStrings: string[];
  /** The column names the header gave. */
  names: string[];
  /** The columns the first row demoted (see `ColumnBuilder.startDemoted`). */
  demoted: number[];
  crlf: boolean;
  /** Chunk `j` holds the records that start in `[bounds[j], bounds[j + 1])` (its first record is sought from `bounds[j]`). */
  bounds: number[];
  /** `lo | hi << 16`: chunks `[lo, hi)` are not claimed yet. */
  claims: Int32Array;
}

/** A chunk as a worker read it, from the first line start at or after its bound. */
export type ChunkResult =
  | { index: number; ok: false }
  | {
      index: number;
      ok: true;
      /** Where the worker took the chunk's first record to start (right only if the chunk before ends there). */
      start: number;
      end: number;
      /** Lines read: the next chunk starts on line `1 + lines` counted from the chunk's start. */
      lines: number;
      columns: ColumnPiece[];
    };

/** Chunks, as claims encode them. */
export const MAX_CHUNKS = 0x7fff;

function claim(claims: Int32Array, front: boolean): number {
  for (;;) {
    const v = Atomics.load(claims, 0);
    const lo = v & 0xffff;
    const hi = v >>> 16;
    if (lo >= hi) return -1;
    const next = front ? lo + 1 + (hi << 16) : lo + ((hi - 1) << 16);
    if (Atomics.compareExchange(claims, 0, v, next) === v) return front ? lo : hi - 1;
  }
}

/** The next chunk from the front, or -1 when none is left. */
export const claimFront = (claims: Int32Array): number => claim(claims, true);

/** Leaves no chunk to claim. */
export function closeClaims(claims: Int32Array): void {
  for (;;) {
    const v = Atomics.load(claims, 0);
    if (Atomics.compareExchange(claims, 0, v, (v >>> 16) + ((v >>> 16) << 16)) === v) return;
  }
}

/** Reads chunk `j` of `job` on its own (its line numbers count from 1, its places too). */
async function readChunk(job: CsvJob, j: number): Promise<ChunkResult> {
  const { layout, bounds } = job;
  const share = (bounds[j + 1] - bounds[j]) / Math.max(1, layout.size);
  const estimatedRows = Math.ceil(layout.estimatedRows * share * 1.1) + 16;
  const rows = new CsvRows({ ...layout, estimatedRows }, job.opts, new Set(job.asStrings));
  const builders = rows.preset(job.names);
  for (const k of job.demoted) builders[k].startDemoted();
  let r;
  try {
    r = await parseRange(
      layout,
      rows,
      { from: bounds[j], seek: true, line: 1, crlf: job.crlf, until: bounds[j + 1] },
      {},
    );
  } catch {
    // the reading thread reads the chunk again, and reports what is wrong with the right line
    r = false as const;
  }
  if (r === false) return { index: j, ok: false };
  return { index: j, ok: true, start: r.start, end: r.end, lines: r.line - 1, columns: builders.map((b) => b.piece()) };
}

/** The buffers a result can hand over instead of copying. */
export function transferList(result: ChunkResult): ArrayBuffer[] {
  if (!result.ok) return [];
  const out = new Set<ArrayBuffer>();
  for (const c of result.columns) {
    for (const a of [c.nums, c.strs?.codes, c.text?.codes]) if (a) out.add(a.buffer as ArrayBuffer);
  }
  return [...out];
}

/** A worker's share of `job`: claims chunks from the back until none is left, handing each over as it is read. */
export async function readChunks(job: CsvJob, post: (result: ChunkResult) => void): Promise<void> {
  for (let j = claim(job.claims, false); j >= 0; j = claim(job.claims, false)) post(await readChunk(job, j));
}
