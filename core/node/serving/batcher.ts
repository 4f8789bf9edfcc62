/**
 * Dynamic batching: requests to one model version that arrive close together are stacked along
 * the first (batch) dimension into one onnxruntime call and the outputs split back per request.
 * Only requests with the same inputs, element types, non-batch dimensions and wanted outputs are
 * stacked together.
 */
import * as ort from 'onnxruntime-node';

/** How requests are gathered into one call. */
export interface BatchOptions {
  /** Most rows in one call; a request with at least this many rows runs alone. */
  maxBatchSize: number;
  /** Longest a request waits for others, in milliseconds; 0 gathers what arrived in the same turn. */
  maxQueueDelayMs: number;
  /** Batch sizes that are sent at once when reached (Triton's preferred_batch_size). @default [] */
  preferredBatchSizes?: number[];
}

type Outputs = Record<string, ort.Tensor>;
type Run = (feeds: Record<string, ort.Tensor>, wanted: string[]) => Promise<Outputs>;

interface Pending {
  feeds: Record<string, ort.Tensor>;
  rows: number;
  resolve(out: Outputs): void;
  reject(e: Error): void;
}

interface Group {
  wanted: string[];
  rows: number;
  items: Pending[];
  timer?: NodeJS.Timeout | NodeJS.Immediate;
}

type Data = ArrayLike<unknown> & { length: number };

function concat(parts: Data[]): Data {
  const first = parts[0];
  if (Array.isArray(first)) return (parts as unknown[][]).flat();
  const total = parts.reduce((n, p) => n + p.length, 0);
  const Ctor = (first as unknown as { constructor: new (n: number) => Data & { set(a: Data, at: number): void } })
    .constructor;
  const out = new Ctor(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function slice(data: ort.Tensor.DataType, start: number, end: number): ort.Tensor.DataType {
  return (data as unknown as { slice(a: number, b: number): ort.Tensor.DataType }).slice(start, end);
}

/** Gathers requests into batches for one session; `run` is the unbatched call. */
export class Batcher {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly run: Run,
    private readonly opts: BatchOptions,
    private readonly onBatch: (rows: number, requests: number) => void = () => {},
  ) {}

  /** Runs `feeds` (already checked against the model) alone or stacked with others. */
  submit(feeds: Record<string, ort.Tensor>, wanted: string[]): Promise<Outputs> {
    const names = Object.keys(feeds);
    if (names.length > 1) names.sort();
    const rows = feeds[names[0]]?.dims[0];
    let stackable = rows !== undefined && rows < this.opts.maxBatchSize;
    // What must be equal for requests to stack: the wanted outputs, and each input's name,
    // element type and dimensions beyond the first (names and types are JSON strings, so no
    // part can pass for another).
    let key = JSON.stringify(wanted);
    for (let i = 0; stackable && i < names.length; i++) {
      const t = feeds[names[i]];
      const dims = t.dims;
      if (dims.length === 0 || dims[0] !== rows) stackable = false;
      else key += `|${JSON.stringify(names[i])}:${t.type}[${dims.slice(1).join(',')}]`;
    }
    if (!stackable) {
      this.onBatch(rows ?? 1, 1);
      return this.run(feeds, wanted);
    }
    return new Promise<Outputs>((resolve, reject) => {
      let group = this.groups.get(key);
      if (group && group.rows + rows > this.opts.maxBatchSize) {
        this.flush(key, group);
        group = undefined;
      }
      if (!group) {
        group = { wanted, rows: 0, items: [] };
        this.groups.set(key, group);
      }
      group.items.push({ feeds, rows, resolve, reject });
      group.rows += rows;
      const g = group;
      if (g.rows >= this.opts.maxBatchSize || this.opts.preferredBatchSizes?.includes(g.rows)) this.flush(key, g);
      else if (!g.timer)
        g.timer =
          this.opts.maxQueueDelayMs > 0
            ? setTimeout(() => this.flush(key, g), this.opts.maxQueueDelayMs)
            : setImmediate(() => this.flush(key, g));
    });
  }

  private flush(key: string, group: Group): void {
    if (this.groups.get(key) === group) this.groups.delete(key);
    if (group.timer) {
      clearTimeout(group.timer as NodeJS.Timeout);
      clearImmediate(group.timer as NodeJS.Immediate);
    }
    void this.runGroup(group);
  }

  private async runGroup(group: Group): Promise<void> {
    const { items, rows } = group;
    this.onBatch(rows, items.length);
    if (items.length === 1) {
      const only = items[0];
      await this.run(only.feeds, group.wanted).then(only.resolve, only.reject);
      return;
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(items[0].feeds)) {
      const first = items[0].feeds[name];
      const data = concat(items.map((it) => it.feeds[name].data as Data));
      feeds[name] = new ort.Tensor(first.type, data as ort.Tensor.DataType, [rows, ...first.dims.slice(1)]);
    }
    let out: Outputs;
    try {
      out = await this.run(feeds, group.wanted);
    } catch (e) {
      for (const it of items) it.reject(e as Error);
      return;
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
    }
    const unsplittable = Object.entries(out).find(([, t]) => t.dims[0] !== rows);
    if (unsplittable) {
      const [name, t] = unsplittable;
      const e = new Error(
        `output ${name} has first dimension ${t.dims[0] ?? 'none'}, not the batch's ${rows} rows, so the batch cannot be split back; turn batching off for this model`,
      );
      for (const it of items) it.reject(e);
      return;
    }
    let start = 0;
    for (const it of items) {
      const mine: Outputs = {};
      for (const [name, t] of Object.entries(out)) {
        const per = t.size / rows;
        mine[name] = new ort.Tensor(t.type, slice(t.data, start * per, (start + it.rows) * per), [
          it.rows,
          ...t.dims.slice(1),
        ]);
      }
      start += it.rows;
      it.resolve(mine);
    }
    for (const t of Object.values(out)) t.dispose();
  }
}
