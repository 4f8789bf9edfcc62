import type { EngineParams, EngineResult } from '../../common';
import { exploreTable } from '../../common/explore/exploreTable';
import { QueryError, queryRows, type RowQuery } from '../../common/explore/tableQuery';
import { formatCell } from '../../common/nodes/data/tablePreview';
import type { ExecutorResult } from '../executors/Executor';
import { frameOf, type DataFrame } from './dataFrame';
import { StudioError } from './StudioError';

/** Where a node's last results come from. */
export interface ProducedValue {
  runId: string;
  load: () => Promise<ExecutorResult | undefined>;
}

/** A tiny least-recently-used map. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
}

type DataRef = Pick<EngineParams<'engine.rows'>, 'run' | 'nodeId' | 'port' | 'split'>;

/**
 * Answers `engine.rows` and `engine.explore` over the full table a node produced: frames and
 * sorted/filtered row orders are kept for the last few queries, so scrolling asks only for pages.
 */
export class DataViews {
  private readonly frames = new Lru<DataFrame>(2);
  private readonly orders = new Lru<Int32Array | undefined>(4);

  constructor(private readonly produced: (ref: DataRef) => Promise<ProducedValue | undefined>) {}

  private async frame(ref: DataRef): Promise<{ key: string; frame: DataFrame }> {
    const got = await this.produced(ref);
    if (!got) throw new StudioError(404, `${ref.nodeId} has no results: run it first`);
    const key = JSON.stringify([got.runId, ref.nodeId, ref.port, ref.split ?? null]);
    const cached = this.frames.get(key);
    if (cached) return { key, frame: cached };
    const result = await got.load();
    if (!result) throw new StudioError(404, `${ref.nodeId}'s results are no longer available: run it again`);
    if (!Object.hasOwn(result.outputs, ref.port))
      throw new StudioError(404, `${ref.nodeId} has no output "${ref.port}"`);
    const frame = frameOf(result.outputs[ref.port], ref.split);
    if (!frame)
      throw new StudioError(
        400,
        `${ref.nodeId}.${ref.port}${ref.split ? ` (${ref.split} split)` : ''} is not a table or a dataset split`,
      );
    this.frames.set(key, frame);
    return { key, frame };
  }

  async rows(p: EngineParams<'engine.rows'>): Promise<EngineResult<'engine.rows'>> {
    const { key, frame } = await this.frame(p);
    const q: RowQuery = { ...(p.sort ? { sort: p.sort } : {}), ...(p.filters ? { filters: p.filters } : {}) };
    const orderKey = JSON.stringify([key, q.sort ?? null, (q.filters ?? []).filter((f) => f.text.trim())]);
    let order = this.orders.get(orderKey);
    if (order === undefined) {
      try {
        order = queryRows(frame.columns, frame.rowCount, q);
      } catch (e) {
        if (e instanceof QueryError) throw new StudioError(400, e.message);
        throw e;
      }
      if (order) this.orders.set(orderKey, order);
    }
    const total = order ? order.length : frame.rowCount;
    const end = Math.min(total, p.offset + p.limit);
    const rows: (string | number | null)[][] = [];
    const rowNumbers: number[] = [];
    for (let i = p.offset; i < end; i++) {
      const r = order ? order[i] : i;
      rows.push(frame.columns.map((c) => formatCell(c, r)));
      rowNumbers.push(frame.rowIds ? frame.rowIds[r] : r + 1);
    }
    return {
      columns: frame.columns.map((c) => ({ name: c.name, type: c.type })),
      rowCount: frame.rowCount,
      total,
      offset: p.offset,
      rows,
      rowNumbers,
    };
  }

  async explore(p: EngineParams<'engine.explore'>): Promise<EngineResult<'engine.explore'>> {
    const { frame } = await this.frame(p);
    const classColumn = p.classColumn ?? frame.classColumn;
    if (classColumn && !frame.columns.some((c) => c.name === classColumn))
      throw new StudioError(400, `no column "${classColumn}" to colour by`);
    return exploreTable(frame.columns, frame.rowCount, {
      ...(classColumn ? { classColumn } : {}),
      ...(classColumn && classColumn === frame.classColumn && frame.classOrder ? { classOrder: frame.classOrder } : {}),
      ...(p.maxPoints ? { maxPoints: p.maxPoints } : {}),
      ...(p.standardize ? { standardize: true } : {}),
    });
  }
}
